/**
 * `lnsim reputation`: the forwarding policy's view of each peer (GET /v1/reputation). Under the reputation policy
 * (lightning/bolts#1280 local resource conservation): each peer's reputation as an outgoing hop, the risk of the
 * accountable HTLCs it holds, the revenue its own HTLCs earned us, and the HTLCs in flight in each bucket of its
 * channels. The default policy keeps no such books and lists no peers.
 */
import type { CommandSpec } from '../command.js'
import { NODE_OPTIONS, formatMsat, nodeClient } from './nodeTarget.js'

export const reputationCommand: CommandSpec = {
  path: ['reputation'],
  summary: "Show the forwarding policy's reputation and revenue of each peer, and HTLCs in flight by bucket",
  description:
    'What the node started with --htlc-policy reputation knows of its peers: reputation (the decaying average of ' +
    'the fees its forwards earned us, less what slow ones cost), the in-flight risk of accountable HTLCs it holds, ' +
    "the revenue the peer's own HTLCs brought us per revenue window, and HTLCs in the general, congestion and " +
    'protected buckets of its channels. An HTLC to a peer is protected only while reputation minus risk is at ' +
    "least the incoming peer's revenue.",
  options: [...NODE_OPTIONS],
  examples: ['lnsim reputation --node bob', 'lnsim reputation --json'],
  async run({ options, out }) {
    const client = await nodeClient(options)
    const r = await client.reputation()
    out.result(r, () => {
      if (r.peers.length === 0) return `policy ${r.policy}: no peer has forwarded through this node yet`
      return [
        `policy ${r.policy}`,
        ...r.peers.map(
          (p) =>
            `${p.peer}\n  reputation ${formatMsat(p.reputationMsat)}, ` +
            `in-flight risk ${formatMsat(p.inFlightRiskMsat)}` +
            `, revenue ${formatMsat(p.revenueMsat)}\n  in flight: ` +
            Object.entries(p.inFlight)
              .map(([bucket, n]) => `${bucket} ${n}`)
              .join(', '),
        ),
      ].join('\n')
    })
  },
}
