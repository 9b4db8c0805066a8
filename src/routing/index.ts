/**
 * Routing: BOLT #7 gossip (creating, checking and storing announcements and
 * updates), the channel graph, pathfinding, and what failed payments teach.
 * Pure and socket-free: the node feeds messages in, passes the time and the
 * chain lookup, and sends what comes out. The onion (BOLT #4) is ./onion.
 *
 * @example
 * ```ts
 * const store = new GossipStore({ chainHash, lookupFundingOutput })
 * const verdict = await store.accept(message, Date.now(), frame)   // 'new' → relay verdict.relay to the other peers
 * const mc = new MissionControl({ updates: store })
 * const route = findRoute(ChannelGraph.fromStore(store), { source: ourId, destination, amountMsat, blockHeight,
 * finalCltvExpiryDelta: 18, localChannels }, { history: mc })
 * // after a failed attempt attributed to route.hops[i]
 * mc.recordFailure(route, i, failure, Date.now())
 * ```
 */
export { GossipError, NoRouteError, type GossipErrorCode } from './errors.js'
export {
  createAnnouncementSignatures,
  createChannelAnnouncement,
  checkChannelAnnouncement,
  verifyChannelAnnouncement,
  type ChannelAnnouncementContext,
  type FundingOutputLookup,
} from './gossip/channelAnnouncement.js'
export {
  createChannelUpdate,
  verifyChannelUpdate,
  directionOf,
  updateDirection,
  isDisabled,
  policyOf,
  nextGossipTimestamp,
  MAX_FUTURE_TIMESTAMP_SECONDS,
  type ChannelUpdateInput,
  type AnnouncedPolicy,
  type AnnouncedChannel,
  type Direction,
} from './gossip/channelUpdate.js'
export {
  createNodeAnnouncement,
  verifyNodeAnnouncement,
  aliasText,
  colorText,
  type NodeAnnouncementInput,
} from './gossip/nodeAnnouncement.js'
export {
  GossipStore,
  type GossipStoreOptions,
  type GossipVerdict,
  type StoredGossip,
  type StoredChannel,
  type SignedGossip,
} from './gossip/store.js'
export { snapshotGossipStore, restoreGossipStore, type GossipStoreSnapshot } from './gossip/storeSnapshot.js'
export {
  ChannelGraph,
  GraphOverlay,
  type GraphEdge,
  type GraphNode,
  type EdgeSource,
  type LocalChannel,
  type NodeKey,
} from './graph.js'
export { findRoute, type RouteRequest, type PathfindingOptions, type SuccessProbabilities } from './pathfinding.js'
export { forwardingFee, hopPayloads, routeToString, type Route, type RouteHop } from './route.js'
export {
  MissionControl,
  type MissionControlOptions,
  type ReportedFailure,
  type FailureLesson,
} from './missionControl.js'
export type { ForwardingPolicy } from './forwardingPolicy.js'
