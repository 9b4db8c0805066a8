/**
 * Finds the route for a method and path. Every request is matched against all
 * the routes, so their patterns are split once, at start, and a path is
 * compared segment by segment without allocating; parameters are decoded only
 * for the route that answers. A path some route has, but not for this method,
 * is a 405 naming the methods it has; a path none has, a 404.
 */
import { HttpRequestError } from './errors.js'
import type { HttpMethod, Route } from './route.js'

export interface RouteMatch {
  route: Route
  params: Record<string, string>
}

interface CompiledRoute {
  route: Route
  segments: string[]
}

function fits(segments: string[], parts: string[]): boolean {
  if (segments.length !== parts.length) return false
  for (let i = 0; i < segments.length; i++) if (segments[i]![0] !== ':' && segments[i] !== parts[i]) return false
  return true
}

function paramsOf(segments: string[], parts: string[]): Record<string, string> {
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]![0] !== ':') continue
    try {
      params[segments[i]!.slice(1)] = decodeURIComponent(parts[i]!)
    } catch {
      throw new HttpRequestError(
        'INVALID_REQUEST',
        `the path segment ${JSON.stringify(parts[i])} is not valid percent-encoding`,
        segments[i]!.slice(1),
      )
    }
  }
  return params
}

export class RouteTable {
  private readonly routes: CompiledRoute[]

  /** `getOnly`: paths answered on GET outside the routes (event streams, static files), for the 405's list. */
  constructor(
    routes: readonly Route[],
    private readonly getOnly: ReadonlySet<string>,
    private readonly notFoundHint?: string,
  ) {
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/') }))
  }

  /**
   * The route for the request, or throws NOT_FOUND, METHOD_NOT_ALLOWED or INVALID_REQUEST (a parameter that does not
   * decode).
   */
  find(method: string, pathname: string): RouteMatch {
    const parts = pathname.split('/')
    let allowed: HttpMethod[] | undefined
    for (const { route, segments } of this.routes) {
      if (!fits(segments, parts)) continue
      if (route.method === method) return { route, params: paramsOf(segments, parts) }
      ;(allowed ??= []).push(route.method)
    }
    if (this.getOnly.has(pathname)) (allowed ??= []).push('GET')
    if (!allowed)
      throw new HttpRequestError(
        'NOT_FOUND',
        `no route ${pathname}${this.notFoundHint ? `; ${this.notFoundHint}` : ''}`,
      )
    throw new HttpRequestError(
      'METHOD_NOT_ALLOWED',
      `${method} is not allowed on ${pathname} (try ${[...new Set(allowed)].join(' or ')})`,
    )
  }
}
