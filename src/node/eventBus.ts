/**
 * The node's event stream: every NodeEvent is stamped with the node and a
 * timestamp, delivered to control-API subscribers (server-sent events) and kept
 * in a short in-memory history so a late subscriber can catch up.
 */
import type { NodeEvent } from '../api/events.js'

type Unstamped<E> = E extends unknown ? Omit<E, 'node' | 'alias' | 'time'> : never
export type NodeEventInput = Unstamped<NodeEvent>

export class EventBus {
  private readonly subscribers = new Set<(e: NodeEvent) => void>()
  private readonly history: NodeEvent[] = []

  constructor(private readonly node: string, private readonly alias: string, private readonly historySize = 1000) {}

  emit(event: NodeEventInput): NodeEvent {
    const stamped = { ...event, node: this.node, alias: this.alias, time: Date.now() } as NodeEvent
    this.history.push(stamped)
    if (this.history.length > this.historySize) this.history.shift()
    for (const s of this.subscribers) s(stamped)
    return stamped
  }

  subscribe(fn: (e: NodeEvent) => void): () => void {
    this.subscribers.add(fn)
    return () => this.subscribers.delete(fn)
  }

  recent(): NodeEvent[] {
    return [...this.history]
  }
}
