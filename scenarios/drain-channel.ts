/**
 * A scenario as code: pay across one channel in equal parts until it refuses,
 * then check how many parts fit and that bob holds exactly what went through.
 * Run it with `lnsim run scenarios/drain-channel.ts`.
 */
import { defineScenario } from '../src/scenario/index.js'

const PART_MSAT = 100_000_000n

export default defineScenario({
  name: 'drain-channel',
  description: 'Pays across one channel in equal parts until it refuses; the funder keeps its reserve.',
  network: {
    nodes: [
      { name: 'alice', fundsSat: 1_100_000 },
      { name: 'bob', fundsSat: 100_000 },
    ],
    channels: [{ from: 'alice', to: 'bob', capacitySat: 1_000_000 }],
  },
  async run(net, t) {
    let paid = 0n
    let refusal = ''
    for (let i = 1; i <= 12 && refusal === ''; i++) {
      const p = await net.pay('alice', 'bob', PART_MSAT)
      if (p.status === 'succeeded') paid += PART_MSAT
      else refusal = `${p.code}: ${p.message}`
    }
    t.expect(
      'the channel refuses a payment once it is nearly empty',
      refusal !== '',
      refusal || 'all twelve payments went through',
    )
    // BOLT #2: the funder keeps a channel reserve (1% by default) and pays the commitment fee
    t.expect(
      'at least 8 parts of 100,000 sat fit in a 1,000,000 sat channel',
      paid >= 8n * PART_MSAT,
      `${paid / 1000n} sat went through`,
    )
    t.expect('no more than the capacity went through', paid < 1_000_000_000n, `${paid / 1000n} sat went through`)
    await t.check({ channelBalance: { channel: 'alice-bob', node: 'bob', localMsat: paid } })
    const [channel] = await net.node('alice').channels()
    t.expect(
      'alice cannot send even one more part',
      (channel?.availableToSendMsat ?? 0n) < PART_MSAT,
      `alice can still send ${channel?.availableToSendMsat} msat`,
    )
  },
})
