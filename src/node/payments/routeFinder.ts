/**
 * Routes for our payments: pathfinding over the gossip graph, with our own
 * channels as they are right now (live balances, whether the peer is online)
 * and what failed attempts taught mission control.
 */
import { toHex } from '../../core/bytes.js'
import { NoRouteError } from '../../routing/errors.js'
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

/** The best route now; throws NoRouteError (code NO_ROUTE) saying why there is none. */
export function paymentRouteOrThrow(d: RouteFinderDeps, req: RouteRequest): PlannedRoute {
  const locals = d.localChannels().map((c) => (req.avoidChannels.has(c.key) ? { ...c, active: false } : c))
  const route = findRoute(
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
  const first = locals.find((c) => c.shortChannelId === route.hops[0]!.shortChannelId)
  if (!first) throw new NoRouteError('the route starts on a channel that is not ours')
  return plannedRoute(route, first.key)
}

export function findPaymentRoute(d: RouteFinderDeps, req: RouteRequest): PlannedRoute | undefined {
  try {
    return paymentRouteOrThrow(d, req)
  } catch (err) {
    if (err instanceof NoRouteError) return undefined
    throw err
  }
}
