/**
 * A chain that misbehaves toward one node (--testing): while stalled, blocks
 * and the tip are held back, then delivered together and in order; while
 * refusing, submissions fail with a code the broadcaster retries.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BROADCAST_REFUSED, ChainTrouble } from '../../../src/node/testing/chainTrouble.js'
import type { BlockWatchHandlers, ChainAccess, WatchedBlock } from '../../../src/node/chain/chainAccess.js'
import type { Transaction } from '../../../src/chain/transaction.js'

function block(height: number): WatchedBlock {
  return { height, hash: `${height}`, matches: [], channelOutputs: { created: [], spent: [] } }
}

function fakeChain() {
  let handlers: BlockWatchHandlers | undefined
  const submitted: Transaction[] = []
  const chain = {
    submit: async (tx: Transaction) => {
      submitted.push(tx)
      return 'txid'
    },
    watch: (h: BlockWatchHandlers) => {
      handlers = h
      return { add: async () => {}, resync: () => {} }
    },
  } as unknown as ChainAccess
  return { chain, submitted, mine: (height: number) => (handlers!.onBlock(block(height)), handlers!.onTip(height)) }
}

function follow(chain: ChainAccess) {
  const seen: string[] = []
  chain.watch(
    {
      from: () => 0,
      watched: () => ({ txids: [], outpoints: [] }),
      onBlock: (b) => seen.push(`block ${b.height}`),
      onTip: (h) => seen.push(`tip ${h}`),
      onEarlierMatches: () => {},
    },
    new AbortController().signal,
  )
  return seen
}

const TX: Transaction = { version: 2, inputs: [], outputs: [], locktime: 0 } as unknown as Transaction

afterEach(() => vi.useRealTimers())

describe('chain trouble', () => {
  it('holds blocks back while stalled, then delivers them together and in order', () => {
    vi.useFakeTimers()
    const trouble = new ChainTrouble(
      () => {},
      () => Date.now(),
    )
    const fake = fakeChain()
    const seen = follow(trouble.wrap(fake.chain))
    fake.mine(1)
    trouble.stall(1_000)
    fake.mine(2)
    fake.mine(3)
    expect(seen).toEqual(['block 1', 'tip 1'])
    expect(trouble.heldBlocks).toBe(2)
    vi.advanceTimersByTime(1_000)
    expect(seen).toEqual(['block 1', 'tip 1', 'block 2', 'block 3', 'tip 3'])
    fake.mine(4)
    expect(seen.slice(-2)).toEqual(['block 4', 'tip 4'])
  })

  it('refuses submissions with a retryable code for a while, then passes them on', async () => {
    vi.useFakeTimers()
    const refused: string[] = []
    const trouble = new ChainTrouble(
      (txid) => refused.push(txid),
      () => Date.now(),
    )
    const fake = fakeChain()
    const chain = trouble.wrap(fake.chain)
    trouble.refuseBroadcasts(500)
    await expect(chain.submit(TX)).rejects.toMatchObject({ code: BROADCAST_REFUSED })
    expect(refused).toHaveLength(1)
    expect(fake.submitted).toEqual([])
    vi.advanceTimersByTime(500)
    await expect(chain.submit(TX)).resolves.toBe('txid')
    expect(fake.submitted).toEqual([TX])
  })
})
