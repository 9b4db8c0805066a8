/**
 * The typed client of the chain daemon, for nodes, the CLI, scenarios and
 * tests. Responses are parsed through the contract in apiTypes.ts into bigint
 * amounts, byte arrays and Transactions; failures are ChainClientError with the
 * daemon's error code (a chain rule's code for a rejected transaction), or
 * UNREACHABLE / TIMEOUT / BAD_RESPONSE.
 *
 *   const chain = new ChainClient({ url: 'http://127.0.0.1:18800' })
 *   const { txid } = await chain.submitTransaction(tx)
 *   await chain.mine(6)
 *   void chain.subscribe((e) => { if (e.type === 'block') … }, { signal })
 */
import type { z } from 'zod'
import { LnsimError } from '../../core/errors.js'
import { http, HttpTimeoutError, type HttpResponse } from '../http/client.js'
import { toJson } from '../../core/json.js'
import { readSse } from '../http/sseReader.js'
import {
  AddressUtxos,
  BlockEvent,
  BlockResponse,
  ChainInfo,
  ErrorBody,
  FaucetBatchResponse,
  FaucetResponse,
  Feerate,
  MineResponse,
  OutpointStatus,
  ReorgResponse,
  SubmitResponse,
  TipEvent,
  TransactionStatus,
  TxEvent,
  type ChainEvent,
  type FaucetBatchRequest,
  type FaucetRequest,
  type MineRequest,
  type ReorgRequest,
} from './types.js'
import type { OutPoint, Transaction } from '../../chain/transaction.js'
import { parseWith, transactionToJson } from '../../chain/transactionJson.js'
import {
  DEFAULT_BACKOFF,
  DEFAULT_OVERLOAD_ATTEMPTS,
  DEFAULT_REQUEST_ATTEMPTS,
  backoffDelay,
  waitOrAbort,
  withRetries,
} from '../http/backoff.js'
import { MAX_UTXO_ADDRESSES_PER_REQUEST, UtxosResponse, WatchResponse, type WatchRequest } from './watchTypes.js'

/**
 * The client's own codes, and what its caller does: ask again later (the daemon
 * is down or busy), or stop (it answered something that is not the contract: a
 * different program on the port, or a version mismatch). Any other code is the
 * daemon's own: a chain rule's (ChainRuleCode) or a route's, with its HTTP status.
 */
export const CHAIN_CLIENT_ERRORS = {
  UNREACHABLE: { action: 'retry_later' },
  TIMEOUT: { action: 'retry_later' },
  ABORTED: { action: 'nothing' },
  BAD_RESPONSE: { action: 'give_up' },
} as const satisfies Record<string, { action: 'retry_later' | 'nothing' | 'give_up' }>

export type ChainClientErrorCode = keyof typeof CHAIN_CLIENT_ERRORS

export class ChainClientError extends LnsimError {
  /** the HTTP status, 0 when there was no answer */
  readonly status: number
  /** how long the daemon asked to be left alone (Retry-After of a 503 OVERLOADED) */
  retryAfterMs?: number
  /** one of ChainClientErrorCode, or the code the daemon answered with */
  constructor(
    code: ChainClientErrorCode | LnsimError['code'],
    message: string,
    status: number,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details)
    this.name = 'ChainClientError'
    this.status = status
  }
}

export interface ChainClientOptions {
  url: string
  /** per-request timeout (default 10 s); each retry after a timeout waits twice as long as the attempt before */
  timeoutMs?: number
  /**
   * attempts of a request the chain did not answer (timeout, refused connection), the first included; only requests
   * that are safe to repeat are retried (reads, submitting a transaction, watching). @default DEFAULT_REQUEST_ATTEMPTS
   */
  attempts?: number
  /**
   * attempts of a request the chain refused as overloaded (503), the first included.
   * @default DEFAULT_OVERLOAD_ATTEMPTS
   */
  overloadAttempts?: number
}

export interface RequestOptions {
  signal?: AbortSignal
  timeoutMs?: number
  /** @default the client's attempts for a request safe to repeat, 1 for another */
  attempts?: number
}

export interface SubscribeOptions {
  signal: AbortSignal
  /** first wait before reconnecting; doubles (with jitter) up to 5 s (default 250 ms) */
  reconnectDelayMs?: number
  /** a dropped connection, or a throw from onEvent; the subscription goes on */
  onError?: (err: unknown) => void
  /** only these events (and the `tip` each connection starts with). @default all */
  types?: ReadonlyArray<'block' | 'tx'>
}

/** No byte for this long (heartbeats come every 15 s) means the connection is dead. */
const STREAM_IDLE_MS = 45_000

/**
 * Requests that change nothing when they arrive twice: reads, a transaction (the second gets ALREADY_KNOWN), and the
 * watch requests. Mining and faucet payments are not repeated: a timed-out one may have happened.
 */
function safeToRepeat(method: string, path: string): boolean {
  return method === 'GET' || path === '/v1/transactions' || path === '/v1/utxos' || path.startsWith('/v1/watch/')
}

export class ChainClient {
  readonly url: string
  private readonly timeoutMs: number
  private readonly attempts: number
  private readonly overloadAttempts: number

  constructor(options: ChainClientOptions) {
    this.url = options.url.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.attempts = Math.max(1, options.attempts ?? DEFAULT_REQUEST_ATTEMPTS)
    this.overloadAttempts = Math.max(1, options.overloadAttempts ?? DEFAULT_OVERLOAD_ATTEMPTS)
  }

  info(options?: RequestOptions): Promise<ChainInfo> {
    return this.request('GET', '/v1/info', ChainInfo, undefined, options)
  }

  /** Resolves with the txid and fee once the daemon accepts it into the mempool; rejects with the rule's code. */
  submitTransaction(tx: Transaction, options?: RequestOptions): Promise<SubmitResponse> {
    return this.request('POST', '/v1/transactions', SubmitResponse, transactionToJson(tx), options)
  }

  getTransaction(txid: string, options?: RequestOptions): Promise<TransactionStatus> {
    return this.request('GET', `/v1/transactions/${encodeURIComponent(txid)}`, TransactionStatus, undefined, options)
  }

  getBlock(heightOrHash: number | string, options?: RequestOptions): Promise<BlockResponse> {
    return this.request(
      'GET',
      `/v1/blocks/${encodeURIComponent(String(heightOrHash))}`,
      BlockResponse,
      undefined,
      options,
    )
  }

  getTip(options?: RequestOptions): Promise<BlockResponse> {
    return this.request('GET', '/v1/blocks/tip', BlockResponse, undefined, options)
  }

  /** The output, its confirmations, and who spent it (txid, input, height; height null while in the mempool). */
  getOutpoint(outpoint: OutPoint, options?: RequestOptions): Promise<OutpointStatus> {
    return this.request(
      'GET',
      `/v1/outpoints/${encodeURIComponent(outpoint.txid)}/${outpoint.vout}`,
      OutpointStatus,
      undefined,
      options,
    )
  }

  /**
   * Unspent outputs paying the address, unconfirmed ones included (0 confirmations); none that a mempool transaction
   * spends.
   */
  getAddressUtxos(address: string, options?: RequestOptions): Promise<AddressUtxos> {
    return this.request('GET', `/v1/addresses/${encodeURIComponent(address)}/utxos`, AddressUtxos, undefined, options)
  }

  /** The chain's fee-rate estimate, in sat per 1000 weight units. */
  async feerate(options: RequestOptions = {}): Promise<number> {
    return (await this.request('GET', '/v1/feerate', Feerate, undefined, options)).satPerKw
  }

  /** Sets the fee-rate estimate (the mock chain has no fee market); watching nodes hear of it at once. */
  async setFeerate(satPerKw: number, options: RequestOptions = {}): Promise<number> {
    return (await this.request('POST', '/v1/feerate', Feerate, { satPerKw } satisfies Feerate, options)).satPerKw
  }

  /** Mines blocks now; the reward goes to `address`, or to the faucet. Resolves once they are on disk. */
  mine(blocks: number, options: RequestOptions & { address?: string } = {}): Promise<MineResponse> {
    const body: MineRequest = options.address === undefined ? { blocks } : { blocks, address: options.address }
    return this.request('POST', '/v1/mine', MineResponse, body, {
      timeoutMs: Math.max(this.timeoutMs, 60_000),
      ...options,
    })
  }

  /**
   * Replaces the last `depth` blocks with `depth + 1` new ones, leaving `leaveOut` (and what spends them) in the
   * mempool; watching nodes rewind to the fork and follow the new branch.
   */
  reorg(depth: number, leaveOut: string[] = [], options: RequestOptions = {}): Promise<ReorgResponse> {
    return this.request('POST', '/v1/reorg', ReorgResponse, { depth, leaveOut } satisfies ReorgRequest, {
      timeoutMs: Math.max(this.timeoutMs, 60_000),
      ...options,
    })
  }

  /** Pays `amountSat` to the address from the faucet; with confirm, mines one block too. */
  faucet(
    address: string,
    amountSat: bigint,
    options: RequestOptions & { confirm?: boolean } = {},
  ): Promise<FaucetResponse> {
    const body: FaucetRequest = {
      address,
      amountSat: amountSat.toString(),
      ...(options.confirm ? { confirm: true } : {}),
    }
    return this.request('POST', '/v1/faucet', FaucetResponse, body, options)
  }

  /**
   * Pays every address its amount in one faucet transaction, payment i as output i; with confirm, mines one block too.
   */
  faucetMany(
    payments: ReadonlyArray<{ address: string; amountSat: bigint }>,
    options: RequestOptions & { confirm?: boolean } = {},
  ): Promise<FaucetBatchResponse> {
    const body: FaucetBatchRequest = {
      payments: payments.map((p) => ({ address: p.address, amountSat: p.amountSat.toString() })),
      ...(options.confirm ? { confirm: true } : {}),
    }
    return this.request('POST', '/v1/faucet/batch', FaucetBatchResponse, body, options)
  }

  /** The unspent outputs of many addresses, in as few requests as the chain's limit allows. */
  async getUtxosOf(addresses: readonly string[], options?: RequestOptions): Promise<UtxosResponse['addresses']> {
    const out: UtxosResponse['addresses'] = []
    for (let i = 0; i < addresses.length; i += MAX_UTXO_ADDRESSES_PER_REQUEST) {
      const body = { addresses: addresses.slice(i, i + MAX_UTXO_ADDRESSES_PER_REQUEST) }
      out.push(...(await this.request('POST', '/v1/utxos', UtxosResponse, body, options)).addresses)
    }
    return out
  }

  /** An output by its position in the chain (a short channel id's parts). */
  getOutputAt(height: number, txIndex: number, vout: number, options?: RequestOptions): Promise<OutpointStatus> {
    return this.request('GET', `/v1/outputs/${height}/${txIndex}/${vout}`, OutpointStatus, undefined, options)
  }

  /** Registers what a watch session watches (see watchTypes.ts); ChainWatch does this for its caller. */
  watchOn(session: string, request: WatchRequest, options?: RequestOptions): Promise<WatchResponse> {
    return this.request('POST', `/v1/watch/${encodeURIComponent(session)}`, WatchResponse, request, options)
  }

  /**
   * Reads one event stream until it ends or the signal aborts, calling onEvent with each event's name and JSON text;
   * rejects when the connection fails. subscribe() and ChainWatch reconnect around it.
   */
  async readEventStream(
    path: string,
    signal: AbortSignal,
    onEvent: (name: string, data: string) => void,
  ): Promise<void> {
    const connection = new AbortController()
    const abort = (): void => connection.abort()
    signal.addEventListener('abort', abort, { once: true })
    let idle = setTimeout(abort, STREAM_IDLE_MS)
    try {
      const res = await http(`${this.url}${path}`, {
        signal: connection.signal,
        headers: { accept: 'text/event-stream' },
      })
      if (!res.ok) throw new ChainClientError('BAD_RESPONSE', `GET ${path} answered HTTP ${res.status}`, res.status)
      // any bytes, heartbeats included, show the stream is alive
      const watched = async function* (body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
        for await (const chunk of body) {
          clearTimeout(idle)
          idle = setTimeout(abort, STREAM_IDLE_MS)
          yield chunk
        }
      }
      for await (const m of readSse(watched(res.body))) onEvent(m.event, m.data)
    } finally {
      clearTimeout(idle)
      signal.removeEventListener('abort', abort)
    }
  }

  /**
   * Calls onEvent for each event until the signal aborts, reconnecting whenever the stream drops.
   * Each (re)connection starts with a `tip` event, so a subscriber can catch up on blocks it missed.
   */
  async subscribe(onEvent: (event: ChainEvent) => void, options: SubscribeOptions): Promise<void> {
    const { signal } = options
    const backoff = { ...DEFAULT_BACKOFF, firstDelayMs: options.reconnectDelayMs ?? DEFAULT_BACKOFF.firstDelayMs }
    const query = options.types === undefined ? '' : `?types=${options.types.join(',')}`
    let attempt = 0
    while (!signal.aborted) {
      try {
        await this.readEventStream(`/v1/events${query}`, signal, (name, data) => {
          attempt = 0
          const event = parseEvent(name, data)
          if (!event) return
          try {
            onEvent(event)
          } catch (err) {
            options.onError?.(err)
          }
        })
      } catch (err) {
        if (!signal.aborted) options.onError?.(err)
      }
      if (signal.aborted) break
      await waitOrAbort(backoffDelay(attempt++, backoff), signal)
    }
  }

  /**
   * One request, asked again with backoff while the chain does not answer and the request is safe to repeat; each
   * attempt after a timeout allows twice the time of the one before, so a slow chain is waited for rather than asked
   * the same question again while it still works on the first. A request the chain refused as overloaded (503) was
   * not worked on: any request is asked again, after the Retry-After the chain gave, up to DEFAULT_OVERLOAD_ATTEMPTS.
   */
  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T, unknown>,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    return withRetries((timeoutMs) => this.requestOnce(method, path, schema, body, { ...options, timeoutMs }), {
      attempts: options.attempts ?? (safeToRepeat(method, path) ? this.attempts : 1),
      overloadAttempts: this.overloadAttempts,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  }

  private async requestOnce<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T, unknown>,
    body: unknown,
    options: RequestOptions & { timeoutMs: number },
  ): Promise<T> {
    const timeoutMs = options.timeoutMs
    let res: HttpResponse
    let text: string
    try {
      // http() itself asks again when a kept-alive socket the daemon closed as idle was reused
      res = await http(`${this.url}${path}`, {
        method,
        timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: toJson(body) }),
      })
      text = await res.text()
    } catch (err) {
      if (err instanceof HttpTimeoutError)
        throw new ChainClientError(
          'TIMEOUT',
          `${method} ${path} got no answer from the chain at ${this.url} within ${timeoutMs} ms`,
          0,
        )
      if (options.signal?.aborted) throw new ChainClientError('ABORTED', `${method} ${path} was cancelled`, 0)
      throw new ChainClientError(
        'UNREACHABLE',
        `cannot reach the chain at ${this.url} (${causeOf(err)}); is it running? Start it with \`lnsim chain start\``,
        0,
      )
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new ChainClientError(
        'BAD_RESPONSE',
        `${method} ${path}: the chain answered HTTP ${res.status} with something that is not JSON`,
        res.status,
      )
    }
    if (!res.ok) {
      const e = ErrorBody.safeParse(json)
      if (!e.success)
        throw new ChainClientError(`HTTP_${res.status}`, `${method} ${path} failed with HTTP ${res.status}`, res.status)
      const failure = new ChainClientError(e.data.error.code, e.data.error.message, res.status, {
        ...e.data.error.details,
        ...(e.data.error.field ? { field: e.data.error.field } : {}),
      })
      if (res.retryAfterMs !== undefined) failure.retryAfterMs = res.retryAfterMs
      throw failure
    }
    try {
      return parseWith(schema, json, `${method} ${path} response`, 'BAD_RESPONSE')
    } catch (err) {
      throw new ChainClientError('BAD_RESPONSE', (err as Error).message, res.status)
    }
  }
}

/** What went wrong underneath: a socket error's code (ECONNREFUSED), as node:http gives it or fetch wraps it. */
function causeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string } }
  return e.cause?.code ?? e.cause?.message ?? e.code ?? (err as Error).message
}

function parseEvent(name: string, data: string): ChainEvent | undefined {
  const schema = name === 'block' ? BlockEvent : name === 'tx' ? TxEvent : name === 'tip' ? TipEvent : undefined
  if (!schema) return undefined
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    return undefined
  }
  const r = (schema as z.ZodType<object>).safeParse(json)
  return r.success ? ({ type: name, ...r.data } as ChainEvent) : undefined
}
