/**
 * The typed client of a node's control API, used by the CLI, the scenario
 * runner, the dashboard and tests. Responses are checked against the contract
 * in types.ts; failures become NodeApiError with the server's error code.
 */
import { z } from 'zod'
import { http, HttpTimeoutError, type HttpResponse } from '../http/client.js'
import { toJson } from '../../core/json.js'
import { LnsimError } from '../../core/errors.js'
import { NodeEvent } from './events.js'
import {
  ApiErrorBody,
  ChannelInfo,
  ChannelPolicy,
  CloseChannelResponse,
  GraphInfo,
  GraphSummary,
  InvoiceInfo,
  NewAddressResponse,
  NodeInfo,
  OpenChannelResponse,
  PaymentInfo,
  PeerInfo,
  RouteInfo,
  WalletBalance,
} from './types.js'
import type {
  ChannelPolicyRequest,
  CreateInvoiceRequest,
  KeysendRequest,
  OpenChannelRequest,
  PayRequest,
} from './types.js'
import { parseOrThrow } from './schemas.js'
import { readSse } from '../http/sseReader.js'
import { SendCoinsResponse, type SendCoinsRequest } from './walletSend.js'
import { StopResponse } from './stop.js'
import { DEFAULT_OVERLOAD_ATTEMPTS, DEFAULT_REQUEST_ATTEMPTS, withRetries } from '../http/backoff.js'
import { InterceptAnswerResult, InterceptedHtlc, ReputationInfo, type InterceptAnswerRequest } from './interception.js'

/** What an interceptor answers for one HTLC (the id is filled in). */
export type InterceptReply =
  | { action: 'resume' }
  | { action: 'fail'; failureCode?: number | string }
  | { action: 'hold'; holdMs: number }
  | { action: 'settle'; preimage: string }

/** A running interceptor: `stop()` disconnects it (the node gives what it still holds the default). */
export interface InterceptorHandle {
  stop(): Promise<void>
  /** settles when the stream ends (stopped, or the node went away) */
  readonly done: Promise<void>
}

/** A request to a node failed: `code` is the node's error code, or UNREACHABLE / TIMEOUT / BAD_RESPONSE. */
export class NodeApiError extends LnsimError {
  readonly status: number
  /** how long the node asked to be left alone (Retry-After of a 503 OVERLOADED) */
  retryAfterMs?: number
  constructor(code: string, message: string, status: number, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'NodeApiError'
    this.status = status
  }
}

export interface NodeClientOptions {
  url: string
  token: string
  /** default per-request timeout in ms (payments pass their own); each retry after a timeout waits twice as long */
  timeoutMs?: number
  /**
   * attempts of a read (GET) the node did not answer (timeout, no connection), the first included; a request that
   * changes something is sent once, as a repeat might do it twice. @default DEFAULT_REQUEST_ATTEMPTS
   */
  attempts?: number
  /**
   * attempts of any request the node refused as overloaded (503): it did none of it.
   * @default DEFAULT_OVERLOAD_ATTEMPTS
   */
  overloadAttempts?: number
}

interface RequestOptions {
  timeoutMs?: number
  signal?: AbortSignal
  /** @default the client's attempts for a GET, 1 for another method */
  attempts?: number
}

type Json = Record<string, unknown>

export class NodeClient {
  readonly url: string
  private readonly token: string
  private readonly timeoutMs: number
  private readonly attempts: number
  private readonly overloadAttempts: number

  constructor(options: NodeClientOptions) {
    this.url = options.url.replace(/\/$/, '')
    this.token = options.token
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.attempts = Math.max(1, options.attempts ?? DEFAULT_REQUEST_ATTEMPTS)
    this.overloadAttempts = Math.max(1, options.overloadAttempts ?? DEFAULT_OVERLOAD_ATTEMPTS)
  }

  /**
   * One request, asked again with exponential backoff and jitter while asking again is safe: a read the node did not
   * answer (each attempt after a timeout allows twice the time, so a node slowed by a busy machine is waited for
   * rather than asked the same question while it still works on the first), and any request the node refused as
   * overloaded, after the Retry-After it gave. Without this, every runner and CLI call to a busy node failed at its
   * first timeout, and callers that retried at once asked it again all together.
   */
  private async request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    return withRetries((timeoutMs) => this.requestOnce(method, path, schema, body, { ...options, timeoutMs }), {
      attempts: options.attempts ?? (method === 'GET' ? this.attempts : 1),
      overloadAttempts: this.overloadAttempts,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  }

  private async requestOnce<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body: unknown,
    options: RequestOptions & { timeoutMs: number },
  ): Promise<T> {
    let res: HttpResponse
    let text: string
    try {
      res = await http(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: toJson(body) }),
        ...(options.signal ? { signal: options.signal } : {}),
        timeoutMs: options.timeoutMs,
      })
      text = await res.text()
    } catch (err) {
      if (err instanceof HttpTimeoutError)
        throw new NodeApiError('TIMEOUT', `${method} ${path} got no answer within ${options.timeoutMs} ms`, 0)
      throw new NodeApiError(
        'UNREACHABLE',
        `cannot reach the node at ${this.url} (${(err as Error).message}); is it running?`,
        0,
      )
    }
    let json: unknown
    try {
      json = text === '' ? null : JSON.parse(text)
    } catch {
      throw new NodeApiError(
        'BAD_RESPONSE',
        `${method} ${path}: the node answered with something that is not JSON`,
        res.status,
      )
    }
    if (!res.ok) {
      const e = ApiErrorBody.safeParse(json)
      if (e.success) {
        const failure = new NodeApiError(
          e.data.error.code,
          e.data.error.message,
          res.status,
          e.data.error.field ? { field: e.data.error.field } : {},
        )
        if (res.retryAfterMs !== undefined) failure.retryAfterMs = res.retryAfterMs
        throw failure
      }
      throw new NodeApiError('HTTP_' + res.status, `${method} ${path} failed with HTTP ${res.status}`, res.status)
    }
    try {
      return parseOrThrow(schema, json, `${method} ${path}`)
    } catch (err) {
      throw new NodeApiError('BAD_RESPONSE', (err as Error).message, res.status)
    }
  }

  info(): Promise<NodeInfo> {
    return this.request('GET', '/v1/info', NodeInfo)
  }
  peers(): Promise<PeerInfo[]> {
    return this.request('GET', '/v1/peers', z.array(PeerInfo))
  }
  connect(address: string): Promise<PeerInfo> {
    return this.request('POST', '/v1/peers', PeerInfo, { address })
  }
  disconnect(nodeId: string): Promise<PeerInfo> {
    return this.request('DELETE', `/v1/peers/${nodeId}`, PeerInfo)
  }
  channels(): Promise<ChannelInfo[]> {
    return this.request('GET', '/v1/channels', z.array(ChannelInfo))
  }
  channel(channelId: string): Promise<ChannelInfo> {
    return this.request('GET', `/v1/channels/${channelId}`, ChannelInfo)
  }
  openChannel(req: OpenChannelRequest, options: { timeoutMs?: number } = {}): Promise<OpenChannelResponse> {
    return this.request('POST', '/v1/channels', OpenChannelResponse, req, options)
  }
  closeChannel(channelId: string, req: { force?: boolean } = {}): Promise<CloseChannelResponse> {
    return this.request('POST', `/v1/channels/${channelId}/close`, CloseChannelResponse, req)
  }
  /** Sets this node's forwarding policy on one channel (a new channel_update goes out). */
  setChannelPolicy(channelId: string, req: ChannelPolicyRequest): Promise<ChannelPolicy> {
    return this.request('POST', `/v1/channels/${channelId}/policy`, ChannelPolicy, req)
  }
  createInvoice(req: CreateInvoiceRequest): Promise<InvoiceInfo> {
    return this.request('POST', '/v1/invoices', InvoiceInfo, req)
  }
  invoices(): Promise<InvoiceInfo[]> {
    return this.request('GET', '/v1/invoices', z.array(InvoiceInfo))
  }
  /** One invoice this node issued, by its payment hash (UNKNOWN_INVOICE when there is none). */
  invoice(paymentHash: string): Promise<InvoiceInfo> {
    return this.request('GET', `/v1/invoices/${encodeURIComponent(paymentHash)}`, InvoiceInfo)
  }
  pay(req: PayRequest, options: { signal?: AbortSignal } = {}): Promise<PaymentInfo> {
    const timeoutMs = ((req.timeoutSeconds ?? 60) + 10) * 1000
    return this.request('POST', '/v1/payments', PaymentInfo, req, { timeoutMs, ...options })
  }
  /** A spontaneous payment to a node (keysend): no invoice, the preimage travels in the onion. */
  keysend(req: KeysendRequest, options: { signal?: AbortSignal } = {}): Promise<PaymentInfo> {
    const timeoutMs = ((req.timeoutSeconds ?? 60) + 10) * 1000
    return this.request('POST', '/v1/keysend', PaymentInfo, req, { timeoutMs, ...options })
  }
  /** Settles the held payment of a hold invoice with its preimage. */
  settleInvoice(preimage: string): Promise<InvoiceInfo> {
    return this.request('POST', '/v1/invoices/settle', InvoiceInfo, { preimage })
  }
  /** Cancels an invoice: a held payment is failed back, and no later one is taken. */
  cancelInvoice(paymentHash: string): Promise<InvoiceInfo> {
    return this.request('POST', `/v1/invoices/${paymentHash}/cancel`, InvoiceInfo, {})
  }
  payments(): Promise<PaymentInfo[]> {
    return this.request('GET', '/v1/payments', z.array(PaymentInfo))
  }
  newAddress(): Promise<NewAddressResponse> {
    return this.request('POST', '/v1/wallet/address', NewAddressResponse, {})
  }
  /** Pays an on-chain address from the node's wallet; resolves once the chain has the transaction. */
  sendCoins(req: SendCoinsRequest): Promise<SendCoinsResponse> {
    return this.request('POST', '/v1/wallet/send', SendCoinsResponse, req)
  }
  /** Asks the node to shut down cleanly; it answers first. */
  stop(): Promise<StopResponse> {
    return this.request('POST', '/v1/stop', StopResponse, {})
  }
  balance(): Promise<WalletBalance> {
    return this.request('GET', '/v1/wallet/balance', WalletBalance)
  }
  graphSummary(): Promise<GraphSummary> {
    return this.request('GET', '/v1/graph/summary', GraphSummary)
  }

  graph(): Promise<GraphInfo> {
    return this.request('GET', '/v1/graph', GraphInfo)
  }
  /** The route a payment of `amountMsat` to `nodeId` would take now (NO_ROUTE when there is none). */
  route(nodeId: string, amountMsat: bigint): Promise<RouteInfo> {
    return this.request('GET', `/v1/route?nodeId=${nodeId}&amountMsat=${amountMsat}`, RouteInfo)
  }
  /** A raw request, for routes added by later layers (routing, testing hooks). */
  call<T>(method: string, path: string, schema: z.ZodType<T>, body?: Json, options: RequestOptions = {}): Promise<T> {
    return this.request(method, path, schema, body, options)
  }

  /** The forwarding policy's view of each peer (reputation, revenue, HTLCs in flight by bucket). */
  reputation(): Promise<ReputationInfo> {
    return this.request('GET', '/v1/reputation', ReputationInfo)
  }

  /** Answers one intercepted HTLC. */
  answerIntercepted(answer: InterceptAnswerRequest): Promise<InterceptAnswerResult> {
    return this.request('POST', '/v1/htlcs/intercept/answer', InterceptAnswerResult, answer)
  }

  /**
   * Intercepts the node's HTLCs: `decide` is called for each one the node holds, and its reply is posted back. It
   * resolves once the node holds HTLCs for it. A `decide` that throws or returns nothing leaves the HTLC to the node's
   * default at its deadline.
   */
  async intercept(
    decide: (htlc: InterceptedHtlc) => InterceptReply | undefined | Promise<InterceptReply | undefined>,
    options: { onError?: (err: Error) => void } = {},
  ): Promise<InterceptorHandle> {
    const abort = new AbortController()
    let res: HttpResponse
    try {
      res = await http(`${this.url}/v1/htlcs/intercept`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
        signal: abort.signal,
      })
    } catch (err) {
      throw new NodeApiError('UNREACHABLE', `cannot reach the node at ${this.url} (${(err as Error).message})`, 0)
    }
    if (!res.ok) {
      await res.text().catch(() => '')
      throw new NodeApiError('HTTP_' + res.status, `GET /v1/htlcs/intercept failed with HTTP ${res.status}`, res.status)
    }
    const report = (err: unknown) => options.onError?.(err as Error)
    const answer = async (htlc: InterceptedHtlc) => {
      try {
        const reply = await decide(htlc)
        if (reply) await this.answerIntercepted({ id: htlc.id, ...reply } as InterceptAnswerRequest)
      } catch (err) {
        if (!abort.signal.aborted) report(err)
      }
    }
    const done = (async () => {
      try {
        for await (const m of readSse(res.body)) {
          if (m.event !== 'htlc') continue
          const parsed = InterceptedHtlc.safeParse(JSON.parse(m.data))
          if (parsed.success) void answer(parsed.data)
        }
      } catch (err) {
        if (!abort.signal.aborted) report(err)
      }
    })()
    return {
      done,
      async stop() {
        abort.abort()
        await done
      },
    }
  }

  /** Streams the node's events until the signal aborts; malformed events are skipped, not fatal. */
  async *events(options: { signal?: AbortSignal } = {}): AsyncGenerator<NodeEvent> {
    let res: HttpResponse
    try {
      res = await http(`${this.url}/v1/events`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
        ...(options.signal ? { signal: options.signal } : {}),
      })
    } catch (err) {
      if (options.signal?.aborted) return
      throw new NodeApiError('UNREACHABLE', `cannot reach the node at ${this.url} (${(err as Error).message})`, 0)
    }
    if (!res.ok) {
      await res.text().catch(() => '')
      throw new NodeApiError('HTTP_' + res.status, `GET /v1/events failed with HTTP ${res.status}`, res.status)
    }
    try {
      for await (const m of readSse(res.body)) {
        let parsed: unknown
        try {
          parsed = JSON.parse(m.data)
        } catch {
          continue
        }
        const e = NodeEvent.safeParse(parsed)
        if (e.success) yield e.data
      }
    } catch (err) {
      if (options.signal?.aborted) return
      throw err
    }
  }
}
