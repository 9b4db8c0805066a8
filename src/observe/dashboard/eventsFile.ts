/**
 * Reads what `lnsim run --events FILE` wrote: one JSON event a line, node
 * events and chain events on a common clock. Each line is parsed into a typed
 * input or counted as skipped (a run killed mid-write leaves a torn last line);
 * a file with nothing usable is an error that says so.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { z } from 'zod'
import { NodeEvent } from '../../api/node/events.js'
import { ChainBlockEvent, type DashboardInput } from './views.js'
import { ObserveError } from '../errors.js'

/** A line longer than this is not an event (the longest, a 20-hop payment_sent, is a few kB). */
export const MAX_EVENT_LINE = 1_000_000

/** Lines of an events file that are not events the dashboard draws, and not a sign of the wrong file either. */
const KNOWN_NOT_SHOWN = new Set(['chain_tx', 'run_started', 'run_channels', 'run_payment', 'run_summary'])

export class EventsFileError extends ObserveError {
  constructor(code: 'EVENTS_FILE_UNREADABLE' | 'EVENTS_FILE_EMPTY', message: string) {
    super(code, message)
    this.name = 'EventsFileError'
  }
}

/** The chain's own block event, as a runner may record it: a block without a node. */
const RecordedChainBlock = z
  .object({
    type: z.literal('block'),
    height: z.number().int().nonnegative(),
    time: z.number(),
    hash: z.string().max(128).optional(),
    txids: ChainBlockEvent.shape.txids.optional(),
  })
  .transform((b): ChainBlockEvent => ({
    type: 'chain_block',
    height: b.height,
    time: b.time,
    hash: b.hash ?? '',
    txids: b.txids ?? [],
  }))

/** One recorded or published event as a dashboard input, or null when it is none the dashboard knows. */
export function toDashboardInput(value: unknown): DashboardInput | null {
  const node = NodeEvent.safeParse(value)
  if (node.success) return node.data
  const block = ChainBlockEvent.safeParse(value)
  if (block.success) return block.data
  const recorded = RecordedChainBlock.safeParse(value)
  return recorded.success ? recorded.data : null
}

export interface EventsFile {
  inputs: DashboardInput[]
  skipped: number
}

/** Reads an events file, sorted by time (stable, so events of one node keep their order). */
export async function readEventsFile(path: string): Promise<EventsFile> {
  const inputs: DashboardInput[] = []
  let skipped = 0
  let stream: ReturnType<typeof createReadStream>
  try {
    stream = createReadStream(path, { encoding: 'utf8' })
    await new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail))
  } catch (err) {
    throw new EventsFileError(
      'EVENTS_FILE_UNREADABLE',
      `cannot read the events file ${path} (${(err as Error).message}); ` +
        `write one with \`lnsim run FILE --events ${path}\``,
    )
  }
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim() === '') continue
    if (line.length > MAX_EVENT_LINE) {
      skipped++
      continue
    }
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      skipped++
      continue
    }
    const input = toDashboardInput(json)
    if (input) inputs.push(input)
    // mempool notices are known, just not shown: a transaction appears once labelled or mined; so are the run's
    // metadata lines (the first and the last), which name the run and its channels, and the runner's own
    // record of each payment and of the summary
    else if (!KNOWN_NOT_SHOWN.has(String((json as { type?: unknown } | null)?.type))) skipped++
  }
  if (inputs.length === 0)
    throw new EventsFileError(
      'EVENTS_FILE_EMPTY',
      `${path} holds no events the dashboard knows (${skipped} line(s) skipped); ` +
        `is it the NDJSON file of \`lnsim run --events\`?`,
    )
  inputs.sort((a, b) => a.time - b.time)
  return { inputs, skipped }
}
