/**
 * The live terminal view of a network: bring-up progress, then every payment
 * as it finishes with its route hop by hop (per-hop fee and time), steps,
 * channel state changes and blocks, above a two-line status footer with the
 * running tally. On a terminal the footer is redrawn in place; in CI or a pipe
 * the same lines are printed plainly, and progress only now and then.
 *
 * It takes what a scenario run reports (progress, steps, payment outcomes,
 * verdicts) and any node's or the chain's events, so `lnsim run` and
 * `lnsim watch` share it: a run prints payments from the runner's outcomes,
 * a watcher from the senders' payment events.
 */
import type { NodeEvent } from '../api/node/events.js'
import { formatMs, formatMsatAsSat, table } from './format.js'
import { PaymentTrails } from './paymentTrail.js'

export interface ProgressInput {
  phase: string
  done: number
  total: number
  wave?: { index: number; count: number }
}

export interface StepInput {
  index: number
  total: number
  label: string
  status: 'started' | 'done' | 'failed'
  detail?: string
  durationMs?: number
}

export interface VerdictInput {
  name: string
  ok: boolean
  detail: string
}

export interface PaymentInput {
  from: string
  to: string
  amountMsat: bigint
  status: 'succeeded' | 'failed'
  code: string | null
  message: string | null
  feeMsat: bigint
  /** node names, sender first */
  route: string[]
  /** a split payment's parts, each on its route (node names, sender first) */
  parts?: Array<{ route: string[]; amountMsat: bigint; feeMsat: bigint }>
  attempts: number
  latencyMs: number
  paymentHash: string | null
}

export type ViewEvent =
  | NodeEvent
  | { type: 'chain_block'; height: number; txids: string[]; time: number }
  | { type: 'chain_tx'; txid: string; time: number }

export interface ViewSink {
  write(text: string): unknown
  isTTY?: boolean
  /** the terminal's width: footer lines are cut to it, since a wrapped line would break the redraw */
  columns?: number
}

export interface TerminalViewOptions {
  /** 'run': payments come from the runner's outcomes; 'watch': from the senders' events */
  mode: 'run' | 'watch'
  /** redraw a footer in place (default: when the sink is a terminal) */
  live?: boolean
  /** ANSI colours (default: live and NO_COLOR unset) */
  color?: boolean
}

const PHASES: Record<string, string> = {
  chain: 'chain',
  nodes: 'nodes started',
  funding: 'nodes funded',
  peers: 'peers connected',
  opening: 'channels opened',
  confirming: 'channels ready',
  gossip: 'graphs synced',
}
/** The same phases, shorter, for the one-line footer. */
const PHASES_SHORT: Record<string, string> = {
  chain: 'chain',
  nodes: 'nodes',
  funding: 'funded',
  peers: 'peers',
  opening: 'opened',
  confirming: 'ready',
  gossip: 'gossip',
}
/** Plain output prints a phase's progress at most this often (and when it completes). */
const PLAIN_PROGRESS_EVERY_MS = 2000
/**
 * A payment line (run or watch) waits this long for the hops' events, which travel separately from the payer's answer.
 */
const HOP_EVENTS_GRACE_MS = 150
const SHOWN_STATES = new Set(['NORMAL', 'SHUTDOWN', 'CLOSING', 'CLOSED', 'OFFLINE', 'ERR_INFORMATION_LEAK'])

/** ` (wave 2/3)` while a big network opens its channels in waves */
function waveText(wave: ProgressInput['wave']): string {
  return wave ? ` (wave ${wave.index}/${wave.count})` : ''
}

export class TerminalView {
  private readonly live: boolean
  private readonly color: boolean
  private readonly trails = new PaymentTrails()
  private readonly progress = new Map<
    string,
    { done: number; total: number; printedAt: number; wave?: ProgressInput['wave'] }
  >()
  private readonly latencies: number[] = []
  private readonly seenStates = new Set<string>()
  private sent = 0
  private succeeded = 0
  private feesMsat = 0n
  private height: number | null = null
  private currentStep = ''
  private broughtUp: boolean
  private footerLines = 0
  private renderTimer: NodeJS.Timeout | undefined
  /**
   * lines in the order they happened; a run's payment holds back what follows it until its hops' events had a moment to
   * arrive
   */
  /**
   * lines in the order things happened; a payment is made into its line when printed, so names learned meanwhile are
   * used
   */
  private readonly queue: (
    { lines: string[] } | { payment: () => PaymentInput; ready: boolean; timer?: NodeJS.Timeout }
  )[] = []

  constructor(
    private readonly sink: ViewSink,
    private readonly options: TerminalViewOptions,
  ) {
    this.live = options.live ?? sink.isTTY === true
    this.color = options.color ?? (this.live && !process.env.NO_COLOR)
    this.broughtUp = options.mode === 'watch'
  }

  // ---- inputs ----

  nodes(list: { name: string; nodeId: string }[]): void {
    for (const n of list) this.trails.name(n.nodeId, n.name)
  }

  onProgress(p: ProgressInput): void {
    const now = Date.now()
    const last = this.progress.get(p.phase)
    this.progress.set(p.phase, {
      done: p.done,
      total: p.total,
      printedAt: last?.printedAt ?? 0,
      ...(p.wave ? { wave: p.wave } : {}),
    })
    if (this.live) return this.scheduleRender()
    const complete = p.done === p.total
    if (
      (complete && last?.done !== p.done) ||
      (!complete && p.total >= 10 && now - (last?.printedAt ?? 0) >= PLAIN_PROGRESS_EVERY_MS && p.done > 0)
    ) {
      this.progress.get(p.phase)!.printedAt = now
      this.print(`${PHASES[p.phase] ?? p.phase} ${p.done}/${p.total}${waveText(p.wave)}`)
    }
  }

  onStep(s: StepInput): void {
    const n = s.total > 0 ? `[${s.index + 1}/${s.total}] ` : ''
    if (s.status === 'started') {
      // on a terminal, bring-up showed only in the footer: leave its final state in the scrollback
      if (!this.broughtUp && this.live && this.progress.size > 0) this.print(this.progressLine('up'))
      this.broughtUp = true
      this.currentStep = `${n}${s.label}`
      this.print(this.paint('bold', `${n}${s.label}`))
    } else if (s.status === 'failed') this.print(this.paint('red', `${n}failed: ${s.detail ?? ''}`))
    else this.currentStep = ''
    this.scheduleRender()
  }

  onVerdict(v: VerdictInput): void {
    this.print(
      `  ${v.ok ? this.paint('green', '✓') : this.paint('red', '✗')} expect ${v.name}${v.ok ? '' : `: ${v.detail}`}`,
    )
  }

  onPayment(p: PaymentInput): void {
    if (this.options.mode === 'run') this.enqueue(() => p)
  }

  /**
   * A finished payment is printed a moment later: the hops' own events come on other nodes' streams and may still be on
   * their way.
   */
  private enqueue(payment: () => PaymentInput): void {
    const entry: { payment: () => PaymentInput; ready: boolean; timer?: NodeJS.Timeout } = { payment, ready: false }
    entry.timer = setTimeout(() => {
      entry.ready = true
      this.flush()
    }, HOP_EVENTS_GRACE_MS)
    this.queue.push(entry)
  }

  onLog(line: string): void {
    this.print(this.paint('dim', line))
  }

  onEvent(e: ViewEvent): void {
    if (e.type === 'chain_block') {
      this.height = e.height
      const txs = e.txids.length - 1
      if (this.broughtUp && txs > 0) this.print(this.paint('dim', `block ${e.height}: ${txs} transaction(s)`))
      return this.scheduleRender()
    }
    if (e.type === 'chain_tx') return
    this.trails.onEvent(e)
    if (e.type === 'channel_state' && this.broughtUp && SHOWN_STATES.has(e.to)) {
      const key = `${e.channelId}:${e.to}`
      if (!this.seenStates.has(key)) {
        this.seenStates.add(key)
        this.print(
          this.paint(
            'dim',
            `channel ${e.shortChannelId ?? e.channelId.slice(0, 12)} ${e.alias}–${this.trails.nameOf(e.peer)}: ` +
              `${e.from} → ${e.to}`,
          ),
        )
      }
    }
    if (this.options.mode === 'watch' && (e.type === 'payment_sent' || e.type === 'payment_failed')) {
      this.enqueue(() => {
        const route = e.type === 'payment_sent' ? [e.alias, ...e.route.map((h) => this.trails.nameOf(h.nodeId))] : []
        return {
          from: e.alias,
          to: route[route.length - 1] ?? '?',
          amountMsat: e.amountMsat,
          status: e.type === 'payment_sent' ? 'succeeded' : 'failed',
          code: e.type === 'payment_failed' ? e.code : null,
          message: e.type === 'payment_failed' ? e.message : null,
          feeMsat: e.type === 'payment_sent' ? e.feeMsat : 0n,
          route,
          ...(e.type === 'payment_sent' && e.parts
            ? {
                parts: e.parts.map((part) => ({
                  route: [e.alias, ...part.route.map((h) => this.trails.nameOf(h.nodeId))],
                  amountMsat: part.amountMsat,
                  feeMsat: part.feeMsat,
                })),
              }
            : {}),
          attempts: e.attempts,
          latencyMs: e.latencyMs,
          paymentHash: e.paymentHash,
        }
      })
    }
  }

  /** Flushes payment lines still waiting, removes the footer, and stops redrawing; call before printing the summary. */
  close(): void {
    for (const entry of this.queue) {
      if ('payment' in entry) {
        clearTimeout(entry.timer)
        entry.ready = true
      }
    }
    this.flush()
    clearTimeout(this.renderTimer)
    if (this.live) this.sink.write(this.clearFooter())
    this.footerLines = 0
  }

  // ---- output ----

  /** The lines of one payment: the outcome, then one line per hop. */
  paymentLines(p: PaymentInput): string[] {
    const head =
      `${p.status === 'succeeded' ? this.paint('green', '✓') : this.paint('red', '✗')} ${p.from} ` +
      `→ ${p.to}  ${formatMsatAsSat(p.amountMsat)}`
    if (p.status === 'failed')
      return [
        `${head}  ${this.paint('red', p.code ?? 'FAILED')}${p.message ? `: ${p.message}` : ''} ` +
          `(${p.attempts} attempt(s), ${formatMs(p.latencyMs)})`,
      ]
    if (p.parts && p.parts.length > 1)
      return [
        `${head}  in ${p.parts.length} parts  fee ${formatMsatAsSat(p.feeMsat)}  ` +
          `${formatMs(p.latencyMs)}${p.attempts > p.parts.length ? `  ${p.attempts} attempts` : ''}`,
        ...table(
          p.parts.map((part, i) => [
            `${i + 1}`,
            formatMsatAsSat(part.amountMsat),
            part.route.join(' → '),
            part.feeMsat > 0n ? `fee ${formatMsatAsSat(part.feeMsat)}` : '',
          ]),
          [0, 1],
        ).map((l) => this.paint('dim', `    ${l}`)),
      ]
    const hops = p.paymentHash ? this.trails.hops(p.paymentHash) : []
    const count = hops.length || Math.max(0, p.route.length - 1)
    const lines = [
      `${head}  ${count} hop(s)  fee ${formatMsatAsSat(p.feeMsat)}  ` +
        `${formatMs(p.latencyMs)}${p.attempts > 1 ? `  ${p.attempts} attempts` : ''}`,
    ]
    if (hops.length > 0) {
      const rows = hops.map((h, i) => [
        `${i + 1}`,
        h.name,
        h.shortChannelId,
        h.atMs === null ? '' : `+${formatMs(h.atMs)}`,
        h.feeMsat > 0n ? `fee ${formatMsatAsSat(h.feeMsat)}` : '',
      ])
      lines.push(...table(rows, [0, 3]).map((l) => this.paint('dim', `    ${l}`)))
    }
    return lines
  }

  private countPayment(p: PaymentInput): void {
    this.sent++
    if (p.status === 'succeeded') {
      this.succeeded++
      this.feesMsat += p.feeMsat
      this.latencies.push(p.latencyMs)
    }
  }

  private footer(): string[] {
    const lines: string[] = []
    if (!this.broughtUp && this.progress.size > 0) lines.push(this.progressLine('starting'))
    else if (this.currentStep) lines.push(this.currentStep)
    const sorted = [...this.latencies].sort((a, b) => a - b)
    const p50 = sorted.length ? formatMs(sorted[Math.ceil(sorted.length / 2) - 1]!) : '-'
    lines.push(
      `payments ${this.sent} · ${this.paint('green', `✓ ${this.succeeded}`)} ` +
        `· ${this.paint(this.sent > this.succeeded ? 'red' : 'dim', `✗ ${this.sent - this.succeeded}`)} · p50 ${p50} ` +
        `· fees ${formatMsatAsSat(this.feesMsat)}${this.height !== null ? ` · block ${this.height}` : ''}`,
    )
    return lines
  }

  private progressLine(label: string): string {
    const phases = [...this.progress].map(
      ([phase, p]) => `${PHASES_SHORT[phase] ?? phase} ${p.done}/${p.total}${waveText(p.wave)}`,
    )
    return `${label}: ${phases.join(' · ')}`
  }

  /** The footer, each line cut to the terminal's width (colours are dropped from a line that is cut). */
  private fittedFooter(): string[] {
    const width = Math.max(20, (this.sink.columns ?? 80) - 1)
    return this.footer().map((line) => {
      const plain = line.replace(/\x1b\[[0-9;]*m/g, '')
      return plain.length <= width ? line : `${plain.slice(0, width - 1)}…`
    })
  }

  private clearFooter(): string {
    return this.footerLines > 0 ? `\x1b[${this.footerLines}F\x1b[0J` : ''
  }

  private print(...lines: string[]): void {
    this.queue.push({ lines })
    this.flush()
  }

  /** Writes the queued lines up to the first payment still waiting for its hops' events. */
  private flush(): void {
    const lines: string[] = []
    while (this.queue.length > 0) {
      const entry = this.queue[0]!
      if ('payment' in entry) {
        if (!entry.ready) break
        const payment = entry.payment()
        this.countPayment(payment)
        lines.push(...this.paymentLines(payment))
      } else lines.push(...entry.lines)
      this.queue.shift()
    }
    if (lines.length === 0) return
    if (!this.live) {
      this.sink.write(lines.join('\n') + '\n')
      return
    }
    const footer = this.fittedFooter()
    this.sink.write(this.clearFooter() + lines.join('\n') + '\n' + footer.join('\n') + '\n')
    this.footerLines = footer.length
  }

  private scheduleRender(): void {
    if (!this.live || this.renderTimer) return
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined
      const footer = this.fittedFooter()
      this.sink.write(this.clearFooter() + footer.join('\n') + '\n')
      this.footerLines = footer.length
    }, 80)
  }

  private paint(style: 'green' | 'red' | 'dim' | 'bold', text: string): string {
    if (!this.color) return text
    const code = { green: 32, red: 31, dim: 2, bold: 1 }[style]
    return `\x1b[${code}m${text}\x1b[0m`
  }
}
