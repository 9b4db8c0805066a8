/**
 * The small value types of a scenario file: amounts, comparisons and names.
 * Amounts are whole numbers (a YAML integer, or a string for values past 2^53
 * or written with `_` separators) parsed to bigint; a comparison is an amount
 * with an operator, `">= 1_000_000"`, or a bare amount meaning `==`.
 */
import { z } from 'zod'
import { MAX_MONEY_SAT } from '../../core/amount.js'
import { NODE_NAME_PATTERN, NODE_NAME_RULE, isReservedNodeName, nodeNameProblem } from '../../core/nodeName.js'

const DIGITS = /^[0-9][0-9_]*$/

function toAmount(value: string | number | bigint, ctx: z.RefinementCtx): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n) return value
    ctx.addIssue({ code: 'custom', message: `must not be negative, got ${value}` })
    return z.NEVER
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value)
    ctx.addIssue({
      code: 'custom',
      message:
        value < 0
          ? `must not be negative, got ${value}`
          : `must be a whole number below 2^53 (write larger amounts as a string), got ${value}`,
    })
    return z.NEVER
  }
  const text = value.trim()
  if (DIGITS.test(text) && !text.endsWith('_')) return BigInt(text.replaceAll('_', ''))
  ctx.addIssue({
    code: 'custom',
    message: text.startsWith('-')
      ? `must not be negative, got ${text}`
      : `must be a whole number like 1000000 or "1_000_000", got ${JSON.stringify(value)}`,
  })
  return z.NEVER
}

/** A non-negative whole amount (msat or sat, as the field's name says); a bigint too, from TypeScript. */
export const amount = z
  .union([z.number(), z.string(), z.bigint()], { error: 'must be a whole number like 1000000 or "1_000_000"' })
  .transform(toAmount)
  .meta({
    anyOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', pattern: DIGITS.source },
    ],
  })

/**
 * An amount of on-chain satoshi: no more than all the bitcoin there will ever be, so a typo is caught here and not by
 * the chain.
 */
export const satAmount = amount.refine(
  (v) => v <= MAX_MONEY_SAT,
  `must be at most ${MAX_MONEY_SAT} sat (21,000,000 BTC)`,
)

export type ComparisonOperator = '>=' | '<=' | '==' | '>' | '<'

export interface Comparison {
  op: ComparisonOperator
  value: bigint
}

const COMPARISON = /^\s*(>=|<=|==|>|<)?\s*([0-9][0-9_]*)\s*$/

/** `">= 1_000_000"`, `"< 5"`, or a bare amount for `==`. */
export const comparison = z
  .union([z.number(), z.string(), z.bigint()], { error: 'must be a comparison like ">= 1000000", "<= 5" or a number' })
  .transform((value, ctx): Comparison => {
    if (typeof value !== 'string') return { op: '==', value: toAmount(value, ctx) }
    const m = COMPARISON.exec(value)
    if (m) return { op: (m[1] ?? '==') as ComparisonOperator, value: BigInt(m[2]!.replaceAll('_', '')) }
    ctx.addIssue({
      code: 'custom',
      message: `must be a comparison like ">= 1000000", "<= 5" or "== 0", got ${JSON.stringify(value)}`,
    })
    return z.NEVER
  })
  .meta({
    anyOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', pattern: COMPARISON.source },
    ],
  })

export function compare(actual: bigint, c: Comparison): boolean {
  switch (c.op) {
    case '>=':
      return actual >= c.value
    case '<=':
      return actual <= c.value
    case '==':
      return actual === c.value
    case '>':
      return actual > c.value
    case '<':
      return actual < c.value
  }
}

export function formatComparison(c: Comparison): string {
  return `${c.op} ${c.value.toLocaleString('en-US')}`
}

/** Node names become process names, directory names and CLI aliases: keep them plain (src/core/nodeName.ts). */
export const nodeName = z
  .string()
  .regex(NODE_NAME_PATTERN, NODE_NAME_RULE)
  .refine((name) => !isReservedNodeName(name), {
    error: (issue) => nodeNameProblem(issue.input as string) ?? NODE_NAME_RULE,
    abort: true,
  })
export const channelName = z.string().regex(/^[A-Za-z0-9_.:>-]{1,64}$/, 'must be 1-64 letters, digits or . _ - : >')
export const stepId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
/**
 * A whole number in a range (a count, a duration, a fee rate); as a string it
 * may use `_` separators, which is how YAML reads `30_000`.
 */
export function wholeNumber(min: number, max: number) {
  return z
    .union([z.number(), z.string()], { error: `must be a whole number from ${min} to ${max}` })
    .transform((value, ctx): number => {
      const n =
        typeof value === 'number' ? value : DIGITS.test(value.trim()) ? Number(value.trim().replaceAll('_', '')) : NaN
      if (Number.isSafeInteger(n) && n >= min && n <= max) return n
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      })
      return z.NEVER
    })
    .meta({
      anyOf: [
        { type: 'integer', minimum: min, maximum: max },
        { type: 'string', pattern: DIGITS.source },
      ],
    })
}

/** A duration in ms, at most a day. */
export const milliseconds = wholeNumber(0, 86_400_000)

/**
 * A strict object whose "unknown key" error names the keys it does take: the
 * most common mistake in a hand-written file is a misspelt key.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected one of: ${known}`
        : undefined,
  })
}

/** An object with no keys, written `{}`: a step or expectation that needs no parameters (`- heal: {}`). */
export const noKeys = strictObject({}).transform((): Record<never, never> => ({}))
