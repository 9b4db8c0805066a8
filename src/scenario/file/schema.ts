/**
 * The parts of a scenario file (nodes, channels, steps, conditions and
 * expectations) as zod schemas; scenarioSchema.ts puts them together.
 *
 * Steps, conditions and expectations are written as an object with one key
 * naming what it is (`- pay: {...}`, `- mine: {...}`), the way CI files name
 * their actions; parsed, they become a tagged union on `kind`.
 */
import { z } from 'zod'
import {
  amount,
  satAmount,
  channelName,
  comparison,
  milliseconds,
  noKeys,
  nodeName,
  stepId,
  strictObject,
  wholeNumber,
} from './values.js'
import { oneOf } from './oneOf.js'
import { TRANSACTION_KINDS } from '../../api/node/transactionKind.js'
import { testingConditionVariants, testingStepVariants } from './testingSteps.js'
import { HtlcPolicySpec } from '../../api/node/htlcPolicySpec.js'
import { jamStep } from './jamStep.js'
import { DEFAULT_CAPACITY_MULTIPLIER, DEFAULT_EXPECTED_PAYMENT_MSAT } from '../activity/randomModel.js'

/** Per channel direction, as BOLT #7's channel_update carries it. */
export const FeePolicy = strictObject({
  baseMsat: amount.optional().describe('fee_base_msat: fixed fee per forwarded HTLC'),
  ppm: wholeNumber(0, 1_000_000).optional().describe('fee_proportional_millionths: fee per million msat forwarded'),
  cltvExpiryDelta: wholeNumber(1, 2016)
    .optional()
    .describe('cltv_expiry_delta: blocks this hop adds to the HTLC timeout'),
  htlcMinimumMsat: amount.optional().describe('the smallest HTLC this hop forwards'),
  htlcMaximumMsat: amount
    .optional()
    .describe("htlc_maximum_msat: the largest HTLC this hop forwards (default and at most: the channel's capacity)"),
})
  .refine((p) => p.htlcMaximumMsat === undefined || p.htlcMaximumMsat > 0n, {
    message: 'htlcMaximumMsat must be at least 1 msat',
    path: ['htlcMaximumMsat'],
  })
  .refine(
    (p) => p.htlcMaximumMsat === undefined || p.htlcMinimumMsat === undefined || p.htlcMinimumMsat <= p.htlcMaximumMsat,
    { message: 'htlcMinimumMsat exceeds htlcMaximumMsat: no HTLC could pass', path: ['htlcMinimumMsat'] },
  )

export const NodeSpec = strictObject({
  name: nodeName.describe('the node alias; also names its process and data directory'),
  fundsSat: satAmount.describe('on-chain funds paid to the node from the chain faucet before channels open'),
  feePolicy: FeePolicy.optional().describe("the node's forwarding fees on all its channels"),
  mppTimeoutSeconds: wholeNumber(1, 86_400)
    .optional()
    .describe('how long the parts of a payment to this node may take to add up before all fail (default 60)'),
  policy: HtlcPolicySpec.optional().describe(
    'which forwards the node takes on: { kind: default } (all the channel accepts, the default) or ' +
      '{ kind: reputation, ... } (lightning/bolts#1280 local resource conservation; see docs/jamming.md)',
  ),
  upgradeAccountability: z
    .boolean()
    .optional()
    .describe(
      "the node's payments carry the onion's upgrade_accountability, so forwarding hops may mark them accountable " +
        '(default false)',
    ),
  maxDustExposureMsat: amount
    .optional()
    .describe(
      'the most value in dust HTLCs on one of its channels (default 50,000 sat, as Core Lightning); ' +
        'an HTLC past it fails with temporary_channel_failure',
    ),
})

export const ChannelSpec = strictObject({
  name: channelName.optional().describe('how steps and expectations refer to it (default: FROM-TO)'),
  from: nodeName.describe('the funder: opens the channel and pays its capacity'),
  to: nodeName,
  capacitySat: satAmount,
  pushMsat: amount.optional().describe('given to the other end at opening'),
  private: z
    .boolean()
    .optional()
    .describe('open it unannounced (BOLT #7): payers reach its `to` end through the route hints of its invoices'),
  feePolicy: FeePolicy.optional().describe("the fees of both ends on this channel (overrides the nodes' policies)"),
  fromFeePolicy: FeePolicy.optional().describe(
    'the fees `from` charges to forward over this channel (overrides feePolicy for that end)',
  ),
  toFeePolicy: FeePolicy.optional().describe(
    'the fees `to` charges to forward over this channel (overrides feePolicy for that end)',
  ),
})

export const ChainSpec = strictObject({
  blockIntervalMs: wholeNumber(10, 3_600_000).optional().describe('mine a block every this many ms'),
  mineOnDemand: z.boolean().optional().describe('mine only when the runner or a `mine` step asks (the default)'),
  confirmations: wholeNumber(1, 100)
    .default(6)
    .describe('blocks mined on a funding transaction before a channel is used (BOLT #7 announces at 6)'),
})

/** How the nodes' gossip paces and ages (`lnsim node start --gossip-…`); left out, the node's defaults. */
export const GossipSpec = strictObject({
  broadcastIntervalMs: wholeNumber(10, 3_600_000)
    .optional()
    .describe(
      'relayed gossip leaves each node once per interval, newest per channel direction (default 200; ' +
        'Core Lightning 60000, LND 90000)',
    ),
  staleChannelSeconds: wholeNumber(1, 315_360_000)
    .optional()
    .describe('a channel one end has not updated for this long is forgotten (default two weeks, BOLT #7)'),
  queries: z
    .boolean()
    .optional()
    .describe('sync new peers by BOLT #7 gossip queries (the default) or, false, by sending the whole graph'),
})

export const CHANNEL_STATES = [
  'WAIT_FOR_FUNDING_CONFIRMED',
  'WAIT_FOR_CHANNEL_READY',
  'NORMAL',
  'SHUTDOWN',
  'NEGOTIATING',
  'CLOSING',
  'CLOSED',
  'OFFLINE',
  'SYNCING',
  'ERR_INFORMATION_LEAK',
] as const

const conditionVariants = {
  channelState: strictObject({
    channel: channelName,
    node: nodeName.optional().describe('whose view of the channel (default: its funder)'),
    state: z.enum(CHANNEL_STATES).optional().describe('the BOLT #2 state name'),
    active: z.boolean().optional().describe('NORMAL and connected: it can carry payments now'),
  }).refine((c) => c.state !== undefined || c.active !== undefined, {
    message: 'say which state (state: NORMAL) or whether it is active (active: true)',
  }),
  channelBalance: strictObject({
    channel: channelName,
    node: nodeName.optional().describe('whose side of the channel (default: its funder)'),
    localMsat: comparison.describe('e.g. ">= 1_000_000"'),
  }),
  balance: strictObject({
    node: nodeName,
    onchainSat: comparison.optional().describe('confirmed on-chain wallet balance'),
    channelsMsat: comparison.optional().describe('sum of the local balances of all its channels'),
  }).refine((b) => b.onchainSat !== undefined || b.channelsMsat !== undefined, {
    message: 'compare onchainSat or channelsMsat (or both)',
  }),
  blockHeight: strictObject({ height: comparison }),
  channelFeerate: strictObject({
    channel: channelName,
    node: nodeName.optional().describe('whose commitment (default: its funder)'),
    satPerKw: comparison.describe('the feerate its commitment pays, e.g. 2500 or ">= 1000"'),
  }),
  pendingHtlcs: strictObject({
    channel: channelName,
    node: nodeName.optional().describe('whose view of the channel (default: its funder)'),
    count: comparison.describe('HTLCs in flight on the channel, either way, e.g. 1 or "== 0"'),
  }),
  conservation: noKeys.describe(
    "every node's on-chain and channel money adds up to what the faucet paid out minus the fees mined, to the msat " +
      '(needs every node running and an empty mempool)',
  ),
  alive: strictObject({ node: nodeName }).describe('the node is running and answers its control API'),
  transactions: strictObject({
    // `type`, not `kind`: a parsed condition's `kind` names the condition
    type: z
      .enum(TRANSACTION_KINDS)
      .describe('what the transactions do, as the nodes that broadcast them label them (docs/scenarios.md)'),
    atLeast: wholeNumber(0, 1_000_000).optional().describe('at least this many were mined (default 1)'),
    count: comparison.optional().describe('how many were mined, e.g. 2 or "<= 3" (instead of atLeast)'),
    waitedBlocks: comparison
      .optional()
      .describe('count only those mined this many blocks after the outputs they spend, e.g. ">= 144"'),
  }).refine((t) => t.atLeast === undefined || t.count === undefined, {
    message: 'give atLeast or count, not both',
  }),
  graph: strictObject({
    node: nodeName.describe('whose gossip graph'),
    channel: channelName,
    known: z.boolean().describe('true: the channel is in the graph; false: it is not (never heard of, or forgotten)'),
    enabled: z
      .boolean()
      .optional()
      .describe(
        "with known: true, true: both ends' newest channel_update are in the graph and enabled (a payment may use it " +
          'either way); false: at least one end has disabled it',
      ),
  })
    .refine((g) => g.enabled === undefined || g.known, {
      message: 'enabled says how a channel in the graph is: it needs known: true',
      path: ['enabled'],
    })
    .describe("the node's gossip graph holds (or does not hold) the channel"),
  ...testingConditionVariants,
}

/** Something about the network that holds now or not: what `wait` waits for, and part of what `expect` checks. */
export const Condition = oneOf('condition', conditionVariants)
export type Condition = z.output<typeof Condition>

const PAYMENT_STATUS = z.enum(['succeeded', 'failed'])
const paymentCheck = {
  status: PAYMENT_STATUS.optional(),
  code: z.string().max(100).optional().describe('the failure code, e.g. NO_ROUTE (implies status: failed)'),
  hops: comparison.optional().describe('number of channels on the route, e.g. 2 or "<= 3"'),
  route: z.array(nodeName).max(30).optional().describe('the nodes the payment went through, sender first'),
  feeMsat: comparison.optional().describe('total routing fee paid'),
  parts: comparison.optional().describe('how many parts (HTLCs) reached the payee, e.g. ">= 2" for a split payment'),
}
export const PaymentCheck = strictObject(paymentCheck)
export type PaymentCheck = z.output<typeof PaymentCheck>

const percent = z.number().min(0).max(100)

/** A verdict the report lists: a condition, or a fact about a payment or traffic step that ran. */
export const Expectation = oneOf('expectation', {
  ...conditionVariants,
  payment: strictObject({ step: stepId.describe('the id of a pay step'), ...paymentCheck }),
  traffic: strictObject({
    step: stepId.describe('the id of a traffic step'),
    successRateAtLeast: percent.describe('percent of payments that succeeded'),
  }),
  paymentLatency: strictObject({
    step: stepId.describe('the id of a pay or traffic step: the median latency of its successful payments'),
    p50Ms: comparison.optional().describe('the median latency in ms, e.g. "< 500"'),
    slowerThan: stepId.optional().describe('another pay or traffic step to compare with'),
    byMs: comparison.optional().describe('how much higher this step\'s median is than slowerThan\'s, e.g. ">= 600"'),
  })
    .refine((l) => l.p50Ms !== undefined || l.byMs !== undefined, { message: 'compare p50Ms, or byMs with slowerThan' })
    .refine((l) => (l.slowerThan === undefined) === (l.byMs === undefined), {
      message: 'slowerThan and byMs go together: how much slower than which step',
    }),
})
export type Expectation = z.output<typeof Expectation>

const nodeRef = strictObject({ node: nodeName })

/** What each traffic model needs, and what it has no use for. */
function checkTrafficModel(
  t: { model: 'uniform' | 'simln' } & Partial<Record<TrafficField, unknown>> & { random?: boolean | undefined },
  ctx: z.RefinementCtx,
): void {
  const has = (k: TrafficField): boolean => t[k] !== undefined
  const refuse = (k: TrafficField, why: string): void => ctx.addIssue({ code: 'custom', path: [k], message: why })
  if (t.model === 'uniform') {
    if (has('pairs') === (t.random === true))
      ctx.addIssue({ code: 'custom', message: 'give either pairs or random: true' })
    if (!has('ratePerSecond')) refuse('ratePerSecond', 'uniform traffic needs ratePerSecond')
    if (!has('amountMsat')) refuse('amountMsat', 'uniform traffic needs amountMsat: { min, max }')
    for (const k of ['nodes', 'expectedPaymentMsat', 'capacityMultiplier'] as const)
      if (has(k)) refuse(k, `${k} belongs to model: simln`)
  } else {
    for (const k of ['pairs', 'ratePerSecond', 'amountMsat'] as const)
      if (has(k)) refuse(k, `model simln draws its own pairs, times and amounts: leave out ${k}`)
  }
}
type TrafficField = 'pairs' | 'nodes' | 'ratePerSecond' | 'amountMsat' | 'expectedPaymentMsat' | 'capacityMultiplier'

export const Step = oneOf('step', {
  pay: strictObject({
    id: stepId.optional().describe('names the payment for expectations, and for settle and cancel steps'),
    from: nodeName,
    to: nodeName.describe('makes the invoice'),
    amountMsat: amount,
    timeoutSeconds: wholeNumber(1, 3600).optional(),
    maxFeeMsat: amount.optional(),
    maxParts: wholeNumber(1, 128)
      .optional()
      .describe('split into at most this many parts when no single route carries the amount (default 16)'),
    mpp: z.boolean().default(true).describe('false: send the payment whole or not at all (one part)'),
    hold: z
      .boolean()
      .default(false)
      .describe(
        'the payee makes a hold invoice: the payment waits for a settle or cancel step naming this id ' +
          '(it runs alongside the steps that follow)',
      ),
    background: z
      .boolean()
      .default(false)
      .describe('pay alongside the steps that follow (a payment the payee holds); the final expectations wait for it'),
    expect: PaymentCheck.optional(),
  })
    .refine((p) => !p.hold || p.id !== undefined, {
      message: 'a held payment needs an id, for the settle or cancel step that names it',
      path: ['id'],
    })
    .refine((p) => p.mpp || p.maxParts === undefined || p.maxParts === 1, {
      message: 'mpp: false sends one part; drop maxParts',
      path: ['maxParts'],
    }),
  keysend: strictObject({
    id: stepId.optional().describe('names the payment for expectations'),
    from: nodeName,
    to: nodeName.describe('the payee: no invoice, the preimage travels in the onion'),
    amountMsat: amount,
    timeoutSeconds: wholeNumber(1, 3600).optional(),
    maxFeeMsat: amount.optional(),
    background: z.boolean().default(false).describe('pay alongside the steps that follow'),
    expect: PaymentCheck.optional(),
  }),
  settle: strictObject({
    payment: stepId.describe('the id of an earlier pay step with hold: true'),
    timeoutMs: milliseconds
      .default(30_000)
      .describe('how long to wait for every part of the payment to reach the payee first'),
  }).describe("the payee settles a held payment with its invoice's preimage"),
  cancel: strictObject({
    payment: stepId.describe('the id of an earlier pay step with hold: true'),
  }).describe('the payee cancels a hold invoice: its payment fails back, and no later one is taken'),
  open: strictObject({
    name: channelName.optional(),
    from: nodeName,
    to: nodeName,
    capacitySat: amount,
    pushMsat: amount.optional(),
    private: z
      .boolean()
      .optional()
      .describe('open it unannounced (BOLT #7): payers reach its `to` end through the route hints of its invoices'),
    wait: z.boolean().default(true).describe('mine the confirmations and wait until the channel is active'),
  }),
  close: strictObject({
    channel: channelName,
    force: z.boolean().default(false).describe('broadcast the latest commitment instead of negotiating'),
    node: nodeName.optional().describe('which end closes (default: the funder)'),
    wait: z
      .boolean()
      .default(true)
      .describe('wait until the closing transaction is broadcast (state CLOSING); mine to confirm it'),
  }),
  mine: strictObject({ blocks: wholeNumber(1, 1000) }),
  feerate: strictObject({
    satPerKw: wholeNumber(253, 1_000_000).describe('sat per 1000 weight units; 253 is 1 sat/vbyte'),
  }).describe("set the chain's fee-rate estimate: funders follow it with update_fee"),
  wait: strictObject({
    until: Condition,
    timeoutMs: milliseconds.default(30_000),
    mineMempool: z
      .boolean()
      .default(false)
      .describe('meanwhile mine a block whenever a transaction waits in the mempool (claims, sweeps, penalties)'),
  }),
  stop: nodeRef.describe('SIGTERM: the node shuts down cleanly'),
  restart: nodeRef.describe('start a stopped or killed node again on its data directory and reconnect its peers'),
  kill: nodeRef.describe('SIGKILL: the node dies mid-work'),
  sleep: strictObject({ ms: milliseconds }),
  traffic: strictObject({
    id: stepId.optional(),
    model: z
      .enum(['uniform', 'simln'])
      .default('uniform')
      .describe(
        'uniform: a steady rate, amounts evenly in a range; simln: SimLN random activity (pairs weighted by ' +
          'capacity, Poisson arrivals, log-normal amounts around expectedPaymentMsat)',
      ),
    pairs: z
      .array(z.tuple([nodeName, nodeName]))
      .min(1)
      .optional()
      .describe('[from, to] pairs to pay between'),
    random: z.boolean().optional().describe('pay between random pairs of distinct nodes'),
    keysend: z.boolean().default(false).describe('pay with keysend: no invoice round trip, as SimLN does'),
    nodes: z.array(nodeName).min(2).max(500).optional().describe('model simln: who sends and receives (default: all)'),
    ratePerSecond: z.number().positive().max(1000).optional().describe('model uniform: payments per second'),
    durationMs: milliseconds,
    amountMsat: strictObject({ min: amount, max: amount }).optional().describe('model uniform: the amount range'),
    expectedPaymentMsat: amount
      .optional()
      .describe(`model simln: the mean payment amount (default ${DEFAULT_EXPECTED_PAYMENT_MSAT}, SimLN's)`),
    capacityMultiplier: z
      .number()
      .positive()
      .max(1e12)
      .optional()
      .describe(
        `model simln: how many times over each node sends its capacity in a 30-day month ` +
          `(default ${DEFAULT_CAPACITY_MULTIPLIER}, SimLN's; a run of seconds needs thousands)`,
      ),
    timeoutSeconds: wholeNumber(1, 3600).optional(),
    background: z
      .boolean()
      .default(false)
      .describe('run alongside the steps that follow; the final expectations wait for it'),
    expect: strictObject({ successRateAtLeast: percent }).optional(),
  }).superRefine(checkTrafficModel),
  jam: jamStep,
  ...testingStepVariants,
})
export type Step = z.output<typeof Step>

export type NodeSpec = z.output<typeof NodeSpec>
export type ChainSpec = z.output<typeof ChainSpec>
export type GossipSpec = z.output<typeof GossipSpec>
export type FeePolicy = z.output<typeof FeePolicy>
export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>

export function defaultChannelName(from: string, to: string): string {
  return `${from}-${to}`
}

/**
 * What it costs a node to fund one channel on chain, above the capacity: kept apart so each opening has its own coin.
 */
export const FUNDING_FEE_RESERVE_SAT = 5_000n
