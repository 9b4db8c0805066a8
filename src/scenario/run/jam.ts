/**
 * Running a jam step: the attacker pays the colluder's invoices over paths
 * forced across the target channel(s), at a set rate. Slow: each invoice is a
 * hold invoice the colluder keeps accepted (the HTLC locked on every hop) until
 * the step's end or its holdMs, then cancels, so the HTLC fails back. Fast: the
 * colluder cancels each invoice before it is paid, so the HTLC reaches a
 * payment it does not know and fails back at once
 * (incorrect_or_unknown_payment_details), as a payment to an unknown hash does.
 * Every HTLC has resolved when the step's result is returned.
 */
import type { InvoiceInfo, PaymentInfo } from '../../api/node/types.js'
import { NodeApiError } from '../../api/node/client.js'
import { errorMessage } from '../../core/errors.js'
import { StepError } from '../errors.js'
import type { JamStep } from '../file/jamStep.js'
import type { Network } from '../network/network.js'
import { sleep } from '../network/pool.js'
import { planJam } from '../file/jamPaths.js'
import type { JamResult } from '../report/jamResult.js'

export type { JamResult }

/** Beyond its hold, what a jam HTLC's payment call may take (its paths are short, the network local). */
const JAM_PAYMENT_SLACK_MS = 60_000
/** How long a slow jam waits, at its end, for an HTLC just sent to reach the colluder before cancelling it. */
const ACCEPT_WAIT_MS = 2_000

interface Sent {
  invoice: InvoiceInfo
  sentAt: number
  outcome: Promise<{ code: string | null }>
  /** the attacker's payment call has returned */
  resolved: boolean
}

export async function runJam(net: Network, step: JamStep, signal: AbortSignal): Promise<JamResult> {
  const plan = planJam(net.channels, step)
  const scids = plan.paths.map((p) =>
    p.channels.map((name) => {
      const scid = net.channel(name).shortChannelId
      if (!scid) throw new StepError(`channel ${name} has no short channel id yet: is its funding confirmed?`)
      return scid
    }),
  )
  const attacker = net.node(step.attacker)
  const colluder = net.node(plan.colluder)
  const holdMs = step.mode === 'slow' ? (step.holdMs ?? step.durationMs) : 0
  const timeoutSeconds = Math.min(3600, Math.ceil((step.durationMs + holdMs + JAM_PAYMENT_SLACK_MS) / 1000))
  const label = step.id ?? `jam by ${step.attacker}`
  net.log(
    `${label}: ${step.mode} jamming of ${plan.paths.map((p) => p.target).join(', ')}, ` +
      `${step.attacker} → ${plan.colluder} via ${plan.paths.map((p) => p.channels.join(' → ')).join(' | ')}`,
  )

  const sent: Sent[] = []
  const failures: Record<string, number> = {}
  const started = Date.now()
  const gap = 1000 / step.ratePerSecond
  const limit = step.maxHtlcs ?? Infinity
  const cancels: Promise<void>[] = []
  /**
   * the jam's payment hashes the colluder held: its HTLC reached the colluder's hold invoice (seen in its events, or
   * the invoice accepted), however it ended (cancelled by us, or failed back by the colluder's node near expiry)
   */
  const ours = new Set<string>()
  const held = new Set<string>()
  const stopWatching = net.onEvent((e) => {
    if (e.type === 'htlc_added' && e.direction === 'incoming' && e.alias === plan.colluder && ours.has(e.paymentHash))
      held.add(e.paymentHash)
  })

  try {
    const cancel = async (s: Sent): Promise<void> => {
      // an HTLC still on its way would find the invoice cancelled and fail back anyway: give it a moment to arrive
      const hash = s.invoice.paymentHash
      const deadline = Date.now() + ACCEPT_WAIT_MS
      for (;;) {
        if (held.has(hash)) break
        if ((await colluder.client.invoice(hash)).status === 'accepted') {
          held.add(hash)
          break
        }
        if (Date.now() >= deadline || s.resolved) break
        await sleep(50, signal)
      }
      await colluder.client.cancelInvoice(hash).catch(() => {})
    }

    for (let i = 0; i < limit; i++) {
      const at = started + i * gap
      if (at - started > step.durationMs) break
      if (at > Date.now()) await sleep(at - Date.now(), signal)
      signal.throwIfAborted()
      const path = scids[i % scids.length]!
      const invoice = await colluder.client.createInvoice({
        amountMsat: step.amountMsat,
        memo: `${label} #${i + 1}`,
        expirySeconds: 3600,
        hold: true,
      })
      ours.add(invoice.paymentHash)
      if (step.mode === 'fast') await colluder.client.cancelInvoice(invoice.paymentHash)
      const outcome = attacker.client
        .pay({ invoice: invoice.invoice, timeoutSeconds, maxParts: 1, channels: path }, { signal })
        .then(
          (p: PaymentInfo) => ({ code: p.status === 'succeeded' ? null : (p.failure?.code ?? p.status.toUpperCase()) }),
          (err: unknown) => ({ code: err instanceof NodeApiError ? err.code : `ERROR: ${errorMessage(err)}` }),
        )
      const s: Sent = { invoice, sentAt: Date.now(), outcome, resolved: false }
      void outcome.then(() => (s.resolved = true))
      sent.push(s)
      if (step.mode === 'slow' && step.holdMs !== undefined)
        cancels.push(sleep(Math.max(0, s.sentAt + step.holdMs - Date.now()), signal).then(() => cancel(s)))
    }
    if (step.mode === 'slow') {
      if (step.holdMs === undefined) {
        const end = started + step.durationMs
        if (end > Date.now()) await sleep(end - Date.now(), signal)
        for (const s of sent) cancels.push(cancel(s))
      }
      await Promise.all(cancels)
    }
    for (const s of sent) {
      const { code } = await s.outcome
      // a held HTLC fails back when its hold ends: that is the attack, not a failure of it
      if (code === null || (step.mode === 'slow' && held.has(s.invoice.paymentHash))) continue
      failures[code] = (failures[code] ?? 0) + 1
    }
  } finally {
    stopWatching()
  }
  const result: JamResult = {
    id: step.id ?? null,
    attacker: step.attacker,
    colluder: plan.colluder,
    mode: step.mode,
    targets: plan.paths.map((p) => p.target),
    sent: sent.length,
    held: step.mode === 'slow' ? sent.filter((x) => held.has(x.invoice.paymentHash)).length : 0,
    failures,
    durationMs: Date.now() - started,
  }
  net.log(
    `${label}: ${result.sent} HTLC(s) sent, ${result.held} held` +
      (Object.keys(failures).length
        ? `, failed: ${Object.entries(failures)
            .map(([c, n]) => `${c} ×${n}`)
            .join(', ')}`
        : ''),
  )
  return result
}
