/** `lnsim stop`: asks a node to shut down as Ctrl-C would, and waits until its API no longer answers. */
import type { CommandSpec } from '../command.js'
import { NODE_OPTIONS, nodeClient } from './nodeTarget.js'

/** How long `lnsim stop` waits for the node to be gone before it says it is still stopping. */
export const STOP_WAIT_MS = 15_000
const POLL_MS = 100

export const stopCommand: CommandSpec = {
  path: ['stop'],
  summary: 'Stop a running node cleanly (it writes its state first)',
  options: NODE_OPTIONS,
  examples: ['lnsim stop --node alice'],
  async run({ options, out, signal }) {
    const client = await nodeClient(options)
    const info = await client.info()
    await client.stop()
    const deadline = Date.now() + STOP_WAIT_MS
    let gone = false
    while (!gone && Date.now() < deadline && !signal.aborted) {
      await new Promise((r) => setTimeout(r, POLL_MS))
      gone = await client.info().then(
        () => false,
        () => true,
      )
    }
    out.result({ nodeId: info.nodeId, alias: info.alias, stopped: gone }, () =>
      gone ? `node ${info.alias} stopped` : `node ${info.alias} is stopping (still answering after ${STOP_WAIT_MS} ms)`,
    )
    return gone ? 0 : 1
  },
}
