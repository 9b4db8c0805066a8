/**
 * `lnsim plot EVENTS.ndjson`: the charts of a run drawn afterwards from the file `lnsim run --events` wrote. A
 * line that is not JSON (a run killed mid-write leaves a torn last line) is counted and left out; a file with no
 * event at all is an error that says what file is wanted.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { ObserveError } from '../errors.js'
import { RunPlotData } from './runPlots.js'

/** A line longer than this is not an event (the longest, a 20-hop payment_sent, is a few kB). */
export const MAX_PLOT_LINE = 1_000_000

export async function readPlotData(path: string): Promise<{ data: RunPlotData; events: number; skipped: number }> {
  const data = new RunPlotData()
  return { data, ...(await readEventsInto(path, data)) }
}

/** Feeds every event of an events file to `sink`, in order; how many there were and how many lines were not. */
export async function readEventsInto(
  path: string,
  sink: { add(event: unknown): void },
): Promise<{ events: number; skipped: number }> {
  let stream: ReturnType<typeof createReadStream>
  try {
    stream = createReadStream(path, { encoding: 'utf8' })
    await new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail))
  } catch (err) {
    throw new ObserveError(
      'EVENTS_FILE_UNREADABLE',
      `cannot read the events file ${path} (${(err as Error).message}); ` +
        `write one with \`lnsim run FILE --events ${path}\``,
    )
  }
  let events = 0
  let skipped = 0
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      if (line.length > MAX_PLOT_LINE) throw new Error('too long')
      value = JSON.parse(line)
    } catch {
      skipped++
      continue
    }
    if (!value || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
      skipped++
      continue
    }
    events++
    sink.add(value)
  }
  if (events === 0)
    throw new ObserveError(
      'EVENTS_FILE_EMPTY',
      `${path} holds no events (${skipped} line(s) skipped); is it the NDJSON file of \`lnsim run --events\`?`,
    )
  return { events, skipped }
}
