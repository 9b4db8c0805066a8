/**
 * The channel graph as `lncli describegraph` prints it (lnrpc.ChannelGraph in
 * LND's lightning.proto, as protobuf JSON with the proto field names): a
 * list of `nodes` (LightningNode) and `edges` (ChannelEdge), each edge with
 * the routing policy each end announced (RoutingPolicy, null until that end's
 * channel_update was seen).
 *
 * Protobuf JSON prints 64-bit integers as strings (`"capacity": "5000000"`,
 * `"fee_base_msat": "1000"`) and 32-bit ones as numbers (`"time_lock_delta":
 * 40`); both forms are accepted for each, since other tools re-serialise the
 * file. Fields lnsim does not use (color, features, custom_records, inbound
 * fees, last_update) are allowed and ignored. A file that does not have this
 * shape is rejected with the field that is wrong.
 */
import { readFileSync, statSync } from 'node:fs'
import { z } from 'zod'
import { MAX_MONEY_SAT } from '../../core/amount.js'
import { LnsimError } from '../../core/errors.js'

/** The whole mainnet graph is a few hundred MB; past this, the file is not a graph lnsim could run anyway. */
export const MAX_DESCRIBEGRAPH_BYTES = 512 * 1024 * 1024

const DIGITS = /^[0-9]+$/

/** A protobuf 64-bit integer: a string of digits (how protobuf JSON prints it) or a safe integer. */
const int64 = z
  .union(
    [
      z.string().regex(DIGITS, 'must be a whole number (a string of digits, as protobuf JSON prints 64-bit integers)'),
      z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    ],
    {
      error: 'must be a non-negative whole number, as a string of digits or a number',
    },
  )
  .transform((v) => BigInt(v))

/** A protobuf 32-bit unsigned integer. */
const uint32 = z
  .union([z.number(), z.string().regex(DIGITS)], { error: 'must be a whole number from 0 to 4294967295' })
  .transform(Number)
  .pipe(
    z
      .number()
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(0xffff_ffff, 'must be at most 4294967295'),
  )

const pubKey = z
  .string()
  .regex(/^0[23][0-9a-f]{64}$/i, 'must be a 33-byte compressed public key in hex (66 characters starting 02 or 03)')
  .transform((k) => k.toLowerCase())

export const DescribeGraphPolicy = z.looseObject({
  time_lock_delta: uint32,
  min_htlc: int64.describe('msat'),
  fee_base_msat: int64,
  /** despite the name, parts per million of the forwarded amount */
  fee_rate_milli_msat: int64,
  disabled: z.boolean().default(false),
  /** absent in graphs from LND before 0.7 */
  max_htlc_msat: int64.optional(),
})
export type DescribeGraphPolicy = z.output<typeof DescribeGraphPolicy>

export const DescribeGraphNode = z.looseObject({
  pub_key: pubKey,
  alias: z.string().max(1000).default(''),
  addresses: z.array(z.looseObject({ network: z.string().optional(), addr: z.string() })).default([]),
})
export type DescribeGraphNode = z.output<typeof DescribeGraphNode>

export const DescribeGraphEdge = z
  .looseObject({
    channel_id: int64.describe('the short channel id as one 64-bit number'),
    chan_point: z
      .string()
      .regex(/^[0-9a-f]{64}:[0-9]+$/i, 'must be TXID:OUTPUT_INDEX')
      .optional(),
    node1_pub: pubKey,
    node2_pub: pubKey,
    capacity: int64
      .refine((c) => c > 0n, 'must be above 0 sat')
      .refine(
        (c) => c <= MAX_MONEY_SAT,
        `must be at most ${MAX_MONEY_SAT} sat (21,000,000 BTC, all the bitcoin there will ever be)`,
      ),
    node1_policy: DescribeGraphPolicy.nullable().default(null),
    node2_policy: DescribeGraphPolicy.nullable().default(null),
  })
  .refine((e) => e.node1_pub !== e.node2_pub, {
    message: 'a channel needs two different nodes (node1_pub equals node2_pub)',
    path: ['node2_pub'],
  })
export type DescribeGraphEdge = z.output<typeof DescribeGraphEdge>

export const DescribeGraph = z.looseObject({
  nodes: z.array(DescribeGraphNode),
  edges: z.array(DescribeGraphEdge),
})
export type DescribeGraph = z.output<typeof DescribeGraph>

export class TopologyFileError extends LnsimError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super('TOPOLOGY_INVALID', message, { field })
    this.name = 'TopologyFileError'
  }
}

/** `edges[3].node1_policy.fee_base_msat`, as the field of the file a message names. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
}

/**
 * What is wrong with text that is not JSON, without quoting it: the parser's
 * own message shows the text around the error, and the file may be something
 * else entirely (a key, a config) that has no business in a terminal or a CI log.
 */
function syntaxProblem(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : ''
  const at = /at position ([0-9]+)/.exec(message)
  if (at) {
    const before = text.slice(0, Number(at[1]))
    return (
      `a JSON syntax error at line ${before.split('\n').length}, ` +
      `column ${before.length - before.lastIndexOf('\n')}`
    )
  }
  if (text.trim() === '') return 'the file is empty'
  if (/end of JSON input/.test(message)) return 'it ends before its JSON does (was it cut short?)'
  if (text.trimStart()[0] !== '{') return 'it does not begin with "{", as a describegraph JSON object does'
  return 'a JSON syntax error'
}

/** Parses describegraph JSON text; `file` only names it in messages. */
export function parseDescribeGraph(text: string, file: string): DescribeGraph {
  let json: unknown
  // a byte-order mark, as some Windows editors save JSON, is not part of it
  const body = text.replace(/^\uFEFF/, '')
  try {
    json = JSON.parse(body)
  } catch (err) {
    throw new TopologyFileError(
      `${file} is not JSON: ${syntaxProblem(body, err)}; save the output of \`lncli describegraph\``,
      '',
    )
  }
  const r = DescribeGraph.safeParse(json)
  if (!r.success) {
    const shown = r.error.issues.slice(0, 5).map((i) => `${fieldPath(i.path) || '(top level)'}: ${i.message}`)
    const more = r.error.issues.length > shown.length ? ` (and ${r.error.issues.length - shown.length} more)` : ''
    throw new TopologyFileError(
      `${file} is not an \`lncli describegraph\` graph: ${shown.join('; ')}${more}`,
      fieldPath(r.error.issues[0]!.path),
    )
  }
  return r.data
}

/** Reads and parses a describegraph file. */
export function readDescribeGraph(path: string): DescribeGraph {
  let text: string
  try {
    const stat = statSync(path)
    // a device or a pipe reports size 0 and may never end (/dev/zero) or never start (a FIFO)
    if (!stat.isFile())
      throw new TopologyFileError(
        `${path} is not a file (a folder, a device or a pipe): name the saved output of \`lncli describegraph\``,
        '',
      )
    if (stat.size > MAX_DESCRIBEGRAPH_BYTES)
      throw new TopologyFileError(
        `${path} is ${stat.size} bytes, more than the ${MAX_DESCRIBEGRAPH_BYTES} lnsim reads`,
        '',
      )
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (err instanceof TopologyFileError) throw err
    throw new TopologyFileError(
      `cannot read the describegraph file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      '',
    )
  }
  return parseDescribeGraph(text, path)
}
