/**
 * Keeps the commitments of the channels this node funds at the chain's fee rate: when the estimate moves more than
 * `updateFeeMinChangePercent` away from a channel's feerate (LND's link and Eclair both use 10%), the funder sends
 * update_fee (BOLT #2: the funder "SHOULD send update_fee to ensure the current fee rate is sufficient"). A channel is
 * checked at each new estimate and whenever it is back in NORMAL (an update_fee is forgotten on disconnection).
 */
import { toHex } from '../../core/bytes.js'
import { commitmentsOf } from '../../channel/states.js'
import { DEFAULT_FEE_LIMITS, type FeeLimits } from '../../channel/constants.js'
import { proposedFeeratePerKw } from '../../channel/updateFee.js'
import type { Logger } from '../logger.js'
import type { ChannelManager } from './channelManager.js'

export interface FeeFollowerComponents {
  channels: Pick<ChannelManager, 'setFeerateEstimate' | 'feerateEstimate' | 'list' | 'get' | 'command'>
  peers: { isConnected(peer: string): boolean }
  log: Logger
  limits?: FeeLimits
}

export class FeeFollower {
  private heard = false
  constructor(private readonly d: FeeFollowerComponents) {}

  onEstimate(satPerKw: number): void {
    const changed = !this.heard || satPerKw !== this.d.channels.feerateEstimate
    this.heard = true
    this.d.channels.setFeerateEstimate(satPerKw)
    if (!changed) return
    this.d.log.info('chain fee-rate estimate', { satPerKw })
    for (const { key } of this.d.channels.list()) this.check(key)
  }

  /** Sends update_fee on `channel` if this node funds it and its feerate is too far from the estimate. */
  check(channel: string): void {
    if (!this.heard) return
    const record = this.d.channels.get(channel)
    if (!record || record.data.state !== 'NORMAL' || !this.d.peers.isConnected(record.peer)) return
    const data = record.data
    if (data.localShutdown || data.remoteShutdown || data.pendingLocalShutdown) return
    const c = commitmentsOf(data)
    if (!c?.localParams.isFunder) return
    const estimate = this.d.channels.feerateEstimate
    const current = proposedFeeratePerKw(c)
    const minChange = (this.d.limits ?? DEFAULT_FEE_LIMITS).updateFeeMinChangePercent
    if (Math.abs(estimate - current) * 100 <= current * minChange) return
    const r = this.d.channels.command(channel, { type: 'update_fee', feeratePerKw: estimate })
    if (r.reply && !r.reply.ok)
      this.d.log.info('cannot follow the fee-rate estimate', {
        channel,
        from: current,
        to: estimate,
        code: r.reply.code,
        reason: r.reply.message,
      })
    else this.d.log.info('update_fee sent', { channel: toHex(c.channelId), from: current, to: estimate })
  }
}
