import { afterEach, describe, expect, it } from 'vitest'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DurableStore } from '../../../src/node/store/durableStore.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function path(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-store-'))
  dirs.push(dir)
  return join(dir, 'state.log')
}

describe('DurableStore', () => {
  it('keeps bigints and bytes exactly, per namespace, across a reopen', async () => {
    const p = await path()
    const s = await DurableStore.open(p)
    s.kv<{ n: bigint; b: Uint8Array }>('a').set('x', { n: 2n ** 70n, b: Uint8Array.of(1, 2, 255) })
    s.kv<number>('b').set('x', 7)
    await s.close()
    const t = await DurableStore.open(p)
    expect(t.kv<{ n: bigint; b: Uint8Array }>('a').get('x')).toEqual({ n: 2n ** 70n, b: Uint8Array.of(1, 2, 255) })
    expect(t.kv<number>('b').get('x')).toBe(7)
    expect(t.kv('a').keys()).toEqual(['x'])
  })

  it.each([false, true])(
    'a flushed turn is in the file when flush returns (fsync: %s): a killed process loses none of it',
    async (fsync) => {
      const p = await path()
      const s = await DurableStore.open(p, { fsync })
      s.kv<number>('k').set('a', 1)
      s.kv<number>('k').set('b', 2)
      s.flushSync()
      // read by another opener while the writer is still open, as a restart after kill -9 would
      const reopened = await DurableStore.open(p)
      expect([reopened.kv<number>('k').get('a'), reopened.kv<number>('k').get('b')]).toEqual([1, 2])
      expect((await readFile(p, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1)
      await s.close()
      await reopened.close()
    },
  )

  it('a torn last batch (kill -9 mid-write) is dropped whole: every change of a turn or none', async () => {
    const p = await path()
    const s = await DurableStore.open(p)
    s.kv<number>('channel').set('c', 1)
    await s.flush()
    await s.close()
    // the next turn's batch — a channel state and the decision it caused — half written
    const batch = JSON.stringify([
      ['channel/c', '2'],
      ['htlc/h', '"settle"'],
    ])
    await appendFile(p, batch.slice(0, batch.length - 5))
    const t = await DurableStore.open(p)
    expect(t.kv<number>('channel').get('c')).toBe(1)
    expect(t.kv('htlc').has('h')).toBe(false)
    // the torn tail is cut off, so what is written next starts a line of its own
    t.kv<number>('channel').set('c', 3)
    await t.close()
    const u = await DurableStore.open(p)
    expect(u.kv<number>('channel').get('c')).toBe(3)
    await u.close()
  })

  it('refuses a file corrupted anywhere but its last line', async () => {
    const p = await path()
    await writeFile(p, '[["a/x","1"]]\nnot json\n[["a/y","2"]]\n')
    await expect(DurableStore.open(p)).rejects.toThrow(/corrupt/)
  })

  it('a namespace that keeps its values gives back what was set, and what a reopen reads is the same', async () => {
    const p = await path()
    const s = await DurableStore.open(p)
    const kept = s.kv<{ id: bigint }>('htlc', { keepValues: true })
    const record = { id: 5n }
    kept.set('r', record)
    s.flushSync()
    expect(kept.get('r')).toBe(record)
    kept.delete('r')
    expect(kept.get('r')).toBeUndefined()
    kept.set('q', { id: 6n })
    await s.close()
    const reopened = (await DurableStore.open(p)).kv<{ id: bigint }>('htlc', { keepValues: true })
    const read = reopened.get('q')
    expect(read).toEqual({ id: 6n })
    expect(reopened.get('q')).toBe(read)
    expect(reopened.get('r')).toBeUndefined()
  })

  it('compacts once the file is mostly stale, keeping the latest values', async () => {
    const p = await path()
    const s = await DurableStore.open(p)
    const kv = s.kv<number>('k')
    for (let i = 0; i < 6000; i++) {
      kv.set('same', i)
      await s.flush()
    }
    await s.close()
    expect((await readFile(p, 'utf8')).split('\n').filter(Boolean).length).toBeLessThan(1100)
    expect((await DurableStore.open(p)).kv<number>('k').get('same')).toBe(5999)
  })

  it('a value set several times in a turn is written once, as it is at the flush', async () => {
    const p = await path()
    const s = await DurableStore.open(p)
    const kv = s.kv<{ n: bigint }>('k')
    for (let i = 0n; i < 100n; i++) kv.set('x', { n: i })
    kv.set('gone', { n: 1n })
    kv.delete('gone')
    s.flushSync()
    const lines = (await readFile(p, 'utf8')).split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]!.match(/"k\/x"/g)).toHaveLength(1)
    expect((await DurableStore.open(p)).kv<{ n: bigint }>('k').get('x')).toEqual({ n: 99n })
    await s.close()
  })

  it('reads state files written in the earlier line format (arrays of [key, JSON text])', async () => {
    const p = await path()
    await writeFile(
      p,
      JSON.stringify([
        ['k/a', '{"$n":"5"}'],
        ['k/b', '7'],
      ]) +
        '\n' +
        JSON.stringify([['k/b', null]]) +
        '\n',
    )
    const s = await DurableStore.open(p)
    expect(s.kv('k').get('a')).toBe(5n)
    expect(s.kv('k').has('b')).toBe(false)
    await s.close()
  })

  describe('interned sub-values (a channel state and its HTLCs)', () => {
    interface Htlc {
      id: bigint
      paymentHash: Uint8Array
      onion: Uint8Array
    }
    interface State {
      n: number
      local: Htlc[]
      remote: Htlc[]
    }
    const htlc = (id: number): Htlc => ({
      id: BigInt(id),
      paymentHash: new Uint8Array(32).fill(id),
      onion: new Uint8Array(1366).fill(id),
    })
    const open = async (p: string) => {
      const s = await DurableStore.open(p)
      return { s, kv: s.kv<State>('channel', { internable: (v) => 'paymentHash' in v }) }
    }

    it('writes each HTLC once, however many states refer to it, and reads the states back whole', async () => {
      const p = await path()
      const { s, kv } = await open(p)
      const h = Array.from({ length: 20 }, (_, i) => htlc(i))
      kv.set('c', { n: 1, local: h.slice(0, 19), remote: h.slice(0, 19) })
      s.flushSync()
      kv.set('c', { n: 2, local: h, remote: h.slice(0, 19) })
      s.flushSync()
      const lines = (await readFile(p, 'utf8')).split('\n').filter(Boolean)
      expect(lines).toHaveLength(2)
      // the second state adds one HTLC: its line carries that one onion, not twenty
      expect(lines[1]!.length).toBeLessThan(2 * 1366 + 2000)
      expect(lines[0]!.length).toBeGreaterThan(19 * 2 * 1366)
      const t = await open(p)
      const got = t.kv.get('c')!
      expect(got).toEqual({ n: 2, local: h, remote: h.slice(0, 19) })
      // one HTLC in two lists is one object again
      expect(got.local[3]).toBe(got.remote[3])
      await s.close()
      await t.s.close()
    })

    it('lets go of HTLCs no state refers to, and a compacted file reads back the same', async () => {
      const p = await path()
      const { s, kv } = await open(p)
      // HTLCs come and go as payments settle: 6,000 states, at most 10 HTLCs in each
      for (let i = 0; i < 6000; i++) {
        const live = Array.from({ length: 10 }, (_, j) => htlc(i + j))
        kv.set('c', { n: i, local: live, remote: live.slice(1) })
        s.flushSync()
      }
      await s.close()
      const text = await readFile(p, 'utf8')
      expect(text.length).toBeLessThan(1200 * 3000)
      const t = await open(p)
      const last = Array.from({ length: 10 }, (_, j) => htlc(5999 + j))
      expect(t.kv.get('c')).toEqual({ n: 5999, local: last, remote: last.slice(1) })
      // the file keeps going after a reopen: new HTLCs get ids of their own
      t.kv.set('c', { n: 6000, local: [htlc(1), ...last], remote: [] })
      await t.s.close()
      expect((await open(p)).kv.get('c')).toEqual({ n: 6000, local: [htlc(1), ...last], remote: [] })
    })

    it('a part of an earlier state is rewritten from memory, unless an HTLC it names was let go since', async () => {
      const p = await path()
      const { s, kv } = await open(p)
      const list = [htlc(1), htlc(2)]
      kv.set('c', { n: 1, local: list, remote: [] })
      s.flushSync()
      // the HTLCs are let go: no state refers to them
      kv.set('c', { n: 2, local: [], remote: [] })
      s.flushSync()
      // the very same list comes back: its remembered text refers to entries that are gone
      kv.set('c', { n: 3, local: list, remote: list })
      s.flushSync()
      const lines = (await readFile(p, 'utf8')).split('\n').filter(Boolean)
      expect(lines[2]!.length).toBeGreaterThan(2 * 2 * 1366)
      await s.close()
      expect((await open(p)).kv.get('c')).toEqual({ n: 3, local: list, remote: list })
    })

    describe('entries that refer to entries (a commitment to its HTLCs)', () => {
      interface Commit {
        index: number
        htlcs: Htlc[]
      }
      interface Channel {
        n: number
        local: Commit
        remote: Commit
      }
      const openNested = async (p: string) => {
        const s = await DurableStore.open(p)
        return { s, kv: s.kv<Channel>('channel', { internable: (v) => 'paymentHash' in v || 'htlcs' in v }) }
      }

      it('writes a commitment once while states refer to it; reads states back whole across a compaction', async () => {
        const p = await path()
        const { s, kv } = await openNested(p)
        const h = Array.from({ length: 30 }, (_, i) => htlc(i))
        let local: Commit = { index: 0, htlcs: [] }
        // 2,000 commitments, 3 states each (as a channel's between two commitment_signed)
        for (let i = 1; i <= 2000; i++) {
          const remote: Commit = { index: i, htlcs: h.slice(i % 20, (i % 20) + 10) }
          for (let n = 0; n < 3; n++) {
            kv.set('c', { n: i * 3 + n, local, remote })
            s.flushSync()
          }
          local = remote
        }
        const lines = (await readFile(p, 'utf8')).split('\n').filter(Boolean)
        // a state whose commitments were written before carries two short references
        expect(lines.at(-1)!.length).toBeLessThan(200)
        // the file was compacted on the way: commitments long gone were let go, with the HTLCs only they referred to
        expect(lines.length).toBeLessThan(6000)
        await s.close()
        const t = await openNested(p)
        expect(t.kv.get('c')).toEqual({
          n: 6002,
          local: { index: 1999, htlcs: h.slice(19, 29) },
          remote: { index: 2000, htlcs: h.slice(0, 10) },
        })
        await t.s.close()
      })

      it('refuses a file whose commitment refers to an HTLC that is not in it', async () => {
        const p = await path()
        await writeFile(
          p,
          '{"i":[["3",{"index":1,"htlcs":[{"$i":"2"}]}]],"c":[["channel/c",{"n":1,"local":{"$i":"3"}}]]}\n',
        )
        await expect(DurableStore.open(p)).rejects.toThrow(
          /interned entry 3 refers to interned entry 2, which is not in the file/,
        )
      })
    })

    it('refuses a file whose state refers to an HTLC that is not in it', async () => {
      const p = await path()
      await writeFile(p, '{"c":[["channel/c",{"n":1,"local":[{"$i":"7"}]}]]}\n')
      await expect(DurableStore.open(p)).rejects.toThrow(
        /channel\/c refers to interned entry 7, which is not in the file/,
      )
    })
  })
})
