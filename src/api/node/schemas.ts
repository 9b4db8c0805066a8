/**
 * Shared field schemas for the control API. On the wire, bigint amounts are
 * decimal strings and bytes are lowercase hex; these schemas parse them back
 * into typed values, rejecting anything else with the field's name.
 */
import { z } from 'zod'

/** A non-negative integer amount, given as a decimal string (or a safe integer), parsed to bigint. */
export const amount = z
  .union([
    z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'must be a whole number'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z.bigint().nonnegative(),
  ])
  .transform((v) => BigInt(v))

export const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lowercase hex')
export const nodeIdHex = z.string().regex(/^0[23][0-9a-f]{64}$/, 'must be a 33-byte compressed public key in hex')
export const scidText = z.string().regex(/^[0-9]+x[0-9]+x[0-9]+$/, 'must be a short channel id like 103x1x0')
export const isoTime = z.string()

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const path = issue.path.length ? issue.path.join('.') : what
  throw new ApiShapeError(`${what}: ${path} ${issue.message}`, path)
}

/** A request or response did not have the agreed shape. */
export class ApiShapeError extends Error {
  readonly field: string
  constructor(message: string, field: string) {
    super(message)
    this.name = 'ApiShapeError'
    this.field = field
  }
}
