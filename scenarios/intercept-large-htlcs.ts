/**
 * A scenario as code with an HTLC interceptor: bob refuses to forward any HTLC above 30,000 sat (as a node operator
 * might, through LND's HTLC interceptor), failing it with temporary_channel_failure, and lets the rest through. The
 * interceptor runs in this script and reaches bob's process through its control API's interception stream. A large
 * keysend (one HTLC) fails with that failure; a large invoice is split by the payer into parts that pass.
 * Run it with `lnsim run scenarios/intercept-large-htlcs.ts`.
 */
import { defineScenario } from '../src/scenario/index.js'

const LIMIT_MSAT = 30_000_000n

export default defineScenario({
  name: 'intercept-large-htlcs',
  description: 'An interceptor on bob fails HTLCs above 30,000 sat; payers see that failure, or split around it.',
  network: {
    nodes: [
      { name: 'alice', fundsSat: 1_100_000 },
      { name: 'bob', fundsSat: 1_100_000 },
      { name: 'carol', fundsSat: 100_000 },
    ],
    channels: [
      { from: 'alice', to: 'bob', capacitySat: 1_000_000 },
      { from: 'bob', to: 'carol', capacitySat: 1_000_000 },
    ],
  },
  async run(net, t) {
    const refused: bigint[] = []
    const resumed: bigint[] = []
    const interceptor = await net.node('bob').intercept((htlc) => {
      const amount = htlc.outgoing?.amountMsat ?? htlc.amountMsat
      if (amount > LIMIT_MSAT) {
        refused.push(amount)
        return { action: 'fail', failureCode: 'temporary_channel_failure' }
      }
      resumed.push(amount)
      return { action: 'resume' }
    })
    // carol intercepts what she receives, and lets it all in: each HTLC reaches her as the onion's last hop
    const received: boolean[] = []
    const payee = await net.node('carol').intercept((htlc) => {
      received.push(htlc.final && htlc.outgoing === null)
      return { action: 'resume' }
    })
    const small = await net.pay('alice', 'carol', 10_000_000n)
    // a keysend is one HTLC: it cannot be split around the limit
    const large = await net.pay('alice', 'carol', 50_000_000n, { keysend: true })
    // an invoice can: the payer splits it into parts the interceptor lets through
    const split = await net.pay('alice', 'carol', 50_000_000n)
    await interceptor.stop()
    await payee.stop()

    t.expect(
      'a payment below the limit goes through bob',
      small.status === 'succeeded',
      `${small.status} ${small.code ?? ''}`,
    )
    t.expect(
      'a payment above the limit fails with the failure the interceptor chose',
      large.status === 'failed' && large.code === 'TEMPORARY_CHANNEL_FAILURE',
      `${large.status} ${large.code ?? ''}: ${large.message ?? ''}`,
    )
    t.expect(
      'the interceptor refused only HTLCs above the limit, and saw the large one',
      refused.length >= 1 && refused.every((a) => a > LIMIT_MSAT),
      `refused ${refused.join(', ')} msat`,
    )
    t.expect(
      'an invoice of the same size pays in parts below the limit',
      split.status === 'succeeded' && (split.parts?.length ?? 0) >= 2,
      `${split.status} ${split.code ?? ''} in ${split.parts?.length ?? 0} part(s)`,
    )
    t.expect(
      'every HTLC the interceptor let through was within the limit',
      resumed.length >= 3 && resumed.every((a) => a <= LIMIT_MSAT),
      `resumed ${resumed.join(', ')} msat`,
    )
    t.expect(
      "carol's interceptor saw every HTLC that reached her, each as a final hop",
      received.length >= 3 && received.every((final) => final),
      `${received.length} HTLC(s), final: ${received.join(', ')}`,
    )
    await net.settle()
    await t.check({ conservation: {} })
  },
})
