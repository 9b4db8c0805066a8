/**
 * The chain daemon's event stream against subscribers that stop reading: each
 * one may hold at most SSE_MAX_BUFFERED_BYTES of unsent events in the daemon,
 * then it is dropped. Before this bound, 50 such sockets and 60,000 blocks
 * took the daemon from 61 MB to 1.9 GB. A real daemon process, its memory read
 * from /proc.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { http } from '../../../src/api/http/client.js'
import { readSse } from '../../../src/api/http/sseReader.js'
import { SSE_MAX_BUFFERED_BYTES } from '../../../src/api/http/limits.js'
import { cleanupProcesses, spawnReady, tempDir } from '../../helpers/processes.js'
import { drain, stalledSubscriber } from '../../helpers/stalledSubscriber.js'

afterEach(cleanupProcesses)

const MB = 1024 * 1024

/** kB of the process's resident memory now (VmRSS) and at its peak (VmHWM). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

describe('chain event stream back-pressure', () => {
  it('drops subscribers that stop reading, stays small, and still gives a reading subscriber every block', async () => {
    const chain = await spawnReady(['chain', 'start', '--data-dir', await tempDir(), '--port', '0'])
    const url = String(chain.ready.url)
    const port = Number(chain.ready.port)
    const pid = chain.proc.pid!

    // one subscriber that reads, as a node does
    const controller = new AbortController()
    const reader = await http(`${url}/v1/events?types=block`, { signal: controller.signal })
    let heard = 0
    const reading = (async () => {
      for await (const m of readSse(reader.body)) if (m.event === 'block') heard++
    })().catch(() => {})

    const stalled = Array.from({ length: 30 }, () => stalledSubscriber(port, '/v1/events'))
    await new Promise((r) => setTimeout(r, 200))
    const before = memoryOf(pid)

    // 60,000 blocks: ~11 MB of events for each subscriber
    const BLOCKS = 60_000
    for (let mined = 0; mined < BLOCKS; mined += 10_000) {
      const res = await http(`${url}/v1/mine`, {
        method: 'POST',
        body: JSON.stringify({ blocks: 10_000 }),
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status).toBe(200)
      await res.text()
    }
    const after = memoryOf(pid)

    // the blocks themselves cost the daemon ~120 MB; each stalled subscriber may cost a few
    // times its limit at its peak (its text, and the socket's copy of it). Without the bound
    // the 30 held ~1.1 GB.
    const allowed = 150 * MB + stalled.length * 3 * SSE_MAX_BUFFERED_BYTES
    expect(after.peak - before.rss, `peak ${after.peak / MB} MB from ${before.rss / MB} MB`).toBeLessThan(allowed)

    // every stalled subscriber was dropped: what it can still read ends, short of the 60,000 blocks
    const drained = await Promise.all(stalled.map((s) => drain(s, 'block', 5_000)))
    for (const d of drained) {
      expect(d.ended).toBe(true)
      expect(d.events).toBeLessThan(BLOCKS)
    }

    // the subscriber that reads heard every block
    const deadline = Date.now() + 10_000
    while (heard < BLOCKS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(heard).toBe(BLOCKS)
    controller.abort()
    await reading
  }, 60_000)
})
