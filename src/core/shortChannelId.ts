/**
 * BOLT #7 short_channel_id: the funding output's position on chain, as
 * block height (3 bytes) · transaction index (3 bytes) · output index (2 bytes),
 * written `HEIGHTxINDEXxOUTPUT` for people.
 */
import { InvalidInputError } from './errors.js'

export type ShortChannelId = bigint

export function shortChannelId(blockHeight: number, txIndex: number, outputIndex: number): ShortChannelId {
  if (!Number.isInteger(blockHeight) || blockHeight < 0 || blockHeight > 0xffffff)
    throw new RangeError(`block height out of range: ${blockHeight}`)
  if (!Number.isInteger(txIndex) || txIndex < 0 || txIndex > 0xffffff)
    throw new RangeError(`tx index out of range: ${txIndex}`)
  if (!Number.isInteger(outputIndex) || outputIndex < 0 || outputIndex > 0xffff)
    throw new RangeError(`output index out of range: ${outputIndex}`)
  return (BigInt(blockHeight) << 40n) | (BigInt(txIndex) << 16n) | BigInt(outputIndex)
}

export function scidParts(scid: ShortChannelId): { blockHeight: number; txIndex: number; outputIndex: number } {
  return {
    blockHeight: Number(scid >> 40n),
    txIndex: Number((scid >> 16n) & 0xffffffn),
    outputIndex: Number(scid & 0xffffn),
  }
}

export function formatScid(scid: ShortChannelId): string {
  const p = scidParts(scid)
  return `${p.blockHeight}x${p.txIndex}x${p.outputIndex}`
}

export function parseScid(text: string): ShortChannelId {
  const m = /^([0-9]{1,8})x([0-9]{1,8})x([0-9]{1,5})$/.exec(text)
  if (!m) throw new InvalidInputError(`not a short channel id (expected HEIGHTxINDEXxOUTPUT): ${JSON.stringify(text)}`)
  try {
    return shortChannelId(Number(m[1]), Number(m[2]), Number(m[3]))
  } catch (err) {
    throw new InvalidInputError(`short channel id out of range: ${(err as Error).message}`)
  }
}
