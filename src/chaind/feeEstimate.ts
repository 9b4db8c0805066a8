/**
 * The chain's fee-rate estimate, in sat per 1000 weight units, as nodes would get it from bitcoind's
 * estimatesmartfee. The mock chain has no fee market: the estimate is what it was set to (`lnsim chain feerate set`,
 * a scenario's `feerate` step), and every watching node hears each change at once. It lives in memory: a restarted
 * chain starts again from its default.
 */
import { DEFAULT_FEERATE_PER_KW } from '../api/chain/types.js'

export class FeeEstimate {
  private listeners = new Set<(satPerKw: number) => void>()
  constructor(private value: number = DEFAULT_FEERATE_PER_KW) {}

  get satPerKw(): number {
    return this.value
  }

  set(satPerKw: number): void {
    if (satPerKw === this.value) return
    this.value = satPerKw
    for (const listener of this.listeners) listener(satPerKw)
  }

  onChange(listener: (satPerKw: number) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
