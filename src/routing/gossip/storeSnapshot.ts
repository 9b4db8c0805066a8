/**
 * The gossip store on disk: each message as the hex of the bytes it arrived
 * in, so a restart neither re-verifies signatures nor asks the chain again.
 * Reading a snapshot is bounded and strict: any entry that does not decode as
 * the message it claims to be rejects the file.
 */
import { z } from 'zod'
import { InvalidInputError } from '../../core/errors.js'
import { fromHex, isHex, toHex } from '../../core/bytes.js'
import { decodeMessage } from '../../wire/codec.js'
import type { MessageOf } from '../../wire/messages.js'
import { updateDirection } from './channelUpdate.js'
import { GossipStore, keptGossip, type GossipStoreOptions } from './store.js'

const FORMAT = 1
const hex = z.string().refine((s) => isHex(s), 'hex bytes')

const snapshotSchema = z.object({
  format: z.literal(FORMAT),
  channels: z.array(
    z.object({
      announcement: hex,
      capacitySat: z.string().regex(/^(0|[1-9][0-9]{0,15})$/),
      updates: z.tuple([hex.nullable(), hex.nullable()]),
    }),
  ),
  nodeAnnouncements: z.array(hex),
})

export type GossipStoreSnapshot = z.input<typeof snapshotSchema>

export function snapshotGossipStore(store: GossipStore): GossipStoreSnapshot {
  return {
    format: FORMAT,
    channels: [...store.channels()].map((c) => ({
      announcement: toHex(c.announcement.encoded),
      capacitySat: c.capacitySat.toString(),
      updates: [c.updates[0] ? toHex(c.updates[0].encoded) : null, c.updates[1] ? toHex(c.updates[1].encoded) : null],
    })),
    nodeAnnouncements: [...store.nodeAnnouncements()].map((n) => toHex(n.encoded)),
  }
}

/** Throws InvalidInputError naming the first entry that is wrong. */
export function restoreGossipStore(json: unknown, options: GossipStoreOptions): GossipStore {
  const parsed = snapshotSchema.safeParse(json)
  if (!parsed.success)
    throw new InvalidInputError(
      `gossip store snapshot is malformed: ${parsed.error.issues[0]?.path.join('.')}: ` +
        `${parsed.error.issues[0]?.message}`,
    )
  const store = new GossipStore(options)
  parsed.data.channels.forEach((c, i) => {
    const announcement = decodeAs(c.announcement, 'channel_announcement', `channels.${i}.announcement`)
    const updates = c.updates.map((u, direction) => {
      if (u === null) return undefined
      const update = decodeAs(u, 'channel_update', `channels.${i}.updates.${direction}`)
      if (
        update.message.shortChannelId !== announcement.message.shortChannelId ||
        updateDirection(update.message) !== direction
      ) {
        throw new InvalidInputError(
          `gossip store snapshot: channels.${i}.updates.${direction} belongs to another channel or direction`,
        )
      }
      return update
    })
    const [first, second] = updates.map((u) => u && keptGossip(u.message, u.encoded))
    store.restoreChannel({
      announcement: keptGossip(announcement.message, announcement.encoded),
      capacitySat: BigInt(c.capacitySat),
      updates: [first, second],
    })
  })
  parsed.data.nodeAnnouncements.forEach((n, i) => {
    const { message, encoded } = decodeAs(n, 'node_announcement', `nodeAnnouncements.${i}`)
    if (!store.restoreNodeAnnouncement(keptGossip(message, encoded)))
      throw new InvalidInputError(`gossip store snapshot: nodeAnnouncements.${i} is of a node without channels`)
  })
  return store
}

function decodeAs<T extends 'channel_announcement' | 'channel_update' | 'node_announcement'>(
  text: string,
  type: T,
  where: string,
): { message: MessageOf<T>; encoded: Uint8Array } {
  const encoded = fromHex(text)
  let decoded
  try {
    decoded = decodeMessage(encoded, { owned: true }) // fromHex made it: the kept fields may view it
  } catch (err) {
    throw new InvalidInputError(`gossip store snapshot: ${where} does not decode: ${(err as Error).message}`)
  }
  if (decoded.kind !== 'message' || decoded.message.type !== type)
    throw new InvalidInputError(`gossip store snapshot: ${where} is not a ${type}`)
  return { message: decoded.message as MessageOf<T>, encoded }
}
