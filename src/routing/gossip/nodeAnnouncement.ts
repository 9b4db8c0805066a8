/**
 * node_announcement (BOLT #7): a node's alias, colour and addresses, signed by
 * its node key. lnsim's addresses are libp2p multiaddr strings.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-node_announcement-message
 */
import { multiaddr } from '@multiformats/multiaddr'
import { fromHex, isHex, toHex, utf8 } from '../../core/bytes.js'
import { publicKeyOf, signDigest, verifyDigest } from '../../crypto/secp256k1.js'
import { encodeMessage } from '../../wire/codec.js'
import { gossipDigest, nodeAnnouncementDigest } from '../../wire/gossipDigest.js'
import type { NodeAnnouncement } from '../../wire/messages.js'
import { GossipError } from '../errors.js'
import { MAX_FUTURE_TIMESTAMP_SECONDS } from './channelUpdate.js'

const ALIAS_SIZE = 32

export interface NodeAnnouncementInput {
  nodeKey: Uint8Array
  /** UTF-8, at most 32 bytes */
  alias: string
  /** `#rrggbb` or `rrggbb` */
  color: string
  /** libp2p multiaddrs, e.g. /ip4/127.0.0.1/tcp/9735 */
  addresses: string[]
  /** seconds; see nextGossipTimestamp */
  timestamp: number
  /** @default empty */
  features?: Uint8Array
}

/** Throws GossipError INVALID_ALIAS, INVALID_FIELD (colour) or INVALID_ADDRESS for bad input. */
export function createNodeAnnouncement(input: NodeAnnouncementInput): NodeAnnouncement {
  const aliasBytes = utf8(input.alias)
  if (aliasBytes.length > ALIAS_SIZE)
    throw new GossipError(
      'INVALID_ALIAS',
      `alias ${JSON.stringify(input.alias)} is ${aliasBytes.length} bytes of UTF-8; at most ${ALIAS_SIZE} fit`,
    )
  const alias = new Uint8Array(ALIAS_SIZE)
  alias.set(aliasBytes)
  const hex = input.color.replace(/^#/, '')
  if (!isHex(hex, 3)) throw new GossipError('INVALID_FIELD', `colour ${JSON.stringify(input.color)} is not #rrggbb`)
  checkAddresses(input.addresses)
  const unsigned: Omit<NodeAnnouncement, 'type' | 'signature'> = {
    features: input.features ?? new Uint8Array(0),
    timestamp: input.timestamp,
    nodeId: publicKeyOf(input.nodeKey),
    rgbColor: fromHex(hex),
    alias,
    addresses: input.addresses,
  }
  return {
    type: 'node_announcement',
    signature: signDigest(nodeAnnouncementDigest(unsigned), input.nodeKey),
    ...unsigned,
  }
}

/** Signature over `encoded` (the bytes as received) when given, addresses, timestamp. Throws GossipError. */
export function verifyNodeAnnouncement(
  m: NodeAnnouncement,
  nowMs: number,
  encoded: Uint8Array = encodeMessage(m),
): void {
  const nodeId = toHex(m.nodeId)
  if (!verifyDigest(m.signature, gossipDigest(encoded), m.nodeId))
    throw new GossipError('INVALID_SIGNATURE', `node_announcement is not signed by ${nodeId}`, { nodeId })
  if (m.timestamp > Math.floor(nowMs / 1000) + MAX_FUTURE_TIMESTAMP_SECONDS) {
    throw new GossipError(
      'TIMESTAMP_IN_FUTURE',
      `node_announcement of ${nodeId} is dated ${m.timestamp}, more than a day ahead of our clock`,
      { nodeId, timestamp: m.timestamp },
    )
  }
  checkAddresses(m.addresses, nodeId)
}

/** The alias for people: zero padding dropped, invalid UTF-8 shown as U+FFFD (BOLT #7 only says not to trust it). */
export function aliasText(alias: Uint8Array): string {
  let end = alias.length
  while (end > 0 && alias[end - 1] === 0) end--
  return new TextDecoder('utf-8').decode(alias.subarray(0, end))
}

export function colorText(rgbColor: Uint8Array): string {
  return `#${toHex(rgbColor)}`
}

function checkAddresses(addresses: string[], nodeId?: string): void {
  for (const address of addresses) {
    try {
      multiaddr(address)
    } catch (err) {
      throw new GossipError(
        'INVALID_ADDRESS',
        `${JSON.stringify(address)} is not a multiaddr (${(err as Error).message})`,
        nodeId === undefined ? { address } : { nodeId, address },
      )
    }
  }
}
