/**
 * Which addresses a node tells its peers, and which peers' addresses escape
 * libp2p's inbound rate limits. A simulator's tens of peers connect at once;
 * libp2p's limits (per-address connection rate, pending inbound) would refuse
 * most of them, so the network the node lives on is allowed in full: loopback
 * always, and when the node listens beyond loopback (a container, a cluster
 * pod), the subnets of the interfaces it listens on.
 */
import { networkInterfaces } from 'node:os'
import { isIPv4 } from 'node:net'

/** Loopback, the only network a node listening on 127.0.0.1 has peers on. */
export const LOOPBACK_NETWORKS = ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128'] as const

const IP_OF = /^\/(ip4|ip6)\/([^/]+)/

function isLoopbackAddr(multiaddr: string): boolean {
  const m = IP_OF.exec(multiaddr)
  return m !== null && (m[2] === '::1' || m[2]!.startsWith('127.'))
}

/**
 * The order a node announces its addresses in: routable ones first, loopback last. A peer dials the first; a
 * node in a pod that announced 127.0.0.1 first would be dialled on the dialler's own loopback.
 */
export function announcementOrder(addresses: readonly string[]): string[] {
  return [...addresses.filter((a) => !isLoopbackAddr(a)), ...addresses.filter(isLoopbackAddr)]
}

function ipv4Network(address: string, prefix: number): string {
  const n = address.split('.').reduce((acc, part) => (acc << 8) | Number(part), 0) >>> 0
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0
  const base = (n & mask) >>> 0
  return [24, 16, 8, 0].map((shift) => (base >>> shift) & 255).join('.')
}

export interface InterfaceAddress {
  address: string
  /** e.g. 10.88.0.5/16 */
  cidr: string | null
  internal: boolean
}

function machineAddresses(): InterfaceAddress[] {
  return Object.values(networkInterfaces()).flatMap((list) => list ?? [])
}

/** The networks whose peers pass libp2p's inbound limits, as multiaddrs for its connection manager's allow-list. */
export function peerAllowList(
  listen: readonly string[],
  interfaces: readonly InterfaceAddress[] = machineAddresses(),
): string[] {
  const allowed = new Set<string>(LOOPBACK_NETWORKS)
  const networkOf = (a: InterfaceAddress): string | undefined => {
    const prefix = Number(a.cidr?.split('/')[1])
    if (a.internal || !Number.isInteger(prefix)) return undefined
    return isIPv4(a.address)
      ? `/ip4/${ipv4Network(a.address, prefix)}/ipcidr/${prefix}`
      : `/ip6/${a.address}/ipcidr/${prefix}`
  }
  for (const ma of listen) {
    const m = IP_OF.exec(ma)
    if (!m) continue
    const [, family, ip] = m
    const wildcard = ip === '0.0.0.0' || ip === '::'
    for (const a of interfaces) {
      const sameFamily = (family === 'ip4') === isIPv4(a.address)
      if (!sameFamily || (!wildcard && a.address !== ip)) continue
      const net = networkOf(a)
      if (net) allowed.add(net)
    }
  }
  return [...allowed]
}
