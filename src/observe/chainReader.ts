/**
 * A small reader of the mock chain's HTTP API for observers: the tip height,
 * a block, and the stream of new blocks. It reads only what it shows and is
 * lenient about the rest of each response, so the chain can grow its API
 * without breaking the dashboard.
 */
import { z } from 'zod'
import { LnsimError } from '../core/errors.js'
import { http, type HttpResponse } from '../core/http.js'
import { readSse } from '../core/sse.js'
import type { ChainBlockEvent } from './dashboard/views.js'

export class ChainReadError extends LnsimError {
  constructor(message: string) {
    super('CHAIN_UNREACHABLE', message)
    this.name = 'ChainReadError'
  }
}

const height = z.number().int().nonnegative()
const ChainInfoBody = z.union([
  z.object({ height }).transform((b) => b.height),
  z.object({ blockHeight: height }).transform((b) => b.blockHeight),
  z.object({ tipHeight: height }).transform((b) => b.tipHeight),
])

const txid = z.string().regex(/^[0-9a-f]{64}$/)
const BlockBody = z.object({
  height,
  hash: z.string().max(128),
  time: z.number().nonnegative(),
  txids: z.array(txid).max(100_000).optional(),
  txs: z.array(z.object({ txid: txid.optional() }).loose()).max(100_000).optional(),
})

const BlockNotice = z.object({ type: z.string().optional(), height }).loose()

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true })
  })
}

/** Block times are unix seconds on the chain and ms in events: anything below 10^11 is taken as seconds. */
function toMs(time: number): number {
  return time < 1e11 ? time * 1000 : time
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  let res: HttpResponse
  let text: string
  try {
    res = await http(url, { timeoutMs: 10_000, ...(signal ? { signal } : {}) })
    text = await res.text()
  } catch (err) {
    throw new ChainReadError(`cannot reach the chain at ${url} (${(err as Error).message}); is \`lnsim chain start\` running?`)
  }
  if (!res.ok) throw new ChainReadError(`GET ${url} failed with HTTP ${res.status}`)
  return JSON.parse(text)
}

export class ChainReader {
  readonly url: string
  constructor(url: string) {
    this.url = url.replace(/\/$/, '')
  }

  async tipHeight(signal?: AbortSignal): Promise<number> {
    const r = ChainInfoBody.safeParse(await getJson(`${this.url}/v1/info`, signal))
    if (!r.success) throw new ChainReadError(`${this.url}/v1/info has no height`)
    return r.data
  }

  async block(h: number, signal?: AbortSignal): Promise<ChainBlockEvent> {
    const r = BlockBody.safeParse(await getJson(`${this.url}/v1/blocks/${h}`, signal))
    if (!r.success) throw new ChainReadError(`${this.url}/v1/blocks/${h} is not a block: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`)
    const b = r.data
    const txids = b.txids ?? (b.txs ?? []).flatMap((t) => (t.txid ? [t.txid] : []))
    return { type: 'chain_block', height: b.height, hash: b.hash, time: toMs(b.time), txids }
  }

  /** Calls back with each new block's height until the signal aborts; reconnects after a broken stream. */
  async followBlocks(onHeight: (height: number) => void, signal: AbortSignal, retryMs = 1000): Promise<void> {
    while (!signal.aborted) {
      try {
        const res = await http(`${this.url}/v1/events`, { headers: { accept: 'text/event-stream' }, signal })
        if (res.ok) {
          for await (const m of readSse(res.body)) {
            let parsed: unknown
            try {
              parsed = JSON.parse(m.data)
            } catch {
              continue
            }
            const n = BlockNotice.safeParse(parsed)
            if (n.success && (m.event === 'block' || n.data.type === 'block')) onHeight(n.data.height)
          }
        } else {
          await res.text()
        }
      } catch {
        // the chain restarted or is not up yet: try again
      }
      if (signal.aborted) return
      await sleep(retryMs, signal)
    }
  }
}
