/**
 * Where a server listens and what it calls itself. By default every lnsim
 * server listens on 127.0.0.1 only; `--host` lets one listen on another
 * address (a container's, a cluster pod's) or on every interface (0.0.0.0).
 * The URL a server writes (chain.url, api.url) must then be one that a client
 * elsewhere can dial: the bind address itself, or for a wildcard bind the
 * machine's first routable address.
 */
import { hostname, networkInterfaces } from 'node:os'
import { isIPv4, isIPv6 } from 'node:net'
import { LnsimError } from '../../core/errors.js'

/** The default bind address: other machines cannot reach it. */
export const LOOPBACK_HOST = '127.0.0.1'

/** The names a loopback server answers to; a browser on the same machine reaches it by one of them. */
export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const

export class BindAddressError extends LnsimError {
  constructor(message: string) {
    super('BAD_HOST', message)
    this.name = 'BindAddressError'
  }
}

/** A bind address: an IPv4 or IPv6 literal, or `localhost`. Names that resolve elsewhere are refused. */
export function parseBindHost(raw: string): string {
  const host = raw.trim().replace(/^\[(.*)\]$/, '$1')
  if (host === 'localhost') return LOOPBACK_HOST
  if (!isIPv4(host) && !isIPv6(host))
    throw new BindAddressError(`--host ${JSON.stringify(raw)} is not an IP address (e.g. 127.0.0.1, 0.0.0.0, 10.0.0.5)`)
  return host
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

export function isLoopbackHost(host: string): boolean {
  return host === '::1' || host === 'localhost' || /^127\./.test(host)
}

/** The machine's non-loopback addresses, IPv4 first (what a peer on another machine or pod dials). */
export function routableAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? [])
  const usable = all.filter((a) => !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80:')))
  return [...usable.filter((a) => a.family === 'IPv4'), ...usable.filter((a) => a.family === 'IPv6')].map(
    (a) => a.address,
  )
}

/** `host` as it goes in a URL or a Host header: IPv6 in brackets. */
export function urlHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host
}

/** The host a client should dial to reach a server bound to `host`. */
export function advertisedHost(host: string): string {
  if (!isWildcardHost(host)) return host
  return routableAddresses()[0] ?? LOOPBACK_HOST
}

/**
 * The names a request's Host header may carry to reach a server bound to `host`: the loopback names (a local
 * client), the bind address, and for a wildcard bind every address of the machine and its host name (a Kubernetes
 * pod's host name is the pod's, which its Service is named after).
 */
export function hostNamesFor(host: string): string[] {
  const names = new Set<string>(LOOPBACK_NAMES)
  if (!isLoopbackHost(host)) {
    if (isWildcardHost(host)) for (const a of routableAddresses()) names.add(urlHost(a))
    else names.add(urlHost(host))
    names.add(hostname().toLowerCase())
  }
  return [...names]
}
