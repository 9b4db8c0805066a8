/**
 * Test-only (a node started with --testing): this node as a rogue peer. It
 * changes fields of a message on its way out (in the spirit of Eclair's
 * fixtures that mutate messages in flight), keeps the last messages it sent
 * each peer so one can be sent again, and counts what it sent, per peer and
 * message type, so a scenario can check what went over the wire (as
 * lnprototest's scripts do). Never active in a normal run.
 */
import type { Message, MessageType } from '../../wire/messages.js'

/**
 * How many of the last messages of one type to one peer are kept for replay. A replay is of a recent message (the
 * revoke_and_ack before the last one), and the oldest go first, so memory stays bounded on a long run.
 */
export const MAX_REPLAY_HISTORY = 16

/** The most mutations a node holds armed at once. */
export const MAX_PENDING_MUTATIONS = 100

export interface Mutation {
  peer: string
  messageType: MessageType
  /** the Nth matching message from when it was armed (1 = the next one) */
  nth: number
  /** the message's fields (camelCase keys) with their new values */
  set: Partial<Message>
  /** the fields by BOLT name, to report what changed */
  fields: string[]
}

export interface RogueReport {
  action: 'mutate' | 'replay' | 'send'
  peer: string
  messageType: MessageType
  fields: string[]
}

interface Armed extends Mutation {
  seen: number
}

export class RogueMessages {
  private mutations: Armed[] = []
  /** per peer, per type: the last messages sent, oldest first */
  private readonly history = new Map<string, Map<MessageType, Message[]>>()
  private readonly sent = new Map<string, Map<MessageType, number>>()

  constructor(private readonly onFired: (report: RogueReport) => void) {}

  /** Arms a mutation; the count of its matching messages starts now. False when MAX_PENDING_MUTATIONS wait. */
  mutate(m: Mutation): boolean {
    if (this.mutations.length >= MAX_PENDING_MUTATIONS) return false
    this.mutations.push({ ...m, seen: 0 })
    return true
  }

  pending(): Mutation[] {
    return this.mutations.map(({ seen: _seen, ...m }) => m)
  }

  /** The message as it leaves for `peer`: changed by the mutation it triggers, if any. */
  rewrite(peer: string, message: Message): Message {
    let i = -1
    this.mutations.forEach((m, j) => {
      if (m.peer !== peer || m.messageType !== message.type) return
      // every armed mutation of this type counts the message; the first whose turn it is fires
      if (++m.seen >= m.nth && i < 0) i = j
    })
    if (i < 0) return message
    const [m] = this.mutations.splice(i, 1)
    this.onFired({ action: 'mutate', peer, messageType: message.type, fields: m!.fields })
    return { ...message, ...m!.set, type: message.type } as Message
  }

  /** Called once a message has gone to the connection. */
  recordSent(peer: string, message: Message): void {
    const counts = this.sent.get(peer) ?? new Map<MessageType, number>()
    counts.set(message.type, (counts.get(message.type) ?? 0) + 1)
    this.sent.set(peer, counts)
    const byType = this.history.get(peer) ?? new Map<MessageType, Message[]>()
    const list = byType.get(message.type) ?? []
    list.push(message)
    if (list.length > MAX_REPLAY_HISTORY) list.shift()
    byType.set(message.type, list)
    this.history.set(peer, byType)
  }

  /** The Nth last message of this type sent to `peer` (1 = the last one), or undefined when not kept. */
  earlier(peer: string, type: MessageType, nth: number): Message | undefined {
    const list = this.history.get(peer)?.get(type) ?? []
    return list[list.length - nth]
  }

  /** What this node sent since it started: per peer, per message type. */
  sentCounts(): Record<string, Partial<Record<MessageType, number>>> {
    return Object.fromEntries([...this.sent].map(([peer, counts]) => [peer, Object.fromEntries(counts)]))
  }
}
