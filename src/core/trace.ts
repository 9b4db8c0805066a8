/**
 * A cross-process timeline for finding where a payment's milliseconds go. With
 * LNSIM_TRACE_DIR set, each process records when it received, handled, wrote and
 * sent what, and writes DIR/<pid>.trace when it exits: one line per point,
 * `<epoch ms with µs> <pid> <label>`. Timestamps from different processes on one
 * machine compare to a few microseconds, so merging the files shows each flight
 * between peers and each step inside a node (scripts/trace-payments.ts does so).
 * Off by default: a check of one variable per point. A node's sockets add their
 * own points (node/transport/tuning/socketTracing.ts).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.env.LNSIM_TRACE_DIR
const points: string[] = []

export const tracing = dir !== undefined && dir !== ''

/** `detail` (a message type, a path) is appended to the label; nothing is built unless tracing. */
export function trace(label: string, detail?: string): void {
  if (tracing)
    points.push(
      `${(performance.timeOrigin + performance.now()).toFixed(3)} ${process.pid} ` +
        `${label}${detail === undefined ? '' : ' ' + detail}`,
    )
}

if (tracing) process.on('exit', () => writeFileSync(join(dir!, `${process.pid}.trace`), points.join('\n') + '\n'))
