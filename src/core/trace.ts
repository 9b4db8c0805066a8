/**
 * A cross-process timeline for finding where a payment's milliseconds go. With
 * LNSIM_TRACE_DIR set, each process records when it received, handled, wrote and
 * sent what, and writes DIR/<pid>.trace when it exits: one line per point,
 * `<epoch ms with µs> <pid> <label>`. Timestamps from different processes on one
 * machine compare to a few microseconds, so merging the files shows each flight
 * between peers and each step inside a node (scripts/trace-payments.ts does so).
 * Off by default: a check of one variable per point. When on, every socket write
 * and read is a point too (`socket write <bytes> to <port>`, `socket read <bytes>
 * from <port>`): when bytes reach and leave the wire, which the layers between a
 * send and the socket (lp, yamux, Noise) otherwise hide.
 */
import { writeFileSync } from 'node:fs'
import { Socket } from 'node:net'
import { join } from 'node:path'

const dir = process.env.LNSIM_TRACE_DIR
const points: string[] = []

export const tracing = dir !== undefined && dir !== ''

/** `detail` (a message type, a path) is appended to the label; nothing is built unless tracing. */
export function trace(label: string, detail?: string): void {
  if (tracing) points.push(`${(performance.timeOrigin + performance.now()).toFixed(3)} ${process.pid} ${label}${detail === undefined ? '' : ' ' + detail}`)
}

if (tracing) process.on('exit', () => writeFileSync(join(dir!, `${process.pid}.trace`), points.join('\n') + '\n'))

if (tracing) {
  const write = Socket.prototype.write
  Socket.prototype.write = function (this: Socket, ...args: unknown[]): boolean {
    trace('socket write', `${(args[0] as { length?: number }).length ?? '?'} to ${this.remotePort ?? '?'}`)
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as typeof write
  const emit = Socket.prototype.emit
  Socket.prototype.emit = function (this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data') trace('socket read', `${(args[0] as { length?: number }).length ?? '?'} from ${this.remotePort ?? '?'}`)
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args)
  } as typeof emit
}
