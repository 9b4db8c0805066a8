import { LnsimError } from '../core/errors.js'

/**
 * Why a gossip message (BOLT #7) was refused. A node answers an invalid
 * message from a peer with a `warning` naming the code; lnsim's own messages
 * that fail these checks are bugs.
 */
export type GossipErrorCode =
  | 'UNKNOWN_CHAIN'
  | 'INVALID_SIGNATURE'
  | 'NODE_IDS_NOT_ORDERED'
  | 'UNKNOWN_REQUIRED_FEATURE'
  | 'FUNDING_OUTPUT_NOT_FOUND'
  | 'FUNDING_OUTPUT_MISMATCH'
  | 'CHANNEL_ANNOUNCEMENT_CONFLICT'
  | 'SHORT_CHANNEL_ID_MISMATCH'
  | 'HTLC_MAXIMUM_NOT_SET'
  | 'HTLC_MAXIMUM_ABOVE_CAPACITY'
  | 'HTLC_MINIMUM_ABOVE_MAXIMUM'
  | 'TIMESTAMP_IN_FUTURE'
  | 'INVALID_ALIAS'
  | 'INVALID_ADDRESS'
  | 'INVALID_FIELD'

export class GossipError extends LnsimError {
  declare readonly code: GossipErrorCode

  constructor(code: GossipErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'GossipError'
  }
}

/**
 * No route satisfies the request: the graph has no path to the payee, or every
 * path breaks a limit (capacity, htlc min/max, disabled, fee or CLTV budget).
 * `code` is NO_ROUTE; `details` names the destination and amount.
 */
export class NoRouteError extends LnsimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NO_ROUTE', message, details)
    this.name = 'NoRouteError'
  }
}
