/**
 * An outside program intercepts the HTLCs a forwarding node (a real process) is asked to carry, with nothing but
 * fetch: it reads GET /v1/htlcs/intercept (server-sent events) and posts its answers to
 * POST /v1/htlcs/intercept/answer, as LND's HTLC interceptor's users do over gRPC.
 *
 *   alice ── bob (intercepted: 2 s timeout, default fail) ── carol
 *
 * What a user notices: resumed HTLCs pay, failed ones reach the payer with the failure chosen, an unanswered one fails
 * at the timeout, and one held when the interceptor disconnects fails at once instead of waiting; no money is lost.
 * Each failing payment is smaller than the one before: the payer's mission control avoids the amounts that failed.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../../src/api/node/events.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { moneyCheck } from '../../helpers/conservation.js'

const TIMEOUT_SECONDS = 2

interface Held {
  id: string
  amountMsat: string
  final: boolean
  accountable: boolean
  upgradeAccountability: boolean
  outgoing: { shortChannelId: string; amountMsat: string; peer: string | null } | null
}

/** A plain-fetch interceptor: every held HTLC goes to `onHtlc`; `close()` disconnects. */
async function interceptWithFetch(apiUrl: string, token: string, onHtlc: (h: Held) => void) {
  const abort = new AbortController()
  const res = await fetch(`${apiUrl}/v1/htlcs/intercept`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  })
  expect(res.status).toBe(200)
  const reading = (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n')
          if (block.includes('event: htlc') && data) onHtlc(JSON.parse(data) as Held)
        }
      }
    } catch {
      // aborted: the disconnect the test asked for
    }
  })()
  return {
    close: async () => {
      abort.abort()
      await reading
    },
  }
}

describe('HTLC interception through the control API', () => {
  const net = new TestNetwork()
  let token = ''
  const events: NodeEvent[] = []
  const stopEvents = new AbortController()

  const answer = async (body: Record<string, unknown>) => {
    const res = await fetch(`${net.node('bob').apiUrl}/v1/htlcs/intercept/answer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  beforeAll(async () => {
    await net.start(
      { name: 'alice', args: ['--upgrade-accountability'] },
      {
        name: 'bob',
        args: ['--intercept-timeout', String(TIMEOUT_SECONDS), '--intercept-default', 'fail'],
      },
      'carol',
    )
    token = (await readFile(join(net.node('bob').dataDir, 'api.token'), 'utf8')).trim()
    void (async () => {
      for await (const e of net.node('bob').client.events({ signal: stopEvents.signal })) events.push(e)
    })()
    await net.fund('alice', 2_000_000n)
    await net.fund('bob', 2_000_000n)
    await net.connect('alice', 'bob')
    await net.connect('bob', 'carol')
    await net.openChannel('alice', 'bob', 1_000_000n, 0n, 6)
    await net.openChannel('bob', 'carol', 1_000_000n, 0n, 6)
    // alice must know the bob-carol channel to route through it
    await waitFor(
      'alice to learn the bob-carol channel',
      async () => ((await net.node('alice').client.graph()).channels.length >= 2 ? true : undefined),
      30_000,
    )
  }, 120_000)

  afterAll(async () => {
    stopEvents.abort()
    await net.stopAll()
    await cleanupProcesses()
  })

  it('shows each forward with its next hop, and resume lets it through', async () => {
    const seen: Held[] = []
    const interceptor = await interceptWithFetch(net.node('bob').apiUrl, token, (h) => {
      seen.push(h)
      void answer({ id: h.id, action: 'resume' })
    })
    const paid = await net.pay('alice', 'carol', 50_000_000n)
    await interceptor.close()
    expect(paid.status).toBe('succeeded')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.final).toBe(false)
    // the payer omits accountable (the proposal's SHOULD), and lets each hop upgrade it (--upgrade-accountability)
    expect(seen[0]!.accountable).toBe(false)
    expect(seen[0]!.upgradeAccountability).toBe(true)
    expect(BigInt(seen[0]!.outgoing!.amountMsat)).toBe(50_000_000n)
    expect(seen[0]!.outgoing!.peer).toBe(net.node('carol').nodeId)
    // bob charges 1,000 msat + 1 ppm on 50,000,000
    expect(BigInt(seen[0]!.amountMsat)).toBe(50_000_000n + 1000n + 50n)
  }, 60_000)

  it('settles an HTLC with the preimage it is given, without forwarding it', async () => {
    const invoice = await net.node('carol').client.createInvoice({ amountMsat: 3_000_000n, memo: 'settled at bob' })
    const interceptor = await interceptWithFetch(net.node('bob').apiUrl, token, (h) => {
      void answer({ id: h.id, action: 'settle', preimage: 'ff'.repeat(32) }).then((wrong) => {
        expect(wrong.body).toMatchObject({ error: { code: 'INVALID_INTERCEPT_DECISION' } })
        return answer({ id: h.id, action: 'settle', preimage: invoice.preimage })
      })
    })
    const p = await net.node('alice').client.pay({ invoice: invoice.invoice, timeoutSeconds: 30 })
    await interceptor.close()
    expect(p.status).toBe('succeeded')
    expect(p.preimage).toBe(invoice.preimage)
    // bob took the payment as its payee would have: carol's invoice was never paid
    expect((await net.node('carol').client.invoice(invoice.paymentHash)).status).toBe('open')
  }, 60_000)

  it('refuses an answer for an HTLC that is not held, and one of an unknown action', async () => {
    expect((await answer({ id: 'nope:1', action: 'resume' })).body).toMatchObject({
      error: { code: 'UNKNOWN_INTERCEPTED_HTLC' },
    })
    expect((await answer({ id: 'x', action: 'fling' })).status).toBe(400)
  })

  it(`applies the default (fail) to an HTLC nobody answers within ${TIMEOUT_SECONDS} s`, async () => {
    let heldAt = 0
    const interceptor = await interceptWithFetch(net.node('bob').apiUrl, token, () => {
      heldAt = Date.now()
    })
    const p = await net.pay('alice', 'carol', 10_000_000n)
    const failedAfter = Date.now() - heldAt
    await interceptor.close()
    expect(p.status).toBe('failed')
    expect(p.failure?.code).toBe('TEMPORARY_CHANNEL_FAILURE')
    expect(failedAfter).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 100)
    expect(events.some((e) => e.type === 'htlc_intercepted' && e.decidedBy === 'timeout')).toBe(true)
  }, 60_000)

  it('gives held HTLCs the default at once when the interceptor disconnects', async () => {
    let disconnect: (() => Promise<void>) | undefined
    let heldAt = 0
    const interceptor = await interceptWithFetch(net.node('bob').apiUrl, token, () => {
      heldAt = Date.now()
      void disconnect?.()
    })
    disconnect = interceptor.close
    const started = Date.now()
    const p = await net.pay('alice', 'carol', 5_000_000n)
    expect(p.status).toBe('failed')
    expect(heldAt).toBeGreaterThan(0)
    // well before the timeout would have decided it
    expect(Date.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000)
    expect(events.some((e) => e.type === 'htlc_intercepted' && e.decidedBy === 'disconnect')).toBe(true)
  }, 60_000)

  it('fails an HTLC with the failure code the interceptor names, and the payer sees it', async () => {
    const interceptor = await interceptWithFetch(net.node('bob').apiUrl, token, (h) => {
      void answer({ id: h.id, action: 'fail', failureCode: 'temporary_node_failure' })
    })
    const p = await net.pay('alice', 'carol', 2_000_000n)
    await interceptor.close()
    expect(p.status).toBe('failed')
    expect(p.failure?.code).toBe('TEMPORARY_NODE_FAILURE')
    expect(p.failure?.failingNode).toBe(net.node('bob').nodeId)
  }, 60_000)

  it('forwards as before once no interceptor is connected, and no money was made or lost', async () => {
    // carol pays: alice's mission control now avoids bob, after the failures it was shown
    expect((await net.pay('carol', 'alice', 1_000_000n)).status).toBe('succeeded')
    for (const name of ['alice', 'bob', 'carol'])
      await waitFor(`${name}'s HTLCs to settle`, async () =>
        (await net.node(name).channels()).every((c) => c.pendingHtlcs.length === 0) ? true : undefined,
      )
    const m = await moneyCheck(net)
    expect(m.heldMsat).toBe(m.expectedMsat)
  }, 60_000)
})
