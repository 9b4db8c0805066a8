/**
 * The node's control API (HTTP + JSON on 127.0.0.1, bearer token): the routes
 * of the contract in src/api, each a thin call into the node's services. It
 * writes its URL and token into the data directory, where the CLI finds them.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fromHex, toHex } from '../../core/bytes.js'
import { writePrivateFile } from '../../core/privateFile.js'
import { formatScid, parseScid } from '../../core/shortChannelId.js'
import { z } from 'zod'
import { amount, nodeIdHex } from '../../api/node/schemas.js'
import { LnsimError } from '../../core/errors.js'
import {
  ChainTroubleRequest,
  FaultsRequest,
  HoldRequest,
  LinksRequest,
  MutateRequest,
  PartitionRequest,
  ReplayRequest,
  SendMessageRequest,
} from '../../api/node/testingTypes.js'
import {
  ChannelPolicyRequest,
  CloseChannelRequest,
  ConnectPeerRequest,
  CreateInvoiceRequest,
  OpenChannelRequest,
  PayRequest,
  KeysendRequest,
  SettleInvoiceRequest,
  type GraphInfo,
  type GraphSummary,
  type GraphPolicy,
  type InvoiceInfo,
  type NodeInfo,
  type PaymentInfo,
  type RouteInfo,
  type WalletBalance,
} from '../../api/node/types.js'
import { API_TOKEN_FILE, API_URL_FILE } from '../../api/node/locate.js'
import { channelInfo } from '../channels/channelViews.js'
import type { NodeComponents } from '../components.js'
import type { InvoiceRecord } from '../payments/receive/invoiceRegistry.js'
import type { PaymentRecord } from '../payments/outbound/paymentRecord.js'
import { apiHop } from '../payments/outbound/paymentSender.js'
import { MIN_FINAL_CLTV_EXPIRY_DELTA } from '../options.js'
import { trace } from '../../core/trace.js'
import { parseRequest } from '../../api/http/requestBody.js'
import { route } from '../../api/http/route.js'
import { startHttpServer, type RunningHttpServer } from '../../api/http/server.js'
import { NODE_ERRORS } from '../errors.js'
import { stopRoute } from './stopRoute.js'
import { walletSendRoute } from './walletSendRoute.js'
import { NodeMetrics } from './nodeMetrics.js'
import { interceptionRoutes } from './interceptionRoutes.js'

declare const LNSIM_VERSION: string | undefined

/** How long a force close's answer waits for the chain to take the commitment (a slow chain gets it later anyway). */
const CLOSE_BROADCAST_WAIT_MS = 10_000

const RouteQuery = z.strictObject({ nodeId: nodeIdHex, amountMsat: amount })

function invoiceInfo(node: NodeComponents, r: InvoiceRecord): InvoiceInfo {
  return {
    invoice: r.bolt11,
    paymentHash: toHex(r.paymentHash),
    amountMsat: r.amountMsat,
    memo: r.memo,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: new Date(r.createdAt + r.expirySeconds * 1000).toISOString(),
    status: node.invoices.isExpired(r) ? 'expired' : r.status,
    hold: r.hold ?? false,
    preimage: r.preimage ? toHex(r.preimage) : null,
    paidMsat: r.paidMsat,
    paidAt: r.paidAt === null ? null : new Date(r.paidAt).toISOString(),
  }
}

export function paymentInfo(p: PaymentRecord): PaymentInfo {
  return {
    paymentHash: p.paymentHash,
    direction: 'sent',
    status: p.status,
    amountMsat: p.amountMsat,
    feeMsat: p.feeMsat,
    destination: p.destination,
    preimage: p.preimage,
    route: p.route.map(apiHop),
    parts: (p.parts ?? []).map((part) => ({
      route: part.route.map(apiHop),
      amountMsat: part.amountMsat,
      feeMsat: part.feeMsat,
    })),
    keysend: p.keysend === true,
    attempts: p.attempts,
    failure: p.failure,
    createdAt: new Date(p.createdAt).toISOString(),
    settledAt: p.settledAt === null ? null : new Date(p.settledAt).toISOString(),
    latencyMs: p.settledAt === null ? null : p.settledAt - p.createdAt,
  }
}

export type ControlApi = RunningHttpServer

/** Statuses of the codes the node's routes raise beyond the server's own; anything else the node refuses is 422. */
/** The node's own codes carry their status (node/errors.ts); a channel's refusals are 422, the default. */
const NODE_ERROR_STATUS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(NODE_ERRORS).map(([code, e]) => [code, e.status]),
)

export interface ControlApiHooks {
  /** POST /v1/stop: stop the node as SIGTERM would */
  requestStop(): void
}

export async function startControlApi(node: NodeComponents, hooks: ControlApiHooks): Promise<ControlApi> {
  const token = toHex(new Uint8Array(randomBytes(32)))
  const channelInfos = () =>
    node.channels
      .list()
      .map(({ key, record }) => channelInfo(key, record.peer, record.data, node.peers.isConnected(record.peer)))
  let apiUrl = ''
  const peerInfo = (nodeId: string) => {
    const p = node.peers.list().find((x) => x.nodeId === nodeId)
    return {
      nodeId,
      address: p?.address ?? null,
      connected: p?.connected ?? false,
      connectedAt: p?.connectedAt ? new Date(p.connectedAt).toISOString() : null,
    }
  }
  const routes = [
    route('GET', '/v1/info', undefined, async (): Promise<NodeInfo> => {
      const channels = channelInfos()
      return {
        nodeId: node.identity.nodeIdHex,
        alias: node.options.name,
        peerId: node.identity.peerId.toString(),
        listenAddresses: node.peers.listenAddresses(),
        apiUrl,
        chain: { url: node.options.chainUrl, chainHash: toHex(node.chainHash), blockHeight: node.watcher.height },
        channels: {
          active: channels.filter((c) => c.active).length,
          pending: channels.filter((c) => c.state.startsWith('WAIT_FOR')).length,
          closing: channels.filter((c) => ['SHUTDOWN', 'NEGOTIATING', 'CLOSING'].includes(c.state)).length,
          inactive: channels.filter((c) => !c.active && ['NORMAL', 'OFFLINE', 'SYNCING'].includes(c.state)).length,
        },
        peers: node.peers.list().filter((p) => p.connected).length,
        version: typeof LNSIM_VERSION === 'string' ? LNSIM_VERSION : 'dev',
        testing: node.options.testing,
      }
    }),
    route('GET', '/v1/peers', undefined, async () => node.peers.list().map((p) => peerInfo(p.nodeId))),
    route('POST', '/v1/peers', ConnectPeerRequest, async ({ body }) =>
      peerInfo(await node.peers.connect(body.address)),
    ),
    route('DELETE', '/v1/peers/:nodeId', undefined, async ({ params }) => {
      await node.peers.disconnect(params.nodeId!, 'disconnect requested')
      return peerInfo(params.nodeId!)
    }),
    route('GET', '/v1/channels', undefined, async () => channelInfos()),
    route('GET', '/v1/channels/:channelId', undefined, async ({ params }) => {
      const record = node.channels.require(params.channelId!)
      return channelInfo(params.channelId!, record.peer, record.data, node.peers.isConnected(record.peer))
    }),
    route('POST', '/v1/channels', OpenChannelRequest, async ({ body }) =>
      node.channels.open(body.nodeId, body.amountSat, body.pushMsat ?? 0n, body.announce ?? true),
    ),
    route('POST', '/v1/channels/:channelId/close', CloseChannelRequest, async ({ params, body }) => {
      const id = params.channelId!
      node.channels.require(id)
      const r = node.channels.command(
        id,
        body.force ? { type: 'force_close', why: 'force close requested by the user' } : { type: 'close' },
      )
      if (r.reply && !r.reply.ok) throw new LnsimError(r.reply.code, r.reply.message)
      node.channels.flush()
      const info = channelInfos().find((c) => c.channelId === id)!
      // as lncli closechannel --force: the answer comes once the commitment is in the chain's mempool
      if (body.force && info.closingTxid) await node.broadcaster.taken(info.closingTxid, CLOSE_BROADCAST_WAIT_MS)
      return { channelId: id, closingTxid: info.closingTxid, state: info.state }
    }),
    route('POST', '/v1/channels/:channelId/policy', ChannelPolicyRequest, async ({ params, body }) => {
      const change = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
      return node.policies.set(params.channelId!, change)
    }),
    route('POST', '/v1/invoices', CreateInvoiceRequest, async ({ body }) => {
      const hold = body.hold ? { ...(body.paymentHash ? { paymentHash: fromHex(body.paymentHash) } : {}) } : false
      const r = node.invoices.create(body.amountMsat ?? null, body.memo ?? '', body.expirySeconds ?? 3600, hold)
      await node.stores.invoices.flush()
      return invoiceInfo(node, r)
    }),
    route('POST', '/v1/invoices/settle', SettleInvoiceRequest, async ({ body }) => {
      const { paymentHash } = node.receive.settle(fromHex(body.preimage))
      await node.durable.flush()
      return invoiceInfo(node, node.invoices.require(paymentHash))
    }),
    route('POST', '/v1/invoices/:paymentHash/cancel', undefined, async ({ params }) => {
      const hash = params.paymentHash!
      node.invoices.require(hash)
      const canceled = node.invoices.cancel(hash)
      node.receive.cancel(hash)
      await node.durable.flush()
      return invoiceInfo(node, canceled)
    }),
    route('GET', '/v1/invoices', undefined, async () => node.invoices.list().map((r) => invoiceInfo(node, r))),
    route('GET', '/v1/invoices/:paymentHash', undefined, async ({ params }) =>
      invoiceInfo(node, node.invoices.require(params.paymentHash!)),
    ),
    route('POST', '/v1/payments', PayRequest, async ({ body }) => {
      const r = await node.outbound.pay(body.invoice, {
        timeoutMs: (body.timeoutSeconds ?? 60) * 1000,
        ...(body.amountMsat !== undefined ? { amountMsat: body.amountMsat } : {}),
        ...(body.maxFeeMsat !== undefined ? { maxFeeMsat: body.maxFeeMsat } : {}),
        ...(body.maxParts !== undefined ? { maxParts: body.maxParts } : {}),
        ...(body.channels !== undefined ? { onlyChannels: new Set(body.channels.map(parseScid)) } : {}),
      })
      return paymentInfo(r)
    }),
    route('POST', '/v1/keysend', KeysendRequest, async ({ body }) => {
      const r = await node.outbound.keysend(body.nodeId, body.amountMsat, {
        timeoutMs: (body.timeoutSeconds ?? 60) * 1000,
        ...(body.maxFeeMsat !== undefined ? { maxFeeMsat: body.maxFeeMsat } : {}),
      })
      return paymentInfo(r)
    }),
    route('GET', '/v1/payments', undefined, async () =>
      [...node.stores.payments.entries()].map(([, p]) => paymentInfo(p)),
    ),
    route('POST', '/v1/wallet/address', undefined, async () => {
      const { address } = node.wallet.newAddress('deposit')
      await node.stores.wallet.flush()
      return { address }
    }),
    route('GET', '/v1/wallet/balance', undefined, async (): Promise<WalletBalance> => {
      const coins = await node.wallet.coins()
      const channels = channelInfos()
      const claims = node.broadcaster
        .list()
        .filter((b) => b.label !== 'funding' && b.label !== 'mutual close' && b.label !== 'commitment')
      return {
        confirmedSat: coins.filter((c) => c.confirmations > 0).reduce((s, c) => s + c.valueSat, 0n),
        unconfirmedSat: coins.filter((c) => c.confirmations === 0).reduce((s, c) => s + c.valueSat, 0n),
        pendingClaimsSat: claims.reduce((s, b) => s + b.tx.outputs.reduce((t, o) => t + o.value, 0n), 0n),
        channelLocalMsat: channels.filter((c) => c.state !== 'CLOSED').reduce((s, c) => s + c.localBalanceMsat, 0n),
        outputs: coins.map((c) => ({
          txid: c.txid,
          vout: c.vout,
          valueSat: c.valueSat,
          label: c.label,
          confirmations: c.confirmations,
          spendableFromHeight: null,
        })),
        pendingClaims: claims.map((b) => ({
          channelId: b.channel,
          kind: b.label,
          txid: b.txid,
          amountSat: b.tx.outputs.reduce((t, o) => t + o.value, 0n),
          spendableFromHeight: b.validFromHeight,
        })),
      }
    }),
    walletSendRoute(node),
    stopRoute(hooks.requestStop),
    ...interceptionRoutes(node),
    route('GET', '/v1/graph/summary', undefined, async (): Promise<GraphSummary> => {
      const channels = [...node.gossip.store.channels()]
      return {
        nodes: node.gossip.graph().nodeCount,
        channels: channels.length,
        complete: channels.flatMap((c) =>
          c.updates[0] && c.updates[1] ? [formatScid(c.announcement.message.shortChannelId)] : [],
        ),
      }
    }),
    route('GET', '/v1/graph', undefined, async (): Promise<GraphInfo> => {
      const store = node.gossip.store
      return {
        nodes: [...node.gossip.graph().nodes()].map((n) => ({
          nodeId: n.nodeId,
          alias: n.alias ?? null,
          addresses: n.addresses,
        })),
        channels: [...store.channels()].map((c) => {
          const a = c.announcement.message
          const policy = (u: (typeof c.updates)[0]): GraphPolicy | null =>
            u
              ? {
                  feeBaseMsat: BigInt(u.message.feeBaseMsat),
                  feeProportionalMillionths: BigInt(u.message.feeProportionalMillionths),
                  cltvExpiryDelta: u.message.cltvExpiryDelta,
                  htlcMinimumMsat: u.message.htlcMinimumMsat,
                  htlcMaximumMsat: u.message.htlcMaximumMsat,
                  disabled: (u.message.channelFlags & 2) !== 0,
                }
              : null
          return {
            shortChannelId: formatScid(a.shortChannelId),
            node1: toHex(a.nodeId1),
            node2: toHex(a.nodeId2),
            capacitySat: c.capacitySat,
            policies: [policy(c.updates[0]), policy(c.updates[1])] as [GraphPolicy | null, GraphPolicy | null],
          }
        }),
      }
    }),
    route('GET', '/v1/route', undefined, async ({ query }): Promise<RouteInfo> => {
      const q = parseRequest(RouteQuery, Object.fromEntries(query), 'query')
      const r = node.routes.routeOrThrow({
        destination: fromHex(q.nodeId),
        amountMsat: q.amountMsat,
        finalCltvExpiry: node.watcher.height + MIN_FINAL_CLTV_EXPIRY_DELTA + 3,
        maxFeeMsat: q.amountMsat,
        avoidChannels: new Set(),
      })
      return {
        destination: q.nodeId,
        amountMsat: q.amountMsat,
        totalAmountMsat: r.totalAmountMsat,
        totalFeeMsat: r.totalFeeMsat,
        totalCltvExpiry: r.hops[0]!.cltvExpiry,
        hops: r.hops.map(apiHop),
      }
    }),
    route('POST', '/v1/dev/faults', FaultsRequest, async ({ body }) => {
      const f = node.testing.faults('fault injection')
      f.setMessageFaults(body.faults)
      return f.describe()
    }),
    route('POST', '/v1/dev/links', LinksRequest, async ({ body }) => {
      const f = node.testing.faults('link latency and loss')
      f.setLinks(body.links, body.seed)
      return f.describe()
    }),
    route('POST', '/v1/dev/partition', PartitionRequest, async ({ body }) => {
      const f = node.testing.faults('partitions')
      node.peers.partition(body.peers)
      return f.describe()
    }),
    route('POST', '/v1/dev/heal', undefined, async () => {
      const f = node.testing.faults('healing a partition')
      node.peers.heal()
      return f.describe()
    }),
    route('GET', '/v1/dev/faults', undefined, async () => node.testing.faults('fault injection').describe()),
    route('POST', '/v1/dev/mutate', MutateRequest, async ({ body }) => {
      const pending = node.testing.mutate(body.peer, body.messageType, body.nth, body.set)
      return { mutations: pending.map(({ set: _set, ...m }) => m) }
    }),
    route('POST', '/v1/dev/replay', ReplayRequest, async ({ body }) => {
      node.testing.replay(body.peer, body.messageType, body.nth)
      return { ok: true as const }
    }),
    route('POST', '/v1/dev/send', SendMessageRequest, async ({ body }) => {
      node.testing.send(body.peer, body.messageType, body.fields)
      return { ok: true as const }
    }),
    route('POST', '/v1/dev/chain/stall', ChainTroubleRequest, async ({ body }) =>
      node.testing.stallChain(body.durationMs),
    ),
    route('POST', '/v1/dev/chain/refuse', ChainTroubleRequest, async ({ body }) =>
      node.testing.refuseBroadcasts(body.durationMs),
    ),
    route('GET', '/v1/dev/sent', undefined, async () => ({ sent: node.testing.sentCounts() })),
    route('POST', '/v1/dev/hold', HoldRequest, async ({ body }) => node.testing.holdPayments(body.hold)),
    route('POST', '/v1/dev/channels/:channelId/cheat', undefined, async ({ params }) =>
      node.testing.cheat(params.channelId!),
    ),
  ]
  const metrics = new NodeMetrics({
    channels: channelInfos,
    connectedPeers: () => node.peers.list().filter((p) => p.connected).length,
    graph: () => {
      const g = node.gossip.graph()
      return { nodes: g.nodeCount, channels: g.edgeCount }
    },
    blockHeight: () => node.watcher.height,
    gossip: () => ({ received: node.gossip.counters.receivedCounts(), sent: node.gossip.counters.sentCounts() }),
  })
  const stopCounting = node.bus.subscribe((e) => metrics.onEvent(e))
  const server = await startHttpServer({
    name: 'the node',
    metrics: () => metrics.families(),
    port: node.options.apiPort,
    host: node.options.apiHost,
    token,
    routes,
    streams: [
      {
        path: '/v1/events',
        open: (send) => node.bus.subscribe((e) => send(e.type, e)),
      },
      {
        path: '/v1/htlcs/intercept',
        open: (send) => node.switch.subscribeInterceptor((htlc) => send('htlc', htlc)),
        preamble: ': intercepting\n\n',
      },
    ],
    errorStatus: NODE_ERROR_STATUS,
    notFoundHint: 'the routes are under /v1 (e.g. GET /v1/info)',
    trace,
    onInternalError: (err) =>
      node.log.error('control API handler failed', { error: (err as Error).stack ?? String(err) }),
    onSubscriberDropped: (path, unsentBytes) =>
      node.log.warn('dropped an event subscriber that stopped reading; it can reconnect', { path, unsentBytes }),
  })
  apiUrl = server.url
  await writePrivateFile(join(node.options.dataDir, API_URL_FILE), server.url + '\n')
  await writePrivateFile(join(node.options.dataDir, API_TOKEN_FILE), token + '\n')
  return {
    ...server,
    close: async () => {
      stopCounting()
      await server.close()
    },
  }
}
