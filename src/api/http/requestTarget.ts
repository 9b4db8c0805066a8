/**
 * The path and query of a request target. lnsim's clients and browsers send
 * the origin form ("/v1/pay?x=1"), split here directly: WHATWG URL parsing was
 * a measurable part of every request (bench/results.md). Anything else (an
 * absolute form, "//…") goes through URL. The path is not normalized:
 * "/assets/../x" is no asset's path, and no route's.
 */
export interface RequestTarget {
  pathname: string
  query: URLSearchParams
}

export function requestTarget(raw: string): RequestTarget {
  if (raw[0] !== '/' || raw[1] === '/') {
    const url = new URL(raw, 'http://127.0.0.1')
    return { pathname: url.pathname, query: url.searchParams }
  }
  const q = raw.indexOf('?')
  return q < 0
    ? { pathname: raw, query: new URLSearchParams() }
    : { pathname: raw.slice(0, q), query: new URLSearchParams(raw.slice(q + 1)) }
}
