/**
 * The events file of a run (`lnsim run --events FILE`): every event of every
 * node and of the chain, one JSON object a line, in the order they arrived.
 * Node events carry their node's clock and chain events the runner's; all
 * processes share this machine's clock, so the file is one timeline.
 * Amounts are decimal strings, as on the control API.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { toJson } from '../core/json.js'
import { ObserveError } from './errors.js'

export class EventLog {
  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(path: string): Promise<EventLog> {
    const stream = createWriteStream(path, { flags: 'w' })
    try {
      await once(stream, 'open')
    } catch (err) {
      throw new ObserveError(
        'EVENTS_FILE_UNWRITABLE',
        `cannot write the events file ${path} (${(err as Error).message})`,
      )
    }
    return new EventLog(path, stream)
  }

  write(event: object): void {
    this.stream.write(toJson(event) + '\n')
  }

  async close(): Promise<void> {
    this.stream.end()
    await once(this.stream, 'close')
  }
}
