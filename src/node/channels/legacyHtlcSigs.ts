/**
 * Channel states written before commitment_signed carried HTLC signatures keep
 * none for their latest commitment: read back, each such commitment gets an
 * empty list, so a node upgraded in place keeps every channel. Until the peer
 * signs a new commitment, that one's HTLC outputs have no second stage (the
 * peer's signatures are missing), which secondStage.ts allows for.
 */
import type { ChannelData } from '../../channel/states.js'

export function withHtlcSigs(data: ChannelData): ChannelData {
  return addHtlcSigs(data) as ChannelData
}

function addHtlcSigs(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(addHtlcSigs)
    return items.some((item, i) => item !== value[i]) ? items : value
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value
  let changed = false
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const next = addHtlcSigs(field)
    if (next !== field) changed = true
    out[key] = next
  }
  // a LocalCommit: the peer's signature on our commitment, and (since BOLT #3's second stage) on its HTLC transactions
  if ('remoteSig' in out && out.remoteSig instanceof Uint8Array && !('htlcSigs' in out)) {
    out.htlcSigs = []
    changed = true
  }
  return changed ? out : value
}
