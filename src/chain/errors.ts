/**
 * Why the chain refuses a transaction. Every rule has its own stable code, so a
 * node can tell "wait and retry" (TIMELOCK_NOT_REACHED) from "this can never be
 * mined" (INPUT_ALREADY_SPENT, INVALID_SIGNATURE, ...) without reading messages.
 */
import { LnsimError } from '../core/errors.js'

export const CHAIN_RULE_CODES = [
  'MALFORMED_TRANSACTION',
  'ALREADY_KNOWN',
  'UNKNOWN_INPUT',
  'INPUT_ALREADY_SPENT',
  'MEMPOOL_CONFLICT',
  'IMMATURE_COINBASE',
  'OUTPUTS_EXCEED_INPUTS',
  'TIMELOCK_NOT_REACHED',
  'CONDITION_NOT_SATISFIED',
  'INVALID_SIGNATURE',
  'UNUSED_WITNESS_ITEM',
] as const

export type ChainRuleCode = (typeof CHAIN_RULE_CODES)[number]

export interface ChainRuleDetails {
  txid?: string
  /** the input that broke the rule, when one did */
  inputIndex?: number
  [key: string]: unknown
}

export class ChainRuleError extends LnsimError {
  declare readonly code: ChainRuleCode
  declare readonly details: ChainRuleDetails

  constructor(code: ChainRuleCode, message: string, details: ChainRuleDetails = {}) {
    super(code, message, details)
    this.name = 'ChainRuleError'
  }
}
