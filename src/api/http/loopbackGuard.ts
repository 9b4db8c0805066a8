/**
 * Which requests a server on the loopback interface answers (the chain
 * daemon, a node's control API, the dashboard).
 *
 * Listening on 127.0.0.1 keeps other machines out, not web pages: any page the
 * user opens can make the browser send requests to 127.0.0.1. A form's
 * `text/plain` POST needs no CORS preflight, so without this a page could mine
 * blocks or drain the faucet; and by DNS rebinding (its own name, re-pointed at
 * 127.0.0.1) it could read the answers as same-origin. Browsers always send
 * `Host` with the name the page used, and send `Origin` on every cross-origin
 * request; tools (curl, the CLI, Node's http and fetch) send no `Origin`. So a
 * request is answered only when its Host names this server (127.0.0.1,
 * localhost or [::1], with the port it listens on) and its Origin, if it has
 * one, is this server's own (the dashboard's page calls its own server).
 *
 * A simple GET from another site's page (an image, a link) carries no Origin.
 * Browsers of the last years mark every request with Sec-Fetch-Site, so one
 * that says another site sent it is refused too; `none` (the user typed the
 * address) and `same-origin` are answered, and programs send no such header.
 *
 * A server bound beyond loopback (`--host`) answers the names of its bind
 * address too (bindAddress.ts, hostNamesFor), and nothing else.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { LnsimError } from '../../core/errors.js'
import { LOOPBACK_NAMES } from './bindAddress.js'

/** A request from a web page of another site, or addressed to another name: answered 403. */
export class ForeignRequestError extends LnsimError {
  constructor(code: 'FORBIDDEN_HOST' | 'FORBIDDEN_ORIGIN', message: string) {
    super(code, message)
    this.name = 'ForeignRequestError'
  }
}

/** HTTP status for ForeignRequestError's codes. */
export const FOREIGN_REQUEST_STATUS = 403

function ownHosts(port: number, names: readonly string[]): string[] {
  // a browser leaves out the default port
  return names.flatMap((name) => (port === 80 ? [`${name}:80`, name] : [`${name}:${port}`]))
}

/**
 * The refusal for a request this server must not answer, or undefined when it may.
 * `names`: the host names the server answers to (default: the loopback ones).
 */
export function foreignRequest(
  headers: IncomingHttpHeaders,
  port: number,
  names: readonly string[] = LOOPBACK_NAMES,
): ForeignRequestError | undefined {
  const hosts = ownHosts(port, names)
  const host = headers.host?.toLowerCase()
  if (host === undefined || !hosts.includes(host)) {
    const listed = names.map((n) => `${n}:${port}`)
    return new ForeignRequestError(
      'FORBIDDEN_HOST',
      `this server answers only requests addressed to ${listed.slice(0, -1).join(', ')} or ${listed.at(-1)} ` +
        '(the Host header names another)',
    )
  }
  const origin = headers.origin
  const site = headers['sec-fetch-site']
  if (
    (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) ||
    (site !== undefined && site !== 'same-origin' && site !== 'none')
  ) {
    return new ForeignRequestError(
      'FORBIDDEN_ORIGIN',
      `requests from web pages of other origins are refused; call http://127.0.0.1:${port} from a program (curl, ` +
        'lnsim, a script), which sends no Origin header',
    )
  }
  return undefined
}
