import { describe, expect, it } from 'vitest'
import { all, sig } from '../../../src/chain/condition.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { RawJson } from '../../../src/api/http/rawJson.js'
import { BlockDigests } from '../../../src/chaind/blockDigests.js'
import { WatchSessions } from '../../../src/chaind/watchSessions.js'
import { alice, bob, carol, pub, signed, unsigned } from '../chain/helpers.js'

interface Received {
  event: string
  data: { height: number; matches: Array<{ txid: string; height: number }>; channelOutputs: unknown } & {
    id?: string
  }
  text: string
}

function setUp() {
  const chain = new MemoryChain()
  const digests = new BlockDigests(chain)
  const sessions = new WatchSessions(chain, digests)
  const open = (): { id: string; received: Received[]; close: () => void } => {
    const received: Received[] = []
    const close = sessions.stream().open(
      (event, data) => {
        const text = data instanceof RawJson ? data.text : JSON.stringify(data)
        received.push({ event, data: JSON.parse(text), text })
      },
      new URLSearchParams(),
      () => 0,
    )
    return { id: received[0]!.data.id!, received, close }
  }
  return { chain, sessions, open }
}

const blocks = (r: Received[]) => r.filter((e) => e.event === 'block')

describe('chain watch sessions', () => {
  it('sends each block with only the transactions a session watches, and the same channel outputs to all', () => {
    const { chain, sessions, open } = setUp()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    const other = chain.fund(sig(pub(bob)), 50_000n, { confirm: true })
    const a = open()
    const b = open()
    sessions.register(a.id, { from: chain.height, add: { txids: [], outpoints: [coin.outpoint] } })
    sessions.register(b.id, { from: chain.height, add: { txids: [], outpoints: [] } })
    const funding = all(sig(pub(alice)), sig(pub(carol)))
    const spend = chain.submit(signed(unsigned([coin], [{ value: 99_000n, condition: funding }]), [coin], [[alice]]))
    chain.submit(signed(unsigned([other], [{ value: 49_000n, condition: sig(pub(carol)) }]), [other], [[bob]]))
    chain.mine(1)
    const [forA] = blocks(a.received)
    const [forB] = blocks(b.received)
    expect(forA!.data.matches.map((m) => m.txid)).toEqual([spend.txid])
    expect(forB!.data.matches).toEqual([])
    expect(forA!.data.channelOutputs).toEqual(forB!.data.channelOutputs)
    expect(forA!.data.channelOutputs).toMatchObject({ created: [{ txid: spend.txid, vout: 0, valueSat: '99000' }] })
    // the block's transactions that nobody watches are not sent at all
    expect(forB!.text.length).toBeLessThan(1000)
  })

  it('catches a session up from the height it names, and answers what an item added later already matched', () => {
    const { chain, sessions, open } = setUp()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    const from = chain.height
    const spend = chain.submit(
      signed(unsigned([coin], [{ value: 99_000n, condition: sig(pub(bob)) }]), [coin], [[alice]]),
    )
    chain.mine(3)
    const s = open()
    const answer = sessions.register(s.id, { from, add: { txids: [spend.txid], outpoints: [] } })
    expect(answer.matches).toEqual([])
    expect(blocks(s.received).map((e) => [e.data.height, e.data.matches.map((m) => m.txid)])).toEqual([
      [from + 1, [spend.txid]],
      [from + 2, []],
      [from + 3, []],
    ])
    // watched after its block was sent: the answer carries it
    const later = sessions.register(s.id, { add: { txids: [], outpoints: [coin.outpoint] } })
    expect(later.matches.map((m) => [m.txid, m.height])).toEqual([[spend.txid, from + 1]])
  })

  it('forgets a session when its stream closes, and refuses requests naming it', () => {
    const { chain, sessions, open } = setUp()
    const s = open()
    sessions.register(s.id, { from: chain.height, add: { txids: [], outpoints: [] } })
    s.close()
    expect(sessions.size).toBe(0)
    expect(() => sessions.register(s.id, { add: { txids: [], outpoints: [] } })).toThrow(/no watch session/)
    const t = open()
    expect(() => sessions.register(t.id, { add: { txids: [], outpoints: [] } })).toThrow(/from/)
    expect(() => sessions.register(t.id, { from: chain.height + 1, add: { txids: [], outpoints: [] } })).toThrow(
      /above the chain's height/,
    )
  })

  it('tells a session that was sent replaced blocks where the branches part, then sends it nothing more', () => {
    const { chain, sessions, open } = setUp()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    const a = open()
    const behind = open()
    sessions.register(a.id, { from: chain.height, add: { txids: [], outpoints: [coin.outpoint] } })
    chain.submit(signed(unsigned([coin], [{ value: 99_000n, condition: sig(pub(bob)) }]), [coin], [[alice]]))
    chain.mine(2)
    const fork = chain.height - 2
    // a session that registered at the tip knows blocks the new branch replaces, though it was sent none
    sessions.register(behind.id, { from: chain.height, add: { txids: [], outpoints: [] } })
    chain.reorg(2, new Set(), chain.faucet.condition)
    const events = a.received.map((e) => e.event)
    expect(events.slice(-1)).toEqual(['reorg'])
    expect(a.received.at(-1)!.data).toEqual({ forkHeight: fork })
    expect(blocks(a.received)).toHaveLength(2)
    expect(sessions.size).toBe(0)
    expect(behind.received.map((e) => e.event).at(-1)).toBe('reorg')
  })
})
