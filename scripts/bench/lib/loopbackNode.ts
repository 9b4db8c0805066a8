/** A libp2p node for measuring in one process: TCP on loopback, Noise and Yamux, as the nodes' transport stack. */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'

export function loopbackNode(): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // libp2p limits connections from loopback addresses unless told not to
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
  })
}
