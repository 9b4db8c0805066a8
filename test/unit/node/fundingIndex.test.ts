/**
 * The funding outputs a node's gossip checks announcements against: taken from the blocks it processed, let go once
 * the announcement is stored, and asked of the chain again if the channel is announced anew.
 */
import { describe, expect, it } from 'vitest'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { fundingCondition } from '../../../src/channel/scripts.js'
import { formatCondition } from '../../../src/chain/condition.js'
import type { ChainAccess } from '../../../src/node/chain/chainAccess.js'
import { FundingIndex } from '../../../src/node/gossip/fundingIndex.js'
import { testNode } from '../routing/helpers.js'

const alice = testNode('alice')
const bob = testNode('bob')
const condition = fundingCondition(alice.fundingPubkey, bob.fundingPubkey)
const TXID = '11'.repeat(32)
const scid = shortChannelId(101, 1, 0)

function indexWithChain(): { index: FundingIndex; asked: string[] } {
  const asked: string[] = []
  const chain = {
    outputAt: async (height: number, txIndex: number, vout: number) => {
      asked.push(`${height}x${txIndex}x${vout}`)
      return { txid: TXID, value: 1_000_000n, condition, spent: false }
    },
  } as unknown as ChainAccess
  const index = new FundingIndex(chain)
  index.onBlock(101, {
    created: [{ txIndex: 1, vout: 0, txid: TXID, valueSat: 1_000_000n, condition: formatCondition(condition) }],
    spent: [],
  })
  return { index, asked }
}

describe('funding index', () => {
  it('parses a condition only when asked, and takes one that does not parse for no funding output', async () => {
    const { index } = indexWithChain()
    index.onBlock(102, {
      created: [{ txIndex: 1, vout: 0, txid: '22'.repeat(32), valueSat: 5n, condition: 'all(sig(02' }],
      spent: [],
    })
    expect(await index.lookup(shortChannelId(102, 1, 0))).toBeUndefined()
    expect(await index.lookup(scid)).toEqual({ value: 1_000_000n, condition })
  })

  it('answers from the blocks it saw, without asking the chain', async () => {
    const { index, asked } = indexWithChain()
    expect(await index.lookup(scid)).toEqual({ value: 1_000_000n, condition })
    expect(await index.lookup(shortChannelId(101, 2, 0))).toBeUndefined()
    expect(asked).toEqual([])
  })

  it('lets an output go once announced, asks the chain if it is needed again, and still sees its spend', async () => {
    const { index, asked } = indexWithChain()
    index.release(scid)
    expect(index.outpointOf(scid)).toBe(`${TXID}:0`)
    expect(await index.lookup(scid)).toEqual({ value: 1_000_000n, condition })
    expect(asked).toEqual(['101x1x0'])
    index.onBlock(102, { created: [], spent: [{ txid: TXID, vout: 0 }] })
    expect(index.isSpent(scid)).toBe(true)
    expect(await index.lookup(scid)).toBeUndefined()
  })
})
