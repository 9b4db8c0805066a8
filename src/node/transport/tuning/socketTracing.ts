/**
 * With LNSIM_TRACE_DIR set (see core/trace.ts), every socket write and read of
 * the process is a trace point too (`socket write <bytes> to <port>`, `socket
 * read <bytes> from <port>`): when bytes reach and leave the wire, which the
 * layers between a send and the socket (lp, yamux, Noise) otherwise hide.
 * Installed once, on node:net's Socket; nothing is touched when tracing is off.
 */
import { Socket } from 'node:net'
import { trace, tracing } from '../../../core/trace.js'

let installed = false

export function traceSocketsWhenTracing(): void {
  if (!tracing || installed) return
  installed = true
  const write = Socket.prototype.write
  Socket.prototype.write = function (this: Socket, ...args: unknown[]): boolean {
    trace('socket write', `${(args[0] as { length?: number }).length ?? '?'} to ${this.remotePort ?? '?'}`)
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as typeof write
  const emit = Socket.prototype.emit
  Socket.prototype.emit = function (this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data')
      trace('socket read', `${(args[0] as { length?: number }).length ?? '?'} from ${this.remotePort ?? '?'}`)
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...args)
  } as typeof emit
}
