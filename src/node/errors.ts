import { LnsimError } from '../core/errors.js'

/**
 * What the caller of the node's control API does about an error it got (in the
 * spirit of LDK's `ErrorAction`), and the HTTP status it comes with:
 * - `fix_request`: the request cannot succeed as it is (a wrong amount, an
 *   invoice for another network): change it;
 * - `not_found`: it names something the node does not have;
 * - `retry_later`: it may succeed later (the peer comes back, the chain answers);
 * - `give_up`: it failed for good, and asking again will not help;
 * - `restart_with`: the node must be started differently (with --testing).
 */
export type NodeErrorAction = 'fix_request' | 'not_found' | 'retry_later' | 'give_up' | 'restart_with'

/** Every code the node layer raises, with what the caller does. Channel codes come from the channel layer. */
export const NODE_ERRORS = {
  UNKNOWN_CHANNEL: { action: 'not_found', status: 404 },
  UNKNOWN_INVOICE: { action: 'not_found', status: 404 },
  INVALID_POLICY: { action: 'fix_request', status: 422 },
  INVALID_PEER_ADDRESS: { action: 'fix_request', status: 422 },
  CANNOT_CONNECT_TO_SELF: { action: 'fix_request', status: 422 },
  WRONG_NETWORK: { action: 'fix_request', status: 422 },
  PAYING_SELF: { action: 'fix_request', status: 422 },
  AMOUNT_REQUIRED: { action: 'fix_request', status: 422 },
  AMOUNT_MISMATCH: { action: 'fix_request', status: 422 },
  NO_PAYMENT_SECRET: { action: 'fix_request', status: 422 },
  INVOICE_EXPIRED: { action: 'fix_request', status: 422 },
  ALREADY_PAID: { action: 'give_up', status: 422 },
  DUPLICATE_INVOICE: { action: 'fix_request', status: 409 },
  INVOICE_PAID: { action: 'give_up', status: 422 },
  NOTHING_TO_SETTLE: { action: 'retry_later', status: 422 },
  KEYSEND_NOT_SUPPORTED: { action: 'give_up', status: 422 },
  PAYMENT_IN_PROGRESS: { action: 'retry_later', status: 422 },
  INSUFFICIENT_FUNDS: { action: 'fix_request', status: 422 },
  PEER_OFFLINE: { action: 'retry_later', status: 422 },
  PEER_UNREACHABLE: { action: 'retry_later', status: 422 },
  CHAIN_UNREACHABLE: { action: 'retry_later', status: 503 },
  CHANNEL_OPEN_FAILED: { action: 'give_up', status: 422 },
  FUNDING_NOT_ACCEPTED: { action: 'give_up', status: 422 },
  NOTHING_TO_CHEAT_WITH: { action: 'fix_request', status: 422 },
  NOTHING_TO_REPLAY: { action: 'fix_request', status: 422 },
  TOO_MANY_MUTATIONS: { action: 'retry_later', status: 422 },
  TESTING_DISABLED: { action: 'restart_with', status: 403 },
  BAD_NODE_KEY: { action: 'give_up', status: 500 },
  UNKNOWN_INTERCEPTED_HTLC: { action: 'not_found', status: 404 },
  INVALID_INTERCEPT_DECISION: { action: 'fix_request', status: 422 },
  INVALID_HTLC_POLICY: { action: 'fix_request', status: 422 },
} as const satisfies Record<string, { action: NodeErrorAction; status: number }>

export type NodeErrorCode = keyof typeof NODE_ERRORS

export class NodeError extends LnsimError {
  declare readonly code: NodeErrorCode
  constructor(code: NodeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'NodeError'
  }
}
