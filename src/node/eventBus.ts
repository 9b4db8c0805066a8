/**
 * The node's event stream: every NodeEvent is stamped with the node and a
 * timestamp and delivered to the control API's subscribers (server-sent events).
 * Nothing is kept: a subscriber sees the events from when it subscribed.
 */
import type { NodeEvent } from '../api/node/events.js'

type Unstamped<E> = E extends unknown ? Omit<E, 'node' | 'alias' | 'time'> : never
export type NodeEventInput = Unstamped<NodeEvent>

export class EventBus {
  private readonly subscribers = new Set<(e: NodeEvent) => void>()

  constructor(
    private readonly node: string,
    private readonly alias: string,
  ) {}

  emit(event: NodeEventInput): NodeEvent {
    const stamped = { ...event, node: this.node, alias: this.alias, time: Date.now() } as NodeEvent
    for (const s of this.subscribers) s(stamped)
    return stamped
  }

  subscribe(fn: (e: NodeEvent) => void): () => void {
    this.subscribers.add(fn)
    return () => this.subscribers.delete(fn)
  }
}
