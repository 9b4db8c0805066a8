// Node 20 lacks Promise.withResolvers (Node 22+), and libp2p 3, @libp2p/utils 7,
// yamux 8 and it-queue call it at run time (Noise handshake, byte streams,
// peer-store locks). Without it every inbound connection fails inside Noise and
// the dialer sees only ECONNRESET. Import this first in every entry point.
type Resolvers<T> = { promise: Promise<T>; resolve: (v: T | PromiseLike<T>) => void; reject: (e?: unknown) => void }
const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>(): Resolvers<T> {
    let resolve!: (v: T | PromiseLike<T>) => void
    let reject!: (e?: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}
export {}
