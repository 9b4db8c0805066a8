/**
 * What a running network tells whoever watches it (the terminal view, the
 * events file, the report, a dashboard): bring-up progress, every node's and
 * the chain's events on one stream, and each payment the runner made with its
 * outcome. The watchers live in src/observe and the CLI wires them in; this
 * layer only names the shapes.
 */
import type { RunEvent } from '../../api/run/events.js'
import type { Msat } from '../../core/amount.js'

export type { ChainBlockEvent, ChainTxEvent } from '../../api/run/events.js'
/** What the runner hears: the run's event stream (api/run). */
export type NetworkEvent = RunEvent

export type BringUpPhase = 'chain' | 'nodes' | 'funding' | 'peers' | 'opening' | 'confirming' | 'gossip'

export interface BringUpProgress {
  phase: BringUpPhase
  done: number
  total: number
  /** which wave of channels is being connected and opened, when a big network opens them in waves (pace.ts) */
  wave?: { index: number; count: number }
}

export interface PaymentOutcome {
  /** the pay step's id, or the traffic step's id for traffic payments */
  id: string | null
  source: 'pay' | 'traffic' | 'script'
  from: string
  to: string
  amountMsat: Msat
  status: 'succeeded' | 'failed'
  /** the failure code (the node's, or UNREACHABLE/TIMEOUT when the call itself failed) */
  code: string | null
  message: string | null
  feeMsat: Msat
  /** node names, sender first; empty when no route was tried */
  route: string[]
  /** the channels of that route, by scenario name (or short channel id for a channel the scenario did not open) */
  routeChannels?: string[]
  /** every part that reached the payee, each on its route (one unless the payment was split); empty when it failed */
  parts?: Array<{ route: string[]; routeChannels: string[]; amountMsat: Msat; feeMsat: Msat }>
  /** sent by keysend, without an invoice */
  keysend?: boolean
  attempts: number
  latencyMs: number
  paymentHash: string | null
  /** ms since the epoch, when the runner asked for the invoice */
  startedAt: number
  /** ms since the epoch, when the runner had the outcome */
  finishedAt?: number
  /** the order the runner dispatched payments in, from 0 (traffic payments may finish in another order) */
  seq?: number
}

export interface StepNotice {
  /** 0-based */
  index: number
  total: number
  /** the step in words: "pay alice → carol 50,000 sat" */
  label: string
  status: 'started' | 'done' | 'failed'
  detail?: string
  durationMs?: number
}

/** An expectation's result: what was expected, whether it holds, and what was seen. */
export interface Verdict {
  /** what was expected, in words: the JUnit test case's name */
  name: string
  ok: boolean
  /** what was seen */
  detail: string
  /** where the expectation is written, e.g. expect[2] or steps[4].pay.expect */
  source: string
}

export interface NetworkObserver {
  /**
   * the nodes' names and ids, once they have started (and again after a restart), with where their control API
   * is and the data directory holding its token
   */
  nodes?(list: { name: string; nodeId: string; apiUrl?: string; dataDir?: string }[]): void
  /** the chain daemon's URL, once it has started */
  chain?(url: string): void
  progress?(p: BringUpProgress): void
  step?(s: StepNotice): void
  verdict?(v: Verdict): void
  event?(e: NetworkEvent): void
  payment?(p: PaymentOutcome): void
  /** a line about what the runner is doing (a step, a node restarting) */
  log?(line: string): void
}

/** How many HTLCs reached the payee: one for a payment made before parts were recorded, none for a failed one. */
export function partsOf(o: PaymentOutcome): number {
  if (o.status !== 'succeeded') return 0
  return Math.max(1, o.parts?.length ?? 1)
}
