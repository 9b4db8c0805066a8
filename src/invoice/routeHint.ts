/**
 * The `r` field: a private route to the payee (routing's RouteHint), one or
 * more 51-byte hops in forward order.
 */
import { bytesToBigint, concatBytes, u16be, u32be, u64be } from '../core/bytes.js'
import type { RouteHint } from '../routing/routeHint.js'
import { InvoiceError } from './errors.js'

export type { RouteHint, RouteHintHop } from '../routing/routeHint.js'

/** pubkey (33) · short_channel_id (8) · fee_base_msat (4) · fee_proportional_millionths (4) · cltv_expiry_delta (2) */
const HOP_BYTES = 51

export function encodeRouteHint(hint: RouteHint): Uint8Array {
  if (hint.length === 0) throw new InvoiceError('INVALID_FIELD', 'a route hint needs at least one hop', { field: 'r' })
  return concatBytes(
    ...hint.map((hop, i) => {
      const bad = (what: string): never => {
        throw new InvoiceError('INVALID_FIELD', `route hint hop ${i}: ${what}`, { field: 'r', hop: i })
      }
      if (!(hop.nodeId instanceof Uint8Array) || hop.nodeId.length !== 33) bad('nodeId must be a 33-byte public key')
      if (typeof hop.shortChannelId !== 'bigint' || hop.shortChannelId < 0n || hop.shortChannelId >= 1n << 64n)
        bad('shortChannelId must fit in 64 bits')
      if (typeof hop.feeBaseMsat !== 'bigint' || hop.feeBaseMsat < 0n || hop.feeBaseMsat > 0xffffffffn)
        bad('feeBaseMsat must fit in 32 bits')
      if (!isUint(hop.feeProportionalMillionths, 0xffffffff)) bad('feeProportionalMillionths must fit in 32 bits')
      if (!isUint(hop.cltvExpiryDelta, 0xffff)) bad('cltvExpiryDelta must fit in 16 bits')
      return concatBytes(
        hop.nodeId,
        u64be(hop.shortChannelId),
        u32be(Number(hop.feeBaseMsat)),
        u32be(hop.feeProportionalMillionths),
        u16be(hop.cltvExpiryDelta),
      )
    }),
  )
}

export function decodeRouteHint(bytes: Uint8Array): RouteHint {
  if (bytes.length === 0 || bytes.length % HOP_BYTES !== 0) {
    throw new InvoiceError(
      'INVALID_FIELD',
      `a route hint (r field) is whole ${HOP_BYTES}-byte hops, got ${bytes.length} bytes`,
      { field: 'r', length: bytes.length },
    )
  }
  const hops: RouteHint = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = 0; at < bytes.length; at += HOP_BYTES) {
    hops.push({
      nodeId: bytes.slice(at, at + 33),
      shortChannelId: bytesToBigint(bytes.subarray(at + 33, at + 41)),
      feeBaseMsat: BigInt(view.getUint32(at + 41)),
      feeProportionalMillionths: view.getUint32(at + 45),
      cltvExpiryDelta: view.getUint16(at + 49),
    })
  }
  return hops
}

function isUint(n: unknown, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max
}
