/**
 * Yamux window updates sent once half the receive window is used, not after every
 * data frame. @chainsafe/libp2p-yamux 8 answers each frame it receives with a
 * window update: for a Lightning peer, whose messages are small and many, every
 * message costs a second Noise frame back (two more socket writes, an encryption
 * and a decryption) and sits in the queue ahead of the reply. hashicorp/yamux (the
 * spec's reference), go-yamux and rust-yamux all wait for half the window, which
 * is what this does; the sender never stalls, since it gets more credit while it
 * still has half of its window. Installed once, on the exported YamuxStream class.
 */
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

interface WindowFields {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

let installed = false

export function sendWindowUpdatesAtHalfWindow(): void {
  if (installed) return
  installed = true
  const original = YamuxStream.prototype.sendWindowUpdate
  YamuxStream.prototype.sendWindowUpdate = function (this: YamuxStream) {
    const s = this as unknown as WindowFields
    // a new stream's SYN or ACK rides on a window update, and a pause is recorded there: both as before
    if (s.state === StreamState.Established && s.recvWindowCapacity * 2 > s.recvWindow) return
    original.call(this)
  }
}
