/**
 * The bearer-token check of a server that asks for one (a node's control API:
 * its token is in the node's data directory, readable by its owner only).
 */
import { timingSafeEqual } from 'node:crypto'

/** A check of an Authorization header against `Bearer <token>`, in time that does not tell how much of it matched. */
export function bearerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = Buffer.from(`Bearer ${token}`)
  return (authorization) => {
    const got = Buffer.from(authorization ?? '')
    return got.length === expected.length && timingSafeEqual(got, expected)
  }
}
