/**
 * Test-only network trouble, carried out in the node's peer layer (a node
 * started with --testing): per-message faults in the spirit of Core
 * Lightning's dev-disconnect, link latency and loss, and partitions. Seeded, so
 * a scenario run with the same seed meets the same trouble.
 */
import { SeededRng } from '../../core/rng.js'
import type { Message, MessageType } from '../../wire/messages.js'

export interface MessageFault {
  /** the peer (node id hex); any peer when absent */
  peer?: string
  messageType: MessageType
  /** the Nth matching message this node sends (1 = the next one) */
  nth: number
  /**
   * drop: never send it; disconnect_before: close the connection instead of sending it;
   * disconnect_after: send it, then close; blackhole: send it, then send nothing more to that peer
   */
  action: 'drop' | 'disconnect_before' | 'disconnect_after' | 'blackhole'
}

export type Delay =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number }

export interface LinkRule {
  /** any peer when absent */
  peer?: string
  delay?: Delay
  /** probability (0..1) that a message is lost */
  dropRate?: number
}

export type SendDecision = { send: boolean; delayMs: number; disconnectBefore: boolean; disconnectAfter: boolean }

interface ActiveFault extends MessageFault {
  seen: number
  fired: boolean
}

/** Messages that carry no channel state: never delayed or dropped, so a link can still be torn down and rebuilt. */
const CONTROL: ReadonlySet<MessageType> = new Set(['init', 'ping', 'pong'])

export class FaultInjector {
  private faults: ActiveFault[] = []
  private links: LinkRule[] = []
  private readonly blackholed = new Set<string>()
  private readonly partitioned = new Set<string>()
  private readonly lastRelease = new Map<string, number>()
  private rng: SeededRng

  constructor(seed: string) {
    this.rng = new SeededRng(`faults/${seed}`)
  }

  setMessageFaults(faults: MessageFault[]): void {
    this.faults = faults.map((f) => ({ ...f, seen: 0, fired: false }))
  }

  setLinks(links: LinkRule[], seed?: string): void {
    this.links = links
    if (seed !== undefined) this.rng = new SeededRng(`faults/${seed}`)
  }

  /** Cuts this node off from these peers (no messages either way, no connections) until healed. */
  partition(peers: string[]): void {
    for (const p of peers) this.partitioned.add(p)
  }

  heal(): void {
    this.partitioned.clear()
    this.blackholed.clear()
  }

  isCutOff(peer: string): boolean {
    return this.partitioned.has(peer) || this.blackholed.has(peer)
  }

  describe(): { faults: MessageFault[]; links: LinkRule[]; partitioned: string[]; blackholed: string[] } {
    return {
      faults: this.faults.filter((f) => !f.fired),
      links: this.links,
      partitioned: [...this.partitioned],
      blackholed: [...this.blackholed],
    }
  }

  private sampleDelay(d: Delay | undefined): number {
    if (!d) return 0
    switch (d.kind) {
      case 'fixed':
        return d.ms
      case 'uniform':
        return d.minMs + this.rng.float() * (d.maxMs - d.minMs)
      case 'exponential':
        return -Math.log(1 - this.rng.float()) * d.meanMs
    }
  }

  /** What to do with a message about to be sent; delays keep each peer's messages in order. */
  onSend(peer: string, message: Message, now: number): SendDecision {
    const decision: SendDecision = { send: true, delayMs: 0, disconnectBefore: false, disconnectAfter: false }
    if (this.isCutOff(peer)) return { ...decision, send: false }
    if (CONTROL.has(message.type)) return decision
    for (const f of this.faults) {
      if (f.fired || f.messageType !== message.type || (f.peer !== undefined && f.peer !== peer)) continue
      f.seen++
      if (f.seen < f.nth) continue
      f.fired = true
      if (f.action === 'drop') return { ...decision, send: false }
      if (f.action === 'disconnect_before') return { ...decision, send: false, disconnectBefore: true }
      if (f.action === 'disconnect_after') decision.disconnectAfter = true
      if (f.action === 'blackhole') this.blackholed.add(peer)
    }
    const link = this.links.find((l) => l.peer === peer) ?? this.links.find((l) => l.peer === undefined)
    if (link?.dropRate && this.rng.float() < link.dropRate) return { ...decision, send: false }
    const delay = this.sampleDelay(link?.delay)
    if (delay > 0 || this.lastRelease.has(peer)) {
      const release = Math.max(now + delay, this.lastRelease.get(peer) ?? 0)
      this.lastRelease.set(peer, release)
      decision.delayMs = release - now
    }
    return decision
  }
}
