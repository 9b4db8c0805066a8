/** The options of `lnsim node start`, with their defaults in one place. */
import { DEFAULT_NODE_LIMITS, type NodeLimits } from '../api/node/limits.js'
import { DEFAULT_FEE_LIMITS, type ChannelConfig, type FeeLimits } from '../channel/constants.js'
import type { LogLevel } from './logger.js'
import { DEFAULT_GOSSIP_SETTINGS, type GossipSettings } from './gossip/gossipSettings.js'
import { DEFAULT_MPP_TIMEOUT_MS } from './payments/receive/finalHop.js'
import type { ForwardingPolicy } from './payments/switch/forwardingPolicy.js'
import type { HtlcPolicySpec } from '../api/node/htlcPolicySpec.js'
import {
  DEFAULT_INTERCEPT_ACTION,
  DEFAULT_INTERCEPT_TIMEOUT_MS,
  type InterceptDefault,
} from './payments/switch/htlcInterceptors.js'

export interface NodeOptions {
  /** alias, shown in events and gossip */
  name: string
  dataDir: string
  chainUrl: string
  /** libp2p listen multiaddrs; default one loopback TCP port chosen by the OS */
  listen: string[]
  /** control API port; 0 picks a free one */
  apiPort: number
  /** the control API's bind address (api/http/bindAddress.ts); beyond loopback its token still guards it */
  apiHost: string
  /** multiaddrs to announce to peers instead of the listen addresses (a NAT, a cluster Service); [] for those */
  announce: string[]
  /** makes the node key (and so everything derived from it) repeatable */
  seed?: Uint8Array
  /** allows test-only hooks (cheating, fault injection); refused otherwise */
  testing: boolean
  /** fsync the state file every turn, to survive power loss and not only the process dying */
  fsync: boolean
  logLevel: LogLevel
  /** human log lines on stderr as well as the JSON log file */
  logToConsole: boolean
  channelConfig: Partial<ChannelConfig>
  policy: Partial<ForwardingPolicy>
  feeratePerKw: number
  /** limits on fees and dust for every channel (DEFAULT_FEE_LIMITS: dust exposure, update_fee bounds) */
  feeLimits: FeeLimits
  /** what a peer may cost this node (see NodeLimits) */
  limits: NodeLimits
  /** how long the parts of a multi-part payment to us may take to add up before all fail (mpp_timeout) */
  mppTimeoutMs: number
  /** which HTLCs this node takes on as a forwarding hop (node/payments/policy) */
  htlcPolicy: HtlcPolicySpec
  /** how long an intercepted HTLC waits for an answer, and what it gets without one */
  interceptTimeoutMs: number
  interceptDefault: InterceptDefault
  /** our payments let every forwarding hop mark them accountable (the onion's upgrade_accountability) */
  upgradeAccountability: boolean
  /** how gossip paces and ages (broadcast interval, stale window, queries) */
  gossip: GossipSettings
}

export const DEFAULT_POLICY: ForwardingPolicy = {
  feeBaseMsat: 1000n,
  feeProportionalMillionths: 1n,
  cltvExpiryDelta: 40,
  htlcMinimumMsat: 1n,
}

/** BOLT #11's default min_final_cltv_expiry_delta. */
export const MIN_FINAL_CLTV_EXPIRY_DELTA = 18

export const DEFAULT_NODE_OPTIONS: Omit<NodeOptions, 'name' | 'dataDir' | 'chainUrl'> = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  apiPort: 0,
  apiHost: '127.0.0.1',
  announce: [],
  testing: false,
  fsync: false,
  logLevel: 'info',
  logToConsole: false,
  channelConfig: {},
  policy: {},
  feeratePerKw: 253,
  feeLimits: DEFAULT_FEE_LIMITS,
  limits: DEFAULT_NODE_LIMITS,
  mppTimeoutMs: DEFAULT_MPP_TIMEOUT_MS,
  htlcPolicy: { kind: 'default' },
  interceptTimeoutMs: DEFAULT_INTERCEPT_TIMEOUT_MS,
  interceptDefault: DEFAULT_INTERCEPT_ACTION,
  upgradeAccountability: false,
  gossip: DEFAULT_GOSSIP_SETTINGS,
}
