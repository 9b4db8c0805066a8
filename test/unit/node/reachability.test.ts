/**
 * What a node announces and whom libp2p lets in without rate limits: routable
 * addresses before loopback (a peer dials the first), and the subnets the node
 * listens on beside loopback (peers in other pods or containers).
 */
import { describe, expect, it } from 'vitest'
import {
  LOOPBACK_NETWORKS,
  announcementOrder,
  peerAllowList,
  type InterfaceAddress,
} from '../../../src/node/transport/reachability.js'

const pod: InterfaceAddress[] = [
  { address: '127.0.0.1', cidr: '127.0.0.1/8', internal: true },
  { address: '10.88.0.7', cidr: '10.88.0.7/16', internal: false },
  { address: '192.168.5.9', cidr: '192.168.5.9/24', internal: false },
  { address: 'fd00::2', cidr: 'fd00::2/64', internal: false },
]

describe('reachability', () => {
  it('announces routable addresses before loopback ones, keeping their order', () => {
    expect(
      announcementOrder([
        '/ip4/127.0.0.1/tcp/9735',
        '/ip4/10.88.0.7/tcp/9735',
        '/ip6/::1/tcp/9735',
        '/ip6/fd00::2/tcp/1',
      ]),
    ).toEqual(['/ip4/10.88.0.7/tcp/9735', '/ip6/fd00::2/tcp/1', '/ip4/127.0.0.1/tcp/9735', '/ip6/::1/tcp/9735'])
  })

  it('a node on loopback lets only loopback past the inbound limits', () => {
    expect(peerAllowList(['/ip4/127.0.0.1/tcp/0'], pod)).toEqual([...LOOPBACK_NETWORKS])
  })

  it('a node on one address lets in that address’s subnet; on 0.0.0.0 every IPv4 subnet', () => {
    expect(peerAllowList(['/ip4/10.88.0.7/tcp/0'], pod)).toEqual([...LOOPBACK_NETWORKS, '/ip4/10.88.0.0/ipcidr/16'])
    expect(peerAllowList(['/ip4/0.0.0.0/tcp/0'], pod)).toEqual([
      ...LOOPBACK_NETWORKS,
      '/ip4/10.88.0.0/ipcidr/16',
      '/ip4/192.168.5.0/ipcidr/24',
    ])
    expect(peerAllowList(['/ip6/::/tcp/0'], pod)).toEqual([...LOOPBACK_NETWORKS, '/ip6/fd00::2/ipcidr/64'])
  })
})
