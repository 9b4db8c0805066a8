import { LnsimError } from '../core/errors.js'

/**
 * A rule of the channel protocol was broken, by a peer's message or by a local
 * command. `code` names the rule (e.g. HTLC_BELOW_MINIMUM, INVALID_COMMITMENT_SIGNATURE);
 * `fatal` says whether BOLT #2 requires failing the channel (force close) or only
 * a warning with the channel unchanged.
 */
export class ChannelError extends LnsimError {
  readonly fatal: boolean
  constructor(code: string, message: string, options: { fatal?: boolean; details?: Record<string, unknown> } = {}) {
    super(code, message, options.details ?? {})
    this.name = 'ChannelError'
    this.fatal = options.fatal ?? false
  }
}

export function channelError(code: string, message: string, details?: Record<string, unknown>): ChannelError {
  return new ChannelError(code, message, details ? { details } : {})
}

export function fatalChannelError(code: string, message: string, details?: Record<string, unknown>): ChannelError {
  return new ChannelError(code, message, details ? { fatal: true, details } : { fatal: true })
}
