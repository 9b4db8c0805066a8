/**
 * The little of the mock chain's HTTP API a scenario needs: its height, mining,
 * the faucet, blocks, and the stream of new blocks and transactions. The
 * scenario layer may not import src/chain, so this speaks the documented
 * routes directly and reads only the fields it uses.
 */
import { z } from 'zod'
import { LnsimError } from '../core/errors.js'
import { http, type HttpResponse } from '../core/http.js'
import { toJson } from '../core/json.js'
import { readSse } from '../core/sse.js'

export class ChainHttpError extends LnsimError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'ChainHttpError'
  }
}

const height = z.number().int().nonnegative()
const txid = z.string().regex(/^[0-9a-f]{64}$/)
const sat = z.string().regex(/^[0-9]{1,20}$/).transform((v) => BigInt(v))
const Info = z.object({ height, blockIntervalMs: z.number().int().positive().nullable().optional() })
const MoneyInfo = z.object({ height, mempoolSize: z.number().int().nonnegative(), faucetPaidOutSat: sat })
const TxStatus = z.object({ txid, feeSat: sat })
const Mined = z.object({ height, hashes: z.array(z.string()).optional() })
const FaucetPaid = z.object({ txid })
const Block = z.object({ height, hash: z.string().max(128), time: z.number().nonnegative(), txids: z.array(txid).max(1_000_000) })
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) })

export interface ChainBlock {
  height: number
  hash: string
  /** ms since the epoch (the chain counts unix seconds) */
  time: number
  /** the coinbase first */
  txids: string[]
}

export type ChainStreamEvent = { type: 'block'; block: ChainBlock } | { type: 'tx'; txid: string }

export class ChainHttp {
  readonly url: string
  constructor(url: string, private readonly timeoutMs = 30_000) {
    this.url = url.replace(/\/$/, '')
  }

  private async request<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let res: HttpResponse
    let text: string
    try {
      res = await http(`${this.url}/v1${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: toJson(body) }),
        timeoutMs: this.timeoutMs,
      })
      text = await res.text()
    } catch (err) {
      throw new ChainHttpError('CHAIN_UNREACHABLE', `cannot reach the chain at ${this.url} (${(err as Error).message})`)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new ChainHttpError('BAD_RESPONSE', `${method} ${path}: the chain answered with something that is not JSON (HTTP ${res.status})`)
    }
    if (!res.ok) {
      const e = ErrorBody.safeParse(json)
      throw new ChainHttpError(e.success ? e.data.error.code : `HTTP_${res.status}`, `chain ${method} ${path}: ${e.success ? e.data.error.message : `HTTP ${res.status}`}`)
    }
    const r = schema.safeParse(json)
    if (!r.success) throw new ChainHttpError('BAD_RESPONSE', `chain ${method} ${path}: unexpected answer (${r.error.issues[0]!.path.join('.')} ${r.error.issues[0]!.message})`)
    return r.data
  }

  async height(): Promise<number> {
    return (await this.request('GET', '/info', Info)).height
  }

  /** The height, how many transactions wait in the mempool, and what the faucet has paid out. */
  async info(): Promise<{ height: number; mempoolSize: number; faucetPaidOutSat: bigint }> {
    return this.request('GET', '/info', MoneyInfo)
  }

  /** The fee a transaction (mined or in the mempool) pays. */
  async transactionFee(txid: string): Promise<bigint> {
    return (await this.request('GET', `/transactions/${txid}`, TxStatus)).feeSat
  }

  /** Mines blocks now; returns the new height. */
  async mine(blocks: number): Promise<number> {
    return (await this.request('POST', '/mine', Mined, { blocks })).height
  }

  /** Pays every address its amount in one faucet transaction (payment i is output i), into the mempool; returns the txid. */
  async faucetMany(payments: ReadonlyArray<{ address: string; sat: bigint }>): Promise<string> {
    return (await this.request('POST', '/faucet/batch', FaucetPaid, { payments: payments.map((p) => ({ address: p.address, amountSat: p.sat.toString() })) })).txid
  }

  /** Pays an address from the faucet (into the mempool unless confirm); returns the txid. */
  async faucet(address: string, amountSat: bigint, confirm = false): Promise<string> {
    return (await this.request('POST', '/faucet', FaucetPaid, { address, amountSat: amountSat.toString(), confirm })).txid
  }

  async block(h: number): Promise<ChainBlock> {
    const b = await this.request('GET', `/blocks/${h}`, Block)
    return { height: b.height, hash: b.hash, time: b.time * 1000, txids: b.txids }
  }

  /** New blocks and mempool transactions until the signal aborts; ends when the stream breaks. */
  async *events(signal: AbortSignal): AsyncGenerator<ChainStreamEvent> {
    let res: HttpResponse
    try {
      res = await http(`${this.url}/v1/events`, { headers: { accept: 'text/event-stream' }, signal })
    } catch (err) {
      if (signal.aborted) return
      throw new ChainHttpError('CHAIN_UNREACHABLE', `cannot reach the chain's event stream at ${this.url} (${(err as Error).message})`)
    }
    if (!res.ok) {
      await res.text().catch(() => '')
      throw new ChainHttpError(`HTTP_${res.status}`, `GET /v1/events failed with HTTP ${res.status}`)
    }
    try {
      for await (const m of readSse(res.body)) {
        let data: unknown
        try {
          data = JSON.parse(m.data)
        } catch {
          continue
        }
        if (m.event === 'block') {
          const b = Block.safeParse(data)
          if (b.success) yield { type: 'block', block: { ...b.data, time: b.data.time * 1000 } }
        } else if (m.event === 'tx') {
          const t = z.object({ txid }).safeParse(data)
          if (t.success) yield { type: 'tx', txid: t.data.txid }
        }
      }
    } catch (err) {
      if (signal.aborted) return
      throw err
    }
  }
}
