/**
 * Channel states written before channels had a signer kept their keys' seed
 * (`seed`, in the local parameters and in the opening states). Read back, each
 * such seed becomes the keys id that names it (see channel/signer.ts), so a node
 * upgraded in place keeps every channel.
 */
import { legacySeedKeysId } from '../../channel/signer.js'
import type { ChannelData } from '../../channel/states.js'

export function withoutLegacySeeds(data: ChannelData): ChannelData {
  return replaceSeeds(data) as ChannelData
}

function replaceSeeds(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(replaceSeeds)
    return items.some((item, i) => item !== value[i]) ? items : value
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value
  let changed = false
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (key === 'seed' && field instanceof Uint8Array) {
      out.keysId = legacySeedKeysId(field)
      changed = true
      continue
    }
    const next = replaceSeeds(field)
    if (next !== field) changed = true
    out[key] = next
  }
  return changed ? out : value
}
