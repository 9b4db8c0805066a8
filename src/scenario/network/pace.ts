/**
 * How fast bring-up goes, from the machine and the network: how many
 * processes start at once, how many API calls are in flight, and how many
 * channels open in one wave. Starting a node and opening a channel are
 * CPU-bound (process start-up, then signatures on both ends), so more at once
 * than the cores can run only makes each slower and every timeout likelier;
 * a network of many hundred channels opens them in waves, each confirmed
 * (and so announced) while the next one opens, rather than all of them, and
 * all of their gossip, at the end.
 */
import { availableParallelism } from 'node:os'

/** Node processes starting at once, per core. */
export const STARTS_PER_CORE = 2
/** Control API calls in flight at once during bring-up, per core. */
export const CALLS_PER_CORE = 4
/**
 * Channels opened in one wave, per core. Measured on 2 cores: 100 nodes (175 channels) open in one wave as before
 * waves; 300 nodes (532 channels) in three.
 */
export const WAVE_CHANNELS_PER_CORE = 100

export interface BringUpPace {
  startConcurrency: number
  callConcurrency: number
  /** channels per wave */
  waveSize: number
}

export function bringUpPace(cores: number = availableParallelism()): BringUpPace {
  const c = Math.max(1, cores)
  return {
    startConcurrency: Math.max(2, STARTS_PER_CORE * c),
    callConcurrency: Math.max(4, CALLS_PER_CORE * c),
    waveSize: Math.max(50, WAVE_CHANNELS_PER_CORE * c),
  }
}

/** The items in waves of at most `size`, in order; sizes are even, so the last wave is not a small remainder. */
export function waves<T>(items: readonly T[], size: number): T[][] {
  if (items.length === 0) return []
  const count = Math.ceil(items.length / Math.max(1, size))
  const each = Math.ceil(items.length / count)
  return Array.from({ length: count }, (_, i) => items.slice(i * each, (i + 1) * each)).filter((w) => w.length > 0)
}
