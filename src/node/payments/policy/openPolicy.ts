/**
 * The default forwarding policy: forward every HTLC the outgoing channel accepts, as lnsim always did, and relay the
 * accountable signal as lightning/bolts#1280 requires (set when the incoming HTLC had it, never added).
 */
import { relayAccountable } from './accountability.js'
import type { ForwardProposal, ForwardVerdict, HtlcPolicy, PeerReputation } from './htlcPolicy.js'

export class OpenPolicy implements HtlcPolicy {
  readonly kind = 'default'
  decide(p: ForwardProposal): ForwardVerdict {
    return { forward: true, accountable: relayAccountable(p.incomingAccountable, p.upgradeAccountability, false) }
  }
  forwarded(): void {}
  resolved(): void {}
  peers(): PeerReputation[] {
    return []
  }
}
