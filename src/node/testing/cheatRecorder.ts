/**
 * Test-only (a node started with --testing): keeps each channel's previous
 * signed commitment, so a scenario can make this node cheat by broadcasting a
 * state it already revoked — as Core Lightning's penalty tests do. Never active
 * in a normal run.
 */
import type { Transaction } from '../../chain/transaction.js'
import { signedLocalCommitTx } from '../../channel/closing.js'
import type { ChannelSigner } from '../../channel/signer.js'
import { commitmentsOf, type ChannelData } from '../../channel/states.js'
import type { KvLog } from '../store/durableStore.js'
import { NodeError } from '../errors.js'

export interface SignedCommitment {
  index: bigint
  tx: Transaction
}

export interface CheatState {
  current?: SignedCommitment
  previous?: SignedCommitment
}

export class CheatRecorder {
  constructor(
    private readonly store: KvLog<CheatState>,
    private readonly signer: ChannelSigner,
  ) {}

  /** Called after every step of a channel. */
  observe(channel: string, data: ChannelData): void {
    const c = commitmentsOf(data)
    if (!c || data.state === 'CLOSING' || data.state === 'CLOSED') return
    const state = this.store.get(channel) ?? {}
    if (state.current?.index === c.localCommit.index) return
    this.store.set(channel, {
      previous: state.current,
      current: { index: c.localCommit.index, tx: signedLocalCommitTx(c, this.signer) },
    })
  }

  /** The revoked commitment to broadcast. */
  revokedCommitment(channel: string): SignedCommitment {
    const prev = this.store.get(channel)?.previous
    if (!prev)
      throw new NodeError('NOTHING_TO_CHEAT_WITH', 'this channel has no revoked commitment yet: make a payment first')
    return prev
  }
}
