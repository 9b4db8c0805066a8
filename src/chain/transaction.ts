/**
 * Transactions of the mock chain: inputs (an outpoint and a witness) and outputs
 * (a value in satoshi and a spending condition).
 *
 * As with segwit, the txid hashes the transaction without its witnesses, so a
 * funding txid is known before anything is signed, and a signature commits to
 * the txid (every input and output), the input's index, and the value and
 * condition of the output it spends.
 *
 * lockTime has Bitcoin's meaning: a transaction can be mined only in a block
 * whose height is greater than its lockTime (0: no lock). A coinbase has no
 * inputs and carries its block height in lockTime instead, so that every
 * coinbase has its own txid (as BIP 34 does).
 */
import { LnsimError } from '../core/errors.js'
import type { Sat } from '../core/amount.js'
import { MAX_MONEY_SAT } from '../core/amount.js'
import { concatBytes, fromHex, toHex, u16be, u32be, u64be, utf8 } from '../core/bytes.js'
import { sha256 } from '../crypto/hash.js'
import { signDigest } from '../crypto/secp256k1.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { assertValidCondition, decodeCondition, encodeCondition, type Condition } from './condition.js'

export interface OutPoint {
  /** 64 hex characters. */
  txid: string
  vout: number
}

export interface WitnessSignature {
  pubkey: Uint8Array
  signature: Uint8Array
}

/** What a spender offers to satisfy a condition: signatures by key, and hash preimages. */
export interface Witness {
  signatures: WitnessSignature[]
  preimages: Uint8Array[]
}

export interface TxInput {
  prevout: OutPoint
  witness: Witness
}

export interface TxOutput {
  value: Sat
  condition: Condition
}

export interface Transaction {
  version: number
  lockTime: number
  inputs: TxInput[]
  outputs: TxOutput[]
}

export const TX_LIMITS = { maxInputs: 1000, maxOutputs: 1000, maxWitnessItems: 32, maxPreimageBytes: 256 } as const

export class MalformedTransactionError extends LnsimError {
  constructor(message: string) {
    super('MALFORMED_TRANSACTION', message)
    this.name = 'MalformedTransactionError'
  }
}

export function emptyWitness(): Witness {
  return { signatures: [], preimages: [] }
}

export function isCoinbase(tx: Transaction): boolean {
  return tx.inputs.length === 0
}

/** Structural checks that need no chain state: counts, sizes, value ranges, key and hash lengths. */
export function assertWellFormed(tx: Transaction): void {
  if (!Number.isInteger(tx.version) || tx.version < 0 || tx.version > 0xffffffff)
    throw new MalformedTransactionError('version must be a 32-bit unsigned integer')
  if (!Number.isInteger(tx.lockTime) || tx.lockTime < 0 || tx.lockTime > 0xffffffff)
    throw new MalformedTransactionError('lockTime must be a 32-bit unsigned integer')
  if (tx.inputs.length > TX_LIMITS.maxInputs)
    throw new MalformedTransactionError(`more than ${TX_LIMITS.maxInputs} inputs`)
  if (tx.outputs.length === 0) throw new MalformedTransactionError('a transaction needs at least one output')
  if (tx.outputs.length > TX_LIMITS.maxOutputs)
    throw new MalformedTransactionError(`more than ${TX_LIMITS.maxOutputs} outputs`)
  const seen = new Set<string>()
  tx.inputs.forEach((input, i) => {
    const { txid, vout } = input.prevout
    if (typeof txid !== 'string' || !/^[0-9a-f]{64}$/.test(txid))
      throw new MalformedTransactionError(`input ${i}: txid must be 64 lowercase hex characters`)
    if (!Number.isInteger(vout) || vout < 0 || vout > 0xffffffff)
      throw new MalformedTransactionError(`input ${i}: vout must be a 32-bit unsigned integer`)
    const key = `${txid}:${vout}`
    if (seen.has(key)) throw new MalformedTransactionError(`input ${i} spends ${key} a second time`)
    seen.add(key)
    const w = input.witness
    if (w.signatures.length > TX_LIMITS.maxWitnessItems || w.preimages.length > TX_LIMITS.maxWitnessItems)
      throw new MalformedTransactionError(`input ${i}: witness has too many items`)
    for (const s of w.signatures) {
      if (s.pubkey.length !== 33 || s.signature.length !== 64)
        throw new MalformedTransactionError(
          `input ${i}: a witness signature needs a 33-byte key and a 64-byte signature`,
        )
    }
    for (const p of w.preimages) {
      if (p.length > TX_LIMITS.maxPreimageBytes)
        throw new MalformedTransactionError(`input ${i}: a preimage is longer than ${TX_LIMITS.maxPreimageBytes} bytes`)
    }
  })
  let total = 0n
  tx.outputs.forEach((o, i) => {
    if (typeof o.value !== 'bigint' || o.value <= 0n || o.value > MAX_MONEY_SAT)
      throw new MalformedTransactionError(`output ${i}: value must be from 1 to ${MAX_MONEY_SAT} sat`)
    total += o.value
    try {
      assertValidCondition(o.condition)
    } catch (err) {
      throw new MalformedTransactionError(`output ${i}: ${(err as Error).message}`)
    }
  })
  if (total > MAX_MONEY_SAT) throw new MalformedTransactionError('outputs add up to more than all the money there is')
}

function encodeWitness(w: Witness): Uint8Array {
  return concatBytes(
    Uint8Array.of(w.signatures.length),
    ...w.signatures.flatMap((s) => [s.pubkey, s.signature]),
    Uint8Array.of(w.preimages.length),
    ...w.preimages.flatMap((p) => [u16be(p.length), p]),
  )
}

/** The canonical bytes; without witnesses they are what the txid hashes. */
export function encodeTransaction(tx: Transaction, options: { witness: boolean } = { witness: true }): Uint8Array {
  const parts: Uint8Array[] = [u32be(tx.version), u32be(tx.lockTime), u16be(tx.inputs.length)]
  for (const input of tx.inputs) parts.push(fromHex(input.prevout.txid, 32), u32be(input.prevout.vout))
  parts.push(u16be(tx.outputs.length))
  for (const o of tx.outputs) {
    const c = encodeCondition(o.condition)
    parts.push(u64be(o.value), u16be(c.length), c)
  }
  if (options.witness) for (const input of tx.inputs) parts.push(encodeWitness(input.witness))
  return concatBytes(...parts)
}

/** Decodes the full (with witnesses) encoding, bounded and strict. */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 0
  const need = (n: number): void => {
    if (offset + n > bytes.length) throw new MalformedTransactionError('transaction bytes are truncated')
  }
  const u8 = (): number => (need(1), view.getUint8(offset++))
  const u16 = (): number => {
    need(2)
    const v = view.getUint16(offset)
    offset += 2
    return v
  }
  const u32 = (): number => {
    need(4)
    const v = view.getUint32(offset)
    offset += 4
    return v
  }
  const take = (n: number): Uint8Array => {
    need(n)
    const out = bytes.slice(offset, offset + n)
    offset += n
    return out
  }
  const version = u32()
  const lockTime = u32()
  const nIn = u16()
  if (nIn > TX_LIMITS.maxInputs) throw new MalformedTransactionError(`more than ${TX_LIMITS.maxInputs} inputs`)
  const prevouts: OutPoint[] = []
  for (let i = 0; i < nIn; i++) prevouts.push({ txid: toHex(take(32)), vout: u32() })
  const nOut = u16()
  if (nOut > TX_LIMITS.maxOutputs) throw new MalformedTransactionError(`more than ${TX_LIMITS.maxOutputs} outputs`)
  const outputs: TxOutput[] = []
  for (let i = 0; i < nOut; i++) {
    need(8)
    const value = view.getBigUint64(offset)
    offset += 8
    const len = u16()
    let condition: Condition
    try {
      condition = decodeCondition(take(len))
    } catch (err) {
      throw new MalformedTransactionError(`output ${i}: ${(err as Error).message}`)
    }
    outputs.push({ value, condition })
  }
  const inputs: TxInput[] = prevouts.map((prevout) => {
    const nSig = u8()
    if (nSig > TX_LIMITS.maxWitnessItems) throw new MalformedTransactionError('witness has too many signatures')
    const signatures: WitnessSignature[] = []
    for (let i = 0; i < nSig; i++) signatures.push({ pubkey: take(33), signature: take(64) })
    const nPre = u8()
    if (nPre > TX_LIMITS.maxWitnessItems) throw new MalformedTransactionError('witness has too many preimages')
    const preimages: Uint8Array[] = []
    for (let i = 0; i < nPre; i++) preimages.push(take(u16()))
    return { prevout, witness: { signatures, preimages } }
  })
  if (offset !== bytes.length) throw new MalformedTransactionError('transaction bytes have trailing data')
  const tx = { version, lockTime, inputs, outputs }
  assertWellFormed(tx)
  return tx
}

export function txidBytes(tx: Transaction): Uint8Array {
  return sha256(sha256(encodeTransaction(tx, { witness: false })))
}

export function txid(tx: Transaction): string {
  return toHex(txidBytes(tx))
}

/** Size in bytes with witnesses: what fee rates are measured against. */
export function transactionSize(tx: Transaction): number {
  return encodeTransaction(tx).length
}

const SIGHASH_TAG = utf8('lnsim/sighash/v1')

/** The digest a signature on input `inputIndex` commits to (like SIGHASH_ALL with BIP 143's value commitment). */
export function sighash(tx: Transaction, inputIndex: number, spent: TxOutput): Uint8Array {
  if (inputIndex < 0 || inputIndex >= tx.inputs.length) throw new RangeError(`no input ${inputIndex}`)
  return sighashOf(txidBytes(tx), inputIndex, spent)
}

/** The sighash of every input, hashing the transaction once rather than once per input. */
export function sighashes(tx: Transaction, spent: readonly TxOutput[]): Uint8Array[] {
  if (spent.length !== tx.inputs.length)
    throw new RangeError(`${tx.inputs.length} inputs but ${spent.length} spent outputs`)
  const id = txidBytes(tx)
  return spent.map((output, i) => sighashOf(id, i, output))
}

function sighashOf(txid: Uint8Array, inputIndex: number, spent: TxOutput): Uint8Array {
  return sha256(SIGHASH_TAG, txid, u32be(inputIndex), u64be(spent.value), encodeCondition(spent.condition))
}

/** Signs input `inputIndex` with `privateKey`, returning the witness signature to add. */
export function signInput(
  tx: Transaction,
  inputIndex: number,
  spent: TxOutput,
  privateKey: Uint8Array,
): WitnessSignature {
  return { pubkey: publicKeyOf(privateKey), signature: signDigest(sighash(tx, inputIndex, spent), privateKey) }
}

export function outpointKey(o: OutPoint): string {
  return `${o.txid}:${o.vout}`
}
