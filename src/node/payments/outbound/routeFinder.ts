/**
 * Routes for our payments: pathfinding over the gossip graph, with our own
 * channels as they are right now (live balances, whether the peer is online)
 * and what failed attempts taught mission control.
 */
import { toHex } from '../../../core/bytes.js'
import { NoRouteError } from '../../../routing/errors.js'
import { findRoute } from '../../../routing/pathfinding.js'
import type { EdgeSource, LocalChannel } from '../../../routing/graph.js'
import type { MissionControl } from '../../../routing/missionControl.js'
import type { Route } from '../../../routing/route.js'
import type { PlannedRoute, RouteRequest } from './paymentSender.js'

export interface RouteFinderComponents {
  ourNodeId: Uint8Array
  gossip: { graph(): EdgeSource }
  /** our channels as pathfinding sees them: what each can send now, and whether its peer is there */
  channels: { localChannels(isConnected: (peer: string) => boolean): Array<LocalChannel & { key: string }> }
  peers: { isConnected(peer: string): boolean }
  missionControl: MissionControl
  tip: { readonly height: number }
}

/** A routing Route as the payment code plans it: our first channel, and each hop's amount and expiry. */
export function plannedRoute(route: Route, firstChannel: string): PlannedRoute {
  return {
    firstChannel,
    hops: route.hops.map((h) => ({
      nodeId: toHex(h.nodeId),
      shortChannelId: h.shortChannelId,
      amountMsat: h.amountMsat,
      feeMsat: h.feeMsat,
      cltvExpiry: h.cltvExpiry,
    })),
    totalAmountMsat: route.totalAmountMsat,
    totalFeeMsat: route.totalFeeMsat,
    route,
  }
}

export class RouteFinder {
  constructor(private readonly c: RouteFinderComponents) {}

  /** The best route now; throws NoRouteError (code NO_ROUTE) saying why there is none. */
  routeOrThrow(req: RouteRequest): PlannedRoute {
    const height = this.c.tip.height
    const locals = this.c.channels
      .localChannels((peer) => this.c.peers.isConnected(peer))
      .map((c) => (req.avoidChannels.has(c.key) ? { ...c, active: false } : c))
      .map((c) => {
        const spent = req.localSpentMsat?.get(c.key) ?? 0n
        return spent === 0n ? c : { ...c, spendableMsat: c.spendableMsat > spent ? c.spendableMsat - spent : 0n }
      })
    const route = findRoute(
      this.c.gossip.graph(),
      {
        source: this.c.ourNodeId,
        destination: req.destination,
        amountMsat: req.amountMsat,
        blockHeight: height,
        finalCltvExpiryDelta: req.finalCltvExpiry - height,
        maxFeeMsat: req.maxFeeMsat,
        localChannels: locals,
        ...(req.routeHints ? { routeHints: req.routeHints } : {}),
        ...(req.onlyChannels ? { onlyChannels: req.onlyChannels } : {}),
        nowMs: Date.now(),
      },
      { history: this.c.missionControl },
    )
    const first = locals.find((c) => c.shortChannelId === route.hops[0]!.shortChannelId)
    if (!first) throw new NoRouteError('the route starts on a channel that is not ours')
    return plannedRoute(route, first.key)
  }

  /** The best route now, or undefined when there is none. */
  find(req: RouteRequest): PlannedRoute | undefined {
    try {
      return this.routeOrThrow(req)
    } catch (err) {
      if (err instanceof NoRouteError) return undefined
      throw err
    }
  }
}
