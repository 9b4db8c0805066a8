/**
 * The onion replay log in the node's state: what it refused before a restart it
 * refuses after, it forgets onions whose HTLC expired, and it is bounded.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DurableStore } from '../../../src/node/store/durableStore.js'
import { StoredReplayLog } from '../../../src/node/payments/switch/storedReplayLog.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function statePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-replay-'))
  dirs.push(dir)
  return join(dir, 'state.log')
}

const secret = (n: number) => new Uint8Array(32).fill(n)

describe('the stored replay log', () => {
  it('refuses after a restart an onion it saw before', async () => {
    const path = await statePath()
    const before = await DurableStore.open(path)
    const log = new StoredReplayLog(before.kv('replay'))
    expect(log.add(secret(1), 500)).toBe(true)
    expect(log.add(secret(1), 500)).toBe(false)
    await before.close()

    const after = await DurableStore.open(path)
    const restarted = new StoredReplayLog(after.kv('replay'))
    expect(restarted.has(secret(1))).toBe(true)
    expect(restarted.add(secret(1), 500)).toBe(false)
    expect(restarted.add(secret(2), 500)).toBe(true)
    await after.close()
  })

  it('forgets, on disk too, the onions whose HTLC expired', async () => {
    const path = await statePath()
    const store = await DurableStore.open(path)
    const log = new StoredReplayLog(store.kv('replay'))
    log.add(secret(1), 100)
    log.add(secret(2), 200)
    expect(log.expire(150)).toBe(1)
    await store.close()
    const reopened = new StoredReplayLog((await DurableStore.open(path)).kv('replay'))
    expect(reopened.has(secret(1))).toBe(false)
    expect(reopened.has(secret(2))).toBe(true)
    expect(reopened.size).toBe(1)
  })

  it('keeps at most its bound, forgetting the oldest first', async () => {
    const store = await DurableStore.open(await statePath())
    const kv = store.kv<number>('replay')
    const log = new StoredReplayLog(kv, 3)
    for (let i = 1; i <= 5; i++) log.add(secret(i), 1000)
    expect(log.size).toBe(3)
    expect(kv.size).toBe(3)
    expect([1, 2, 3, 4, 5].map((i) => log.has(secret(i)))).toEqual([false, false, true, true, true])
    await store.close()
  })
})
