/**
 * The node's derived secrets: each from the node key and a label, and labels
 * from counters kept in the node's state, so none is handed out twice and a
 * seeded node derives the same ones on every run.
 */
import { toHex, u64be } from '../core/bytes.js'
import { deriveSecret, type NodeIdentity } from './identity.js'
import type { KvLog } from './store/durableStore.js'

export class NodeSecrets {
  constructor(
    private readonly identity: NodeIdentity,
    private readonly counters: KvLog<number>,
  ) {}

  /** The secret for a fixed purpose (the wallet's root, the invoices' root). */
  derive(label: string): Uint8Array {
    return deriveSecret(this.identity, label)
  }

  /** A fresh secret for `purpose`, never handed out twice. */
  nextSecret(purpose: string): Uint8Array {
    return this.derive(this.nextLabel(purpose))
  }

  /** A label never used before for `purpose`. */
  nextLabel(purpose: string): string {
    const n = this.counters.get(`counter:${purpose}`) ?? 0
    this.counters.set(`counter:${purpose}`, n + 1)
    return `${purpose}/${n}/${toHex(u64be(BigInt(n)))}`
  }
}
