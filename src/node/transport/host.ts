/**
 * The libp2p host of a node: TCP, Noise and Yamux, with the node key as its
 * identity. Connections from the node's own networks (loopback, and the
 * subnets it listens on beyond loopback) are exempt from libp2p's inbound rate
 * limits, which otherwise refuse a simulator's tens of peers (reachability.ts).
 *
 * libp2p's connection monitor is off: it opened a ping stream on every
 * connection every 10 s and, when a ping came back late (a hundred node
 * processes on two cores lag by seconds), aborted a healthy connection, which
 * the peers then redialled and resent each other the whole graph over. On
 * loopback the kernel closes a dead process's connections, so nothing is lost.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { FEATURE_BITS, featureBits } from '../../wire/features.js'
import type { NodeIdentity } from '../identity.js'
import type { KvLog } from '../store/durableStore.js'
import { sendWindowUpdatesAtHalfWindow } from './tuning/yamuxWindowUpdates.js'
import { readFramesWithoutAnExceptionEach } from './tuning/lengthPrefixedDecoding.js'
import { traceSocketsWhenTracing } from './tuning/socketTracing.js'
import { peerAllowList } from './reachability.js'

export const LN_PROTOCOL = '/lnsim/ln/1.0.0'

export async function createHost(identity: NodeIdentity, listen: string[]): Promise<Libp2p> {
  sendWindowUpdatesAtHalfWindow()
  readFramesWithoutAnExceptionEach()
  traceSocketsWhenTracing()
  return createLibp2p({
    privateKey: identity.libp2pKey,
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { allow: peerAllowList(listen), maxConnections: 1000 },
    connectionMonitor: { enabled: false },
  })
}

const EPHEMERAL_LISTEN = '/ip4/127.0.0.1/tcp/0'

/**
 * A node asked for any free port gets, after a restart, the same port as
 * before when it is still free: peers that dialled it before can redial.
 */
export async function startHostKeepingPort(
  identity: NodeIdentity,
  listen: string[],
  meta: KvLog<number>,
): Promise<Libp2p> {
  const previous = meta.get('listenPort')
  const wantsAny = listen.length === 1 && listen[0] === EPHEMERAL_LISTEN
  if (wantsAny && previous !== undefined) {
    try {
      const host = await createHost(identity, [`/ip4/127.0.0.1/tcp/${previous}`])
      await host.start()
      return host
    } catch {
      // taken by someone else meanwhile: any port will do
    }
  }
  const host = await createHost(identity, listen)
  await host.start()
  const port = Number(/\/tcp\/([0-9]+)/.exec(host.getMultiaddrs()[0]?.toString() ?? '')?.[1])
  if (wantsAny && Number.isInteger(port)) {
    meta.set('listenPort', port)
    await meta.flush()
  }
  return host
}

/**
 * Feature bits we advertise in init (BOLT #9): var_onion_optin and payment_secret required; basic_mpp and keysend
 * offered (odd), as LND and Core Lightning do.
 */
export const INIT_FEATURES = featureBits(
  FEATURE_BITS.var_onion_optin[0],
  FEATURE_BITS.payment_secret[0],
  FEATURE_BITS.basic_mpp[1],
  FEATURE_BITS.keysend[1],
)
