/**
 * Decides whether a witness satisfies a spending condition, and if not, why.
 *
 * Every witness item must pull its weight, as in Miniscript's non-malleable
 * satisfactions: each signature must verify and be by a key the condition names,
 * each preimage must hash to a sha256() of the condition. Each signature is
 * verified once, before the tree is walked, so the walk itself costs nothing.
 *
 * When nothing satisfies the condition, the reported reason is that of the
 * branch that got furthest: a branch only waiting for time beats one missing a
 * witness item, and more satisfied leaves beat fewer. So a to_local output spent
 * too early by the delayed key reports TIMELOCK_NOT_REACHED, not the missing
 * revocation signature.
 */
import { toHex } from '../core/bytes.js'
import { sha256 } from '../crypto/hash.js'
import { verifyDigest } from '../crypto/secp256k1.js'
import type { Condition } from './condition.js'
import type { ChainRuleCode } from './errors.js'
import type { Witness } from './transaction.js'

export interface SpendContext {
  /** the digest the signatures must sign (transaction.ts `sighash`) */
  sighash: Uint8Array
  /** height of the block the spend would be mined in */
  spendingHeight: number
  /** the spending transaction's lockTime (after() is CLTV: lockTime ≥ height; finality is checked per transaction) */
  lockTime: number
  /** height of the block that confirmed the spent output; null while it is in the mempool */
  outputHeight: number | null
}

export type EvaluationCode = Extract<
  ChainRuleCode,
  'INVALID_SIGNATURE' | 'UNUSED_WITNESS_ITEM' | 'CONDITION_NOT_SATISFIED' | 'TIMELOCK_NOT_REACHED'
>

export type Evaluation = { satisfied: true } | { satisfied: false; code: EvaluationCode; reason: string }

interface Outcome {
  ok: boolean
  /** satisfied leaves under this node */
  met: number
  /** on failure: nothing but time is missing */
  waitOnly: boolean
  code?: EvaluationCode
  reason?: string
}

function collectLeaves(c: Condition, keys: Set<string>, hashes: Set<string>): void {
  if (c.type === 'sig') keys.add(toHex(c.pubkey))
  else if (c.type === 'sha256') hashes.add(toHex(c.hash))
  else if (c.type === 'all' || c.type === 'any') for (const sub of c.conditions) collectLeaves(sub, keys, hashes)
}

const failed = (code: EvaluationCode, reason: string): Evaluation => ({ satisfied: false, code, reason })

export function evaluateCondition(condition: Condition, witness: Witness, ctx: SpendContext): Evaluation {
  const keys = new Set<string>()
  const hashes = new Set<string>()
  collectLeaves(condition, keys, hashes)

  const signers = new Set<string>()
  for (const s of witness.signatures) {
    const key = toHex(s.pubkey)
    if (!keys.has(key))
      return failed('UNUSED_WITNESS_ITEM', `the witness has a signature by ${key}, a key the condition does not name`)
    if (signers.has(key)) return failed('UNUSED_WITNESS_ITEM', `the witness has two signatures by ${key}`)
    signers.add(key)
  }
  const revealed = new Set<string>()
  for (const p of witness.preimages) {
    const hash = toHex(sha256(p))
    if (!hashes.has(hash))
      return failed(
        'UNUSED_WITNESS_ITEM',
        `the witness has a preimage of ${hash}, which the condition does not ask for`,
      )
    if (revealed.has(hash)) return failed('UNUSED_WITNESS_ITEM', `the witness has the preimage of ${hash} twice`)
    revealed.add(hash)
  }
  for (const s of witness.signatures) {
    if (!verifyDigest(s.signature, ctx.sighash, s.pubkey))
      return failed(
        'INVALID_SIGNATURE',
        `the signature by ${toHex(s.pubkey)} does not verify against this input's sighash`,
      )
  }

  const walk = (c: Condition): Outcome => {
    switch (c.type) {
      case 'sig': {
        const ok = signers.has(toHex(c.pubkey))
        return ok
          ? { ok, met: 1, waitOnly: false }
          : {
              ok,
              met: 0,
              waitOnly: false,
              code: 'CONDITION_NOT_SATISFIED',
              reason: `missing a signature by ${toHex(c.pubkey)}`,
            }
      }
      case 'sha256': {
        const ok = revealed.has(toHex(c.hash))
        return ok
          ? { ok, met: 1, waitOnly: false }
          : {
              ok,
              met: 0,
              waitOnly: false,
              code: 'CONDITION_NOT_SATISFIED',
              reason: `missing the preimage of ${toHex(c.hash)}`,
            }
      }
      case 'after':
        // the lockTime is part of the signed transaction: waiting cannot fix a lockTime that is too low
        if (ctx.lockTime >= c.height) return { ok: true, met: 1, waitOnly: false }
        return {
          ok: false,
          met: 0,
          waitOnly: false,
          code: 'CONDITION_NOT_SATISFIED',
          reason: `after(${c.height}) needs a lockTime of at least ${c.height}; the transaction's is ${ctx.lockTime}`,
        }
      case 'older': {
        if (ctx.outputHeight !== null && ctx.spendingHeight - ctx.outputHeight >= c.blocks)
          return { ok: true, met: 1, waitOnly: false }
        const reason =
          ctx.outputHeight === null
            ? `older(${c.blocks}) cannot be satisfied while the spent output is unconfirmed`
            : `older(${c.blocks}): the spent output was confirmed in block ${ctx.outputHeight}, ` +
              `so it can be spent from block ${ctx.outputHeight + c.blocks}, not in block ${ctx.spendingHeight}`
        return { ok: false, met: 0, waitOnly: true, code: 'TIMELOCK_NOT_REACHED', reason }
      }
      case 'all': {
        const outcomes = c.conditions.map(walk)
        const met = outcomes.reduce((n, o) => n + o.met, 0)
        const failures = outcomes.filter((o) => !o.ok)
        if (failures.length === 0) return { ok: true, met, waitOnly: false }
        // a permanent failure is the one to report: waiting would not help
        const worst = failures.find((o) => !o.waitOnly) ?? failures[0]!
        return { ok: false, met, waitOnly: worst.waitOnly, code: worst.code!, reason: worst.reason! }
      }
      case 'any': {
        const outcomes = c.conditions.map(walk)
        const ok = outcomes.find((o) => o.ok)
        if (ok) return ok
        const furthest = outcomes.reduce((best, o) =>
          Number(o.waitOnly) > Number(best.waitOnly) || (o.waitOnly === best.waitOnly && o.met > best.met) ? o : best,
        )
        return furthest
      }
    }
  }
  const outcome = walk(condition)
  return outcome.ok ? { satisfied: true } : failed(outcome.code!, outcome.reason!)
}
