import { LnsimError } from '../core/errors.js'

/** Why an invoice was refused; stable, for callers and the control API to branch on. */
export type InvoiceErrorCode =
  | 'INVALID_BECH32'
  | 'INVALID_CHECKSUM'
  | 'TOO_LONG'
  | 'TOO_SHORT'
  | 'NOT_AN_INVOICE'
  | 'UNKNOWN_NETWORK'
  | 'INVALID_AMOUNT'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_FIELD'
  | 'NON_MINIMAL_FIELD'
  | 'MISSING_PAYMENT_HASH'
  | 'MISSING_PAYMENT_SECRET'
  | 'MISSING_DESCRIPTION'
  | 'AMBIGUOUS_DESCRIPTION'
  | 'UNKNOWN_REQUIRED_FEATURE'
  | 'MISSING_FEATURE_DEPENDENCY'
  | 'INVALID_PAYEE_NODE_ID'
  | 'INVALID_SIGNATURE'

/** An invoice that cannot be decoded or encoded; `code` says why, `details` carries the values involved. */
export class InvoiceError extends LnsimError {
  declare readonly code: InvoiceErrorCode

  constructor(code: InvoiceErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'InvoiceError'
  }
}
