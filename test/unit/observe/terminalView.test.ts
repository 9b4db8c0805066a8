import { describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../../src/api/node/events.js'
import { TerminalView, type PaymentInput } from '../../../src/observe/terminalView.js'

const id = (n: number): string => '02' + n.toString(16).padStart(2, '0').repeat(32)
const HASH = 'ab'.repeat(32)
const CH = 'cc'.repeat(32)
const [ALICE, BOB, CAROL] = [id(1), id(2), id(3)]

function sink(
  isTTY = false,
  columns = 200,
): { write(t: string): void; isTTY: boolean; columns: number; text: () => string } {
  let out = ''
  return { write: (t: string) => void (out += t), isTTY, columns, text: () => out }
}

const route = [
  { nodeId: BOB, shortChannelId: '2x1x0', amountMsat: 50_001_050n, feeMsat: 1_050n, cltvExpiry: 160 },
  { nodeId: CAROL, shortChannelId: '2x2x0', amountMsat: 50_000_000n, feeMsat: 0n, cltvExpiry: 120 },
]

/** What the three nodes tell as a payment travels alice → bob → carol, starting at t = 1000. */
const travel: NodeEvent[] = [
  { type: 'payment_attempt', node: ALICE, alias: 'alice', time: 1000, paymentHash: HASH, route, attempt: 1 },
  {
    type: 'htlc_added',
    node: BOB,
    alias: 'bob',
    time: 1012,
    channelId: CH,
    direction: 'incoming',
    htlcId: 0n,
    amountMsat: 50_001_050n,
    paymentHash: HASH,
    cltvExpiry: 160,
  },
  {
    type: 'htlc_added',
    node: CAROL,
    alias: 'carol',
    time: 1030,
    channelId: CH,
    direction: 'incoming',
    htlcId: 0n,
    amountMsat: 50_000_000n,
    paymentHash: HASH,
    cltvExpiry: 120,
  },
  {
    type: 'htlc_forwarded',
    node: BOB,
    alias: 'bob',
    time: 1060,
    paymentHash: HASH,
    incomingChannel: CH,
    outgoingChannel: CH,
    incomingMsat: 50_001_050n,
    outgoingMsat: 50_000_000n,
    feeMsat: 1_050n,
    status: 'settled',
    durationMs: 48,
  },
]

const outcome: PaymentInput = {
  from: 'alice',
  to: 'carol',
  amountMsat: 50_000_000n,
  status: 'succeeded',
  code: null,
  message: null,
  feeMsat: 1_050n,
  route: ['alice', 'bob', 'carol'],
  attempts: 1,
  latencyMs: 75,
  paymentHash: HASH,
}

describe('the terminal view', () => {
  it("shows a run's payment with its route hop by hop: each hop's channel, arrival time and fee", () => {
    const out = sink()
    const view = new TerminalView(out, { mode: 'run' })
    view.nodes([
      { name: 'alice', nodeId: ALICE },
      { name: 'bob', nodeId: BOB },
      { name: 'carol', nodeId: CAROL },
    ])
    view.onStep({ index: 0, total: 2, label: 'pay alice → carol 50,000 sat', status: 'started' })
    for (const e of travel) view.onEvent(e)
    view.onPayment(outcome)
    view.onStep({ index: 1, total: 2, label: 'mine 1 block(s)', status: 'started' })
    view.close()
    expect(out.text().split('\n')).toEqual([
      '[1/2] pay alice → carol 50,000 sat',
      '✓ alice → carol  50,000 sat  2 hop(s)  fee 1.05 sat  75 ms',
      '    1  bob    2x1x0  +12 ms  fee 1.05 sat',
      '    2  carol  2x2x0  +30 ms',
      // the next step waited for the payment's line: the output keeps the order things happened in
      '[2/2] mine 1 block(s)',
      '',
    ])
  })

  it('shows a failed payment with its code, and counts it', () => {
    const out = sink()
    const view = new TerminalView(out, { mode: 'run' })
    view.onPayment({
      ...outcome,
      status: 'failed',
      code: 'NO_ROUTE',
      message: 'no route to carol',
      feeMsat: 0n,
      route: [],
      attempts: 0,
      latencyMs: 2,
    })
    view.close()
    expect(out.text()).toBe('✗ alice → carol  50,000 sat  NO_ROUTE: no route to carol (0 attempt(s), 2 ms)\n')
  })

  it("when watching, shows payments from the sender's events, with names learned from the events", () => {
    const out = sink()
    const view = new TerminalView(out, { mode: 'watch' })
    for (const e of [
      ...travel,
      {
        type: 'payment_sent',
        node: ALICE,
        alias: 'alice',
        time: 1075,
        paymentHash: HASH,
        amountMsat: 50_000_000n,
        feeMsat: 1_050n,
        route,
        attempts: 1,
        latencyMs: 75,
      } as NodeEvent,
    ])
      view.onEvent(e)
    view.close()
    expect(out.text()).toContain(
      '✓ alice → carol  50,000 sat  2 hop(s)  fee 1.05 sat  75 ms\n    1  bob    2x1x0  +12 ms  fee 1.05 sat',
    )
  })

  it("when watching, waits a moment for the hops' events that arrive after the sender's", async () => {
    const out = sink()
    const view = new TerminalView(out, { mode: 'watch' })
    const [first, ...rest] = travel
    view.onEvent(first!)
    view.onEvent({
      type: 'payment_sent',
      node: ALICE,
      alias: 'alice',
      time: 1075,
      paymentHash: HASH,
      amountMsat: 50_000_000n,
      feeMsat: 1_050n,
      route,
      attempts: 1,
      latencyMs: 75,
    } as NodeEvent)
    // the hops' streams are a little behind the payer's
    for (const e of rest) view.onEvent(e)
    await new Promise((r) => setTimeout(r, 300))
    expect(out.text()).toContain(
      '✓ alice → carol  50,000 sat  2 hop(s)  fee 1.05 sat  75 ms\n    1  bob    2x1x0  +12 ms  fee 1.05 sat\n    2  ' +
        'carol  2x2x0  +30 ms',
    )
    view.close()
  })

  it('prints bring-up progress plainly when a phase completes, and as a footer redrawn in place on a terminal', () => {
    const plain = sink()
    const view = new TerminalView(plain, { mode: 'run' })
    for (let i = 0; i <= 3; i++) view.onProgress({ phase: 'nodes', done: i, total: 3 })
    view.close()
    expect(plain.text()).toBe('nodes started 3/3\n')

    const tty = sink(true)
    const live = new TerminalView(tty, { mode: 'run', color: false })
    live.onLog('starting')
    live.onPayment(outcome)
    live.close()
    // each write clears the footer it drew last (cursor up, clear to the end) before drawing again
    expect(tty.text()).toContain('starting\npayments 0 · ✓ 0 · ✗ 0 · p50 - · fees 0 sat\n')
    expect(tty.text()).toContain('\x1b[1F\x1b[0J✓ alice → carol')
    expect(tty.text()).toContain('payments 1 · ✓ 1 · ✗ 0 · p50 75 ms · fees 1.05 sat\n')
    expect(tty.text().endsWith('\x1b[1F\x1b[0J')).toBe(true)
  })

  it('cuts footer lines to the terminal width, since a wrapped footer could not be redrawn in place', () => {
    const tty = sink(true, 40)
    const view = new TerminalView(tty, { mode: 'run', color: false })
    view.onStep({
      index: 0,
      total: 1,
      label: 'traffic: 4/s for 5000 ms between alice→dave, alice→erin, bob→dave',
      status: 'started',
    })
    view.close()
    const footer = tty.text().split('\x1b[0J').at(-2)!.split('\n').slice(-3, -1)
    expect(footer).toEqual(['[1/1] traffic: 4/s for 5000 ms between…', 'payments 0 · ✓ 0 · ✗ 0 · p50 - · fees …'])
  })
})
