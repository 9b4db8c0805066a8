/**
 * The typed client of a node's test-only hooks (/v1/dev, a node started with
 * --testing; any other node answers 403 TESTING_DISABLED). It rides on a
 * NodeClient, so it shares its token, timeouts and error handling.
 *
 * @example
 * ```ts
 * const dev = new TestingClient(client)
 * await dev.setFaults([{ peer: aliceId, messageType: 'revoke_and_ack', nth: 1, action: 'drop' }])
 * await dev.hold(true)
 * ```
 */
import type { NodeClient } from './client.js'
import {
  ChainTroubleState,
  CheatResponse,
  Done,
  FaultsState,
  HoldResponse,
  MutationsState,
  SentCounts,
  type MutateRequest,
  type ReplayRequest,
  type SendMessageRequest,
  type FaultsRequest,
  type LinksRequest,
  type PartitionRequest,
} from './testingTypes.js'

export class TestingClient {
  constructor(private readonly client: NodeClient) {}

  /** Faults not yet fired, link rules, and the peers cut off. */
  state(): Promise<FaultsState> {
    return this.client.call('GET', '/v1/dev/faults', FaultsState)
  }

  /** Replaces the node's per-message faults; counting starts again for each. */
  setFaults(faults: FaultsRequest['faults']): Promise<FaultsState> {
    return this.client.call('POST', '/v1/dev/faults', FaultsState, { faults })
  }

  /** Replaces the node's link rules (delay and loss of what it sends). */
  setLinks(links: LinksRequest['links'], seed?: string): Promise<FaultsState> {
    return this.client.call('POST', '/v1/dev/links', FaultsState, { links, ...(seed !== undefined ? { seed } : {}) })
  }

  /** Cuts the node off from these peers until healed: their connections drop and new ones are refused. */
  partition(peers: PartitionRequest['peers']): Promise<FaultsState> {
    return this.client.call('POST', '/v1/dev/partition', FaultsState, { peers })
  }

  /** Ends every partition and blackhole of the node; it redials its channel peers. */
  heal(): Promise<FaultsState> {
    return this.client.call('POST', '/v1/dev/heal', FaultsState)
  }

  /** Holds incoming payments as final hop instead of settling them; false releases those held. */
  hold(hold: boolean): Promise<HoldResponse> {
    return this.client.call('POST', '/v1/dev/hold', HoldResponse, { hold })
  }

  /** Broadcasts the channel's previous, revoked commitment: the peer should take everything with a penalty. */
  cheat(channelId: string): Promise<CheatResponse> {
    return this.client.call('POST', `/v1/dev/channels/${channelId}/cheat`, CheatResponse)
  }

  /** Arms a mutation: the Nth such message to the peer leaves with those fields changed. */
  mutate(request: MutateRequest): Promise<MutationsState> {
    return this.client.call('POST', '/v1/dev/mutate', MutationsState, request)
  }

  /** Sends the peer again an earlier message (the Nth last of its type). */
  replay(request: ReplayRequest): Promise<Done> {
    return this.client.call('POST', '/v1/dev/replay', Done, request)
  }

  /** Crafts a message from all its fields and sends it to the peer. */
  send(request: SendMessageRequest): Promise<Done> {
    return this.client.call('POST', '/v1/dev/send', Done, request)
  }

  /** What the node sent since it started, per peer and message type. */
  sent(): Promise<SentCounts> {
    return this.client.call('GET', '/v1/dev/sent', SentCounts)
  }

  /** Blocks stop reaching the node for this long, then arrive together. */
  stallChain(durationMs: number): Promise<ChainTroubleState> {
    return this.client.call('POST', '/v1/dev/chain/stall', ChainTroubleState, { durationMs })
  }

  /** The chain refuses the node's transactions for this long; the node must broadcast them again. */
  refuseBroadcasts(durationMs: number): Promise<ChainTroubleState> {
    return this.client.call('POST', '/v1/dev/chain/refuse', ChainTroubleState, { durationMs })
  }
}
