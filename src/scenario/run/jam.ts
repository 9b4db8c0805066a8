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
  let held = 0
  const started = Date.now()
  const gap = 1000 / step.ratePerSecond
  const limit = step.maxHtlcs ?? Infinity
  const cancels: Promise<void>[] = []

  const cancel = async (s: Sent): Promise<void> => {
    // an HTLC still on its way would find the invoice cancelled and fail back anyway; one that arrived counts as held
    const deadline = Date.now() + ACCEPT_WAIT_MS
    let status = (await colluder.client.invoice(s.invoice.paymentHash)).status
    while (status === 'open' && Date.now() < deadline) {
      await sleep(50, signal)
      status = (await colluder.client.invoice(s.invoice.paymentHash)).status
    }
    if (status === 'accepted') held++
    await colluder.client.cancelInvoice(s.invoice.paymentHash).catch(() => {})
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
    if (step.mode === 'fast') await colluder.client.cancelInvoice(invoice.paymentHash)
    const outcome = attacker.client
      .pay({ invoice: invoice.invoice, timeoutSeconds, maxParts: 1, channels: path }, { signal })
      .then(
        (p: PaymentInfo) => ({ code: p.status === 'succeeded' ? null : (p.failure?.code ?? p.status.toUpperCase()) }),
        (err: unknown) => ({ code: err instanceof NodeApiError ? err.code : `ERROR: ${errorMessage(err)}` }),
      )
    const s: Sent = { invoice, sentAt: Date.now(), outcome }
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
    if (code === null) continue
    // a held HTLC fails back when its invoice is cancelled: that is the attack, not a failure of it
    failures[code] = (failures[code] ?? 0) + 1
  }
  if (step.mode === 'slow') {
    const back = failures.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS ?? 0
    const fromHeld = Math.min(back, held)
    if (back - fromHeld > 0) failures.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS = back - fromHeld
    else delete failures.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS
  }
  const result: JamResult = {
    id: step.id ?? null,
    attacker: step.attacker,
    colluder: plan.colluder,
    mode: step.mode,
    targets: plan.paths.map((p) => p.target),
    sent: sent.length,
    held,
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
