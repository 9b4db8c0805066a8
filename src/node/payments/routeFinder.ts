/**
 * Routes for our payments: pathfinding over the gossip graph, with our own
 * channels as they are right now (live balances, whether the peer is online)
 * and what failed attempts taught mission control.
 */
import { toHex } from '../../core/bytes.js'
import { LnsimError } from '../../core/errors.js'
import { findRoute } from '../../routing/pathfinding.js'
import type { EdgeSource, LocalChannel } from '../../routing/graph.js'
import type { MissionControl } from '../../routing/missionControl.js'
import type { Route } from '../../routing/route.js'
import type { PlannedRoute, RouteRequest } from './paymentSender.js'

export interface RouteFinderDeps {
  ourNodeId: Uint8Array
  graph(): EdgeSource
  localChannels(): Array<LocalChannel & { key: string }>
  missionControl: MissionControl
  blockHeight(): number
}

/** A routing Route as the payment code plans it: our first channel, and each hop's amount and expiry. */
export function plannedRoute(route: Route, firstChannel: string): PlannedRoute {
  return {
    firstChannel,
    hops: route.hops.map((h) => ({ nodeId: toHex(h.nodeId), shortChannelId: h.shortChannelId, amountMsat: h.amountMsat, feeMsat: h.feeMsat, cltvExpiry: h.cltvExpiry })),
    totalAmountMsat: route.totalAmountMsat,
    totalFeeMsat: route.totalFeeMsat,
    route,
  }
}

export function findPaymentRoute(d: RouteFinderDeps, req: RouteRequest): PlannedRoute | undefined {
  const locals = d.localChannels().map((c) => (req.avoidChannels.has(c.key) ? { ...c, active: false } : c))
  let route: Route
  try {
    route = findRoute(
      d.graph(),
      {
        source: d.ourNodeId,
        destination: req.destination,
        amountMsat: req.amountMsat,
        blockHeight: d.blockHeight(),
        finalCltvExpiryDelta: req.finalCltvExpiry - d.blockHeight(),
        maxFeeMsat: req.maxFeeMsat,
        localChannels: locals,
        nowMs: Date.now(),
      },
      { history: d.missionControl },
    )
  } catch (err) {
    if (err instanceof LnsimError && (err.code === 'NO_ROUTE' || err.name === 'NoRouteError')) return undefined
    throw err
  }
  const first = locals.find((c) => c.shortChannelId === route.hops[0]!.shortChannelId)
  if (!first) return undefined
  return plannedRoute(route, first.key)
}
