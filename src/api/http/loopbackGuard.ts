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
 */
import type { IncomingHttpHeaders } from 'node:http'
import { LnsimError } from '../../core/errors.js'

/** The names a loopback server answers to; a browser on the same machine reaches it by one of them. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const

/** A request from a web page of another site, or addressed to another name: answered 403. */
export class ForeignRequestError extends LnsimError {
  constructor(code: 'FORBIDDEN_HOST' | 'FORBIDDEN_ORIGIN', message: string) {
    super(code, message)
    this.name = 'ForeignRequestError'
  }
}

/** HTTP status for ForeignRequestError's codes. */
export const FOREIGN_REQUEST_STATUS = 403

function ownHosts(port: number): string[] {
  // a browser leaves out the default port
  return LOOPBACK_NAMES.flatMap((name) => (port === 80 ? [`${name}:80`, name] : [`${name}:${port}`]))
}

/** The refusal for a request this server must not answer, or undefined when it may. */
export function foreignRequest(headers: IncomingHttpHeaders, port: number): ForeignRequestError | undefined {
  const hosts = ownHosts(port)
  const host = headers.host?.toLowerCase()
  if (host === undefined || !hosts.includes(host)) {
    return new ForeignRequestError(
      'FORBIDDEN_HOST',
      `this server answers only requests addressed to 127.0.0.1:${port}, localhost:${port} or [::1]:${port} ` +
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
