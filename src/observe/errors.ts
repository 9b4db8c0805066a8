import { LnsimError } from '../core/errors.js'

/**
 * The observe layer's codes, with what the person at the terminal does:
 * `fix_invocation` (another file, port or mode), or `reinstall` (lnsim's own
 * files are missing). NOT_REPLAYING is the dashboard page asking a live
 * dashboard for a timeline it does not have (409).
 */
export const OBSERVE_ERRORS = {
  EVENTS_FILE_UNWRITABLE: { action: 'fix_invocation' },
  EVENTS_FILE_UNREADABLE: { action: 'fix_invocation' },
  EVENTS_FILE_EMPTY: { action: 'fix_invocation' },
  PORT_IN_USE: { action: 'fix_invocation' },
  NOT_REPLAYING: { action: 'fix_invocation' },
  DASHBOARD_ASSETS_MISSING: { action: 'reinstall' },
} as const satisfies Record<string, { action: 'fix_invocation' | 'reinstall' }>

export type ObserveErrorCode = keyof typeof OBSERVE_ERRORS

export class ObserveError extends LnsimError {
  declare readonly code: ObserveErrorCode
  constructor(code: ObserveErrorCode, message: string) {
    super(code, message)
    this.name = 'ObserveError'
  }
}
