/**
 * How to spend an output with what we hold: given a condition, the private keys
 * and preimages we know, pick the branch we can satisfy soonest. One routine for
 * every on-chain claim (our delayed to_local, HTLC success or timeout, the
 * penalty path), instead of one hand-written witness per output type.
 */
import { toHex } from '../core/bytes.js'
import type { Condition } from '../chain/condition.js'

export interface SpendMaterial {
  /** compressed public key (hex) → private key */
  keys: Map<string, Uint8Array>
  /** payment hash (hex) → preimage */
  preimages: Map<string, Uint8Array>
  /** hex public key of the revocation key, when we hold it (to tell a penalty from other claims) */
  revocationKey?: string
}

export interface SpendPlan {
  signWith: Uint8Array[]
  preimages: Uint8Array[]
  /** the transaction's lockTime must be at least this (after()) */
  lockTime: number
  /** the spent output must have this many confirmations first (older()) */
  relativeDelay: number
}

function combine(plans: SpendPlan[]): SpendPlan {
  return {
    signWith: plans.flatMap((p) => p.signWith),
    preimages: plans.flatMap((p) => p.preimages),
    lockTime: Math.max(0, ...plans.map((p) => p.lockTime)),
    relativeDelay: Math.max(0, ...plans.map((p) => p.relativeDelay)),
  }
}

/** Waiting less is better; among equal waits, fewer signatures. */
function better(a: SpendPlan, b: SpendPlan): boolean {
  const wa = a.lockTime + a.relativeDelay
  const wb = b.lockTime + b.relativeDelay
  if (wa !== wb) return wa < wb
  return a.signWith.length < b.signWith.length
}

/** undefined when we cannot satisfy the condition with what we hold. */
export function planSpend(condition: Condition, material: SpendMaterial): SpendPlan | undefined {
  switch (condition.type) {
    case 'sig': {
      const key = material.keys.get(toHex(condition.pubkey))
      return key ? { signWith: [key], preimages: [], lockTime: 0, relativeDelay: 0 } : undefined
    }
    case 'sha256': {
      const preimage = material.preimages.get(toHex(condition.hash))
      return preimage ? { signWith: [], preimages: [preimage], lockTime: 0, relativeDelay: 0 } : undefined
    }
    case 'after':
      return { signWith: [], preimages: [], lockTime: condition.height, relativeDelay: 0 }
    case 'older':
      return { signWith: [], preimages: [], lockTime: 0, relativeDelay: condition.blocks }
    case 'all': {
      const parts: SpendPlan[] = []
      for (const sub of condition.conditions) {
        const p = planSpend(sub, material)
        if (!p) return undefined
        parts.push(p)
      }
      return combine(parts)
    }
    case 'any': {
      let best: SpendPlan | undefined
      for (const sub of condition.conditions) {
        const p = planSpend(sub, material)
        if (p && (!best || better(p, best))) best = p
      }
      return best
    }
  }
}
