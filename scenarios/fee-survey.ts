/**
 * A scenario as code: pay the same route with growing amounts and check each
 * fee against bob's policy, to the millisatoshi (BOLT #7: fee_base_msat +
 * amount * fee_proportional_millionths / 1,000,000), and that bob's channels
 * grew by exactly the fees alice paid.
 * Run it with `lnsim run scenarios/fee-survey.ts`.
 */
import type { ChannelInfo } from '../src/api/node/types.js'
import { defineScenario } from '../src/scenario/index.js'

const BASE_MSAT = 1_000n
const PPM = 1_000n

const localTotal = (channels: ChannelInfo[]): bigint => channels.reduce((sum, c) => sum + c.localBalanceMsat, 0n)

export default defineScenario({
  name: 'fee-survey',
  description: "Routed payments of growing size; every fee matches the forwarding node's policy exactly.",
  network: {
    nodes: [
      { name: 'alice', fundsSat: 2_100_000 },
      { name: 'bob', fundsSat: 2_100_000, feePolicy: { baseMsat: BASE_MSAT, ppm: Number(PPM) } },
      { name: 'carol', fundsSat: 100_000 },
    ],
    channels: [
      { from: 'alice', to: 'bob', capacitySat: 2_000_000 },
      { from: 'bob', to: 'carol', capacitySat: 2_000_000 },
    ],
  },
  async run(net, t) {
    const before = localTotal(await net.node('bob').channels())
    let fees = 0n
    for (const amount of [1_000n, 1_000_000n, 10_000_000n, 100_000_000n, 500_000_000n]) {
      const p = await net.pay('alice', 'carol', amount)
      const expected = BASE_MSAT + (amount * PPM) / 1_000_000n
      t.expect(
        `a payment of ${amount} msat pays bob ${expected} msat`,
        p.status === 'succeeded' && p.feeMsat === expected,
        p.status === 'succeeded'
          ? `paid ${p.feeMsat} msat via ${p.route.join(' → ')}`
          : `failed: ${p.code} ${p.message}`,
      )
      if (p.status === 'succeeded') fees += p.feeMsat
    }
    // balances move on both ends a moment after the payer hears of success
    await net.settle()
    const after = localTotal(await net.node('bob').channels())
    t.expect(
      'bob holds exactly the fees he was paid on top of what he had',
      after - before === fees,
      `bob's channels grew by ${after - before} msat; fees paid ${fees} msat`,
    )
  },
})
