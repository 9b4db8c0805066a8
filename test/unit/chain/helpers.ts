/** Keys and transaction builders for the chain tests. */
import { fromHex } from '../../../src/core/bytes.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { signInput, type OutPoint, type Transaction, type TxOutput } from '../../../src/chain/transaction.js'
import { ChainRuleError } from '../../../src/chain/errors.js'
import { expect } from 'vitest'

export const alice = fromHex('11'.repeat(32))
export const bob = fromHex('22'.repeat(32))
export const carol = fromHex('33'.repeat(32))
export const pub = publicKeyOf

export interface Spendable {
  outpoint: OutPoint
  output: TxOutput
}

/** An unsigned transaction spending `inputs` into `outputs`. */
export function unsigned(inputs: Spendable[], outputs: TxOutput[], lockTime = 0): Transaction {
  return {
    version: 2,
    lockTime,
    inputs: inputs.map((i) => ({ prevout: i.outpoint, witness: { signatures: [], preimages: [] } })),
    outputs,
  }
}

/** Signs input i with each of keys[i]. */
export function signed(tx: Transaction, inputs: Spendable[], keys: Uint8Array[][]): Transaction {
  keys.forEach((ks, i) =>
    ks.forEach((k) => tx.inputs[i]!.witness.signatures.push(signInput(tx, i, inputs[i]!.output, k))),
  )
  return tx
}

export function expectRule(fn: () => unknown, code: string): ChainRuleError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ChainRuleError)
    expect((err as ChainRuleError).code).toBe(code)
    return err as ChainRuleError
  }
  throw new Error(`expected ${code}, but the transaction was accepted`)
}
