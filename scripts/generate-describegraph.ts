/**
 * Generates a Lightning-like channel graph in `lncli describegraph` format, for
 * scenarios to import (`topology: { describegraph: … }`) when no real graph
 * may be shipped. Seeded: the same arguments write the same bytes.
 *
 *   node --import tsx scripts/generate-describegraph.ts --nodes 50 --seed ln-like-50 \
 *     > scenarios/topologies/ln-like-50.json
 *
 * The model, and why:
 * - Shape: preferential attachment (Barabási–Albert), as the Lightning graph
 *   grows: three founding hubs share channels, then each new node opens one
 *   to three channels (1: 45%, 2: 35%, 3: 20%) to distinct existing nodes
 *   drawn with probability proportional to their channel count. A few hubs
 *   end up with most channels and most nodes have one or two.
 * - Capacity: log-normal around 2,000,000 sat (σ = 1, within 100,000 –
 *   50,000,000 sat, rounded to 10,000 sat); channels between two hubs
 *   (10 channels or more) three times larger, as big routing nodes do.
 * - Policies, per direction: base fee 1,000 msat (the LND default) for 60%,
 *   0 for 30%, else 0–5,000 msat; fee rate log-normal around 50 ppm (σ = 1.5,
 *   at most 5,000); time_lock_delta 40 (LND), 80, 144, 34 (Core Lightning) or
 *   18; min_htlc 1,000 msat (1 for 20%); max_htlc_msat 99% of the capacity
 *   (LND's default); 3% of directions disabled.
 * - Aliases: two words, some with an emoji or accents, one left empty and one
 *   used twice, as real aliases are (and to exercise the importer's naming).
 * - Node ids are real secp256k1 public keys from seeded private keys; chan
 *   points and channel ids are made up but well-formed (channel_id encodes
 *   block height, transaction index and output as a short channel id).
 * Two channels between the founding hubs are there for the importer to leave
 * out or half-map: one disabled in both directions, one whose second end never
 * announced a policy (null).
 */
import { parseArgs } from 'node:util'
import { toHex } from '../src/core/bytes.js'
import { SeededRng } from '../src/core/rng.js'
import { isValidPrivateKey, publicKeyOf } from '../src/crypto/secp256k1.js'

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '50' }, seed: { type: 'string', default: 'ln-like' } },
})
const nodeCount = Number(values.nodes)
if (!Number.isInteger(nodeCount) || nodeCount < 4 || nodeCount > 10_000)
  throw new Error('--nodes must be a whole number from 4 to 10000')
const rng = new SeededRng(values.seed!)

/** A normal draw (Box–Muller) from the seeded stream; for shapes, never for money arithmetic. */
function normal(r: SeededRng): number {
  const u = 1 - r.float()
  const v = r.float()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

function logNormal(r: SeededRng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(r))
}

function weighted<T>(r: SeededRng, choices: [T, number][]): T {
  const total = choices.reduce((s, [, w]) => s + w, 0)
  let x = r.float() * total
  for (const [v, w] of choices) if ((x -= w) < 0) return v
  return choices[choices.length - 1]![0]
}

const ADJECTIVES = [
  'Lucky',
  'Satoshi',
  'Orange',
  'Silent',
  'Rapid',
  'Cosmic',
  'Humble',
  'Electric',
  'Sovereign',
  'Stacking',
  'Midnight',
  'Golden',
  'Zapping',
  'Northern',
  'Café',
]
const NOUNS = [
  'Node',
  'Router',
  'Lightning',
  'Relay',
  'Hub',
  'Sats',
  'Bolt',
  'Channel',
  'Gateway',
  'Forge',
  'Garden',
  'Harbor',
  'Vault',
  'Beacon',
  'Zürich',
]
const EMOJI = ['⚡', '🌩', '🟠', '🚀', '₿']

function alias(i: number): string {
  if (i === 7) return ''
  if (i === 11) return alias(5)
  const r = rng.fork(`alias/${i}`)
  const base = `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`
  return r.int(4) === 0 ? `${r.pick(EMOJI)} ${base}` : base
}

function nodeKey(i: number): string {
  let k = rng.fork(`key/${i}`).bytes(32)
  while (!isValidPrivateKey(k)) k = rng.fork(`key/${i}/again`).bytes(32)
  return toHex(publicKeyOf(k))
}

// ---- the shape: preferential attachment ----
const edges: [number, number][] = [
  [0, 1],
  [1, 2],
  [2, 0],
]
const degree = new Array<number>(nodeCount).fill(0)
degree[0] = degree[1] = degree[2] = 2
for (let n = 3; n < nodeCount; n++) {
  const m = Math.min(
    n,
    weighted(rng, [
      [1, 45],
      [2, 35],
      [3, 20],
    ]),
  )
  const peers = new Set<number>()
  while (peers.size < m) {
    const total = degree.slice(0, n).reduce((a, b) => a + b, 0)
    let x = rng.float() * total
    let pick = 0
    while ((x -= degree[pick]!) >= 0) pick++
    peers.add(pick)
  }
  for (const p of peers) {
    edges.push([p, n])
    degree[p]!++
    degree[n]!++
  }
}

// ---- nodes, channels and policies ----
const keys = Array.from({ length: nodeCount }, (_, i) => nodeKey(i))
const HUB = 10

function policy(r: SeededRng, capacitySat: bigint, lastUpdate: number): Record<string, unknown> {
  const base = weighted<() => bigint>(r, [
    [() => 1000n, 60],
    [() => 0n, 30],
    [() => BigInt(r.int(5001)), 10],
  ])()
  const ppm = Math.min(5000, Math.round(logNormal(r, 50, 1.5)))
  return {
    time_lock_delta: weighted(r, [
      [40, 50],
      [80, 15],
      [144, 15],
      [34, 15],
      [18, 5],
    ]),
    min_htlc: r.int(5) === 0 ? '1' : '1000',
    fee_base_msat: base.toString(),
    fee_rate_milli_msat: String(ppm),
    disabled: r.int(100) < 3,
    max_htlc_msat: ((capacitySat * 1000n * 99n) / 100n).toString(),
    last_update: lastUpdate,
    custom_records: {},
  }
}

const nodes = keys.map((pub_key, i) => ({
  last_update: 1_700_000_000 + i * 60,
  pub_key,
  alias: alias(i),
  addresses: [{ network: 'tcp', addr: `203.0.113.${(i % 250) + 1}:9735` }],
  color: `#${toHex(rng.fork(`color/${i}`).bytes(3))}`,
  features: {},
  custom_records: {},
}))

const channelEdges = edges.map(([a, b], i) => {
  const r = rng.fork(`edge/${i}`)
  const hubs = degree[a]! >= HUB && degree[b]! >= HUB
  const sat = Math.min(50_000_000, Math.max(100_000, logNormal(r, 2_000_000, 1) * (hubs ? 3 : 1)))
  const capacitySat = BigInt(Math.round(sat / 10_000) * 10_000)
  // LND lists node1 as the smaller node id (BOLT #7)
  const [one, two] = keys[a]! < keys[b]! ? [keys[a]!, keys[b]!] : [keys[b]!, keys[a]!]
  const height = 750_000 + i * 7 + r.int(7)
  const txIndex = 1 + r.int(2000)
  const lastUpdate = 1_700_100_000 + i * 60
  const p1 = policy(r.fork('node1'), capacitySat, lastUpdate)
  let p2: Record<string, unknown> | null = policy(r.fork('node2'), capacitySat, lastUpdate + 30)
  // between founding hubs, so leaving them out cuts no node off
  if (i === 0) p1.disabled = p2.disabled = true
  if (i === 1) p2 = null
  return {
    channel_id: ((BigInt(height) << 40n) | (BigInt(txIndex) << 16n)).toString(),
    chan_point: `${toHex(r.bytes(32))}:0`,
    last_update: lastUpdate,
    node1_pub: one,
    node2_pub: two,
    capacity: capacitySat.toString(),
    node1_policy: p1,
    node2_policy: p2,
    custom_records: {},
  }
})

process.stdout.write(JSON.stringify({ nodes, edges: channelEdges }, null, 2) + '\n')
