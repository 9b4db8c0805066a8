/**
 * An event-stream subscriber that asks for a stream on a raw socket and then
 * reads nothing, as a hung client would; and, afterwards, what it can still
 * read: the events the server had sent before it dropped it, and whether it did.
 */
import { connect, type Socket } from 'node:net'

export function stalledSubscriber(port: number, path: string, headers: Record<string, string> = {}): Socket {
  const socket = connect(port, '127.0.0.1')
  const lines = Object.entries({ host: `127.0.0.1:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`)
  socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`)
  socket.pause()
  return socket
}

/** Reads the socket until the server ends it, or gives up after timeoutMs (ended: false). */
export function drain(socket: Socket, event: string, timeoutMs: number): Promise<{ events: number; ended: boolean }> {
  return new Promise((done) => {
    const marker = `event: ${event}\n`
    let events = 0
    let tail = ''
    const finish = (ended: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      done({ events, ended })
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1')
      events += text.split(marker).length - 1
      // a marker cut in two by the chunks is counted in the next one
      tail = text.slice(-(marker.length - 1))
    })
    socket.once('end', () => finish(true))
    socket.once('close', () => finish(true))
    socket.resume()
  })
}
