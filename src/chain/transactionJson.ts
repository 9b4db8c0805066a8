/**
 * The JSON form of transactions and blocks, in one place: the daemon's HTTP
 * bodies, its block file and the client all use it. Amounts are decimal strings
 * (bigint never passes through a float), bytes are lowercase hex, conditions are
 * their text form. Parsing is strict and names the field that was wrong.
 */
import { z } from 'zod'
import { InvalidInputError } from '../core/errors.js'
import { fromHex, toHex } from '../core/bytes.js'
import { formatCondition, parseCondition } from './condition.js'
import { TX_LIMITS, type Transaction } from './transaction.js'
import type { Block } from './block.js'

export const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lowercase hex')
export const uint32 = z.number().int().min(0).max(0xffffffff)

/** A non-negative whole number of satoshi: a decimal string, or a safe integer for hand-written requests. */
export const satAmount = z
  .union([
    z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'must be a whole number of satoshi as a decimal string'),
    z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((v) => BigInt(v))

const hexBytes = (length: number | { max: number }) =>
  z
    .string()
    .regex(/^(?:[0-9a-f]{2})*$/, 'must be lowercase hex')
    .refine(
      (s) => (typeof length === 'number' ? s.length === length * 2 : s.length <= length.max * 2),
      typeof length === 'number' ? `must be ${length} bytes` : `must be at most ${length.max} bytes`,
    )
    .transform((s) => fromHex(s))

/** The longest spending condition text the chain's JSON carries. */
export const CONDITION_TEXT_MAX = 16_384

export const conditionText = z
  .string()
  .max(CONDITION_TEXT_MAX)
  .transform((text, ctx) => {
    try {
      return parseCondition(text)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message })
      return z.NEVER
    }
  })

const WitnessJson = z.strictObject({
  signatures: z.array(z.strictObject({ pubkey: hexBytes(33), signature: hexBytes(64) })).max(TX_LIMITS.maxWitnessItems),
  preimages: z.array(hexBytes({ max: TX_LIMITS.maxPreimageBytes })).max(TX_LIMITS.maxWitnessItems),
})

export const TransactionJson = z
  .strictObject({
    version: uint32,
    lockTime: uint32,
    inputs: z
      .array(z.strictObject({ txid: hex32, vout: uint32, witness: WitnessJson.optional() }))
      .max(TX_LIMITS.maxInputs),
    outputs: z.array(z.strictObject({ valueSat: satAmount, condition: conditionText })).max(TX_LIMITS.maxOutputs),
  })
  .transform((t): Transaction => ({
    version: t.version,
    lockTime: t.lockTime,
    inputs: t.inputs.map((i) => ({
      prevout: { txid: i.txid, vout: i.vout },
      witness: i.witness ?? { signatures: [], preimages: [] },
    })),
    outputs: t.outputs.map((o) => ({ value: o.valueSat, condition: o.condition })),
  }))
export type TransactionJson = z.input<typeof TransactionJson>

export function transactionToJson(tx: Transaction): TransactionJson {
  return {
    version: tx.version,
    lockTime: tx.lockTime,
    inputs: tx.inputs.map((i) => ({
      txid: i.prevout.txid,
      vout: i.prevout.vout,
      witness: {
        signatures: i.witness.signatures.map((s) => ({ pubkey: toHex(s.pubkey), signature: toHex(s.signature) })),
        preimages: i.witness.preimages.map(toHex),
      },
    })),
    outputs: tx.outputs.map((o) => ({ valueSat: o.value.toString(), condition: formatCondition(o.condition) })),
  }
}

/** A block as stored (one per line) and served. */
export const BlockJson = z.object({
  height: z.number().int().min(0),
  hash: hex32,
  prevHash: hex32,
  time: uint32,
  txs: z.array(TransactionJson),
})
export type BlockJson = z.input<typeof BlockJson>

export function blockToJson(block: Block): BlockJson {
  return {
    height: block.height,
    hash: block.hash,
    prevHash: block.prevHash,
    time: block.time,
    txs: block.txs.map(transactionToJson),
  }
}

/**
 * Parses a value with a schema, or throws InvalidInputError naming the first field that was wrong (`details.field`).
 */
export function parseWith<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string, code = 'INVALID_REQUEST'): T {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined
  throw new InvalidInputError(`${what}: ${field ? `${field}: ` : ''}${issue.message}`, field ? { field } : {}, code)
}
