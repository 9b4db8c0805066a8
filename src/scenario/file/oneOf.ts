/**
 * The shape of every step, condition and expectation in a scenario file: an
 * object with exactly one key naming what it is (`- pay: {...}`, `- mine:
 * {...}`), the way CI files name their actions. Parsed, it becomes a tagged
 * union on `kind`.
 */
import type { z } from 'zod'
import { strictObject } from './values.js'

export type Variants = Record<string, z.ZodType>
export type OneOf<V extends Variants> = { [K in keyof V & string]: { kind: K } & z.output<V[K]> }[keyof V & string]

/**
 * An object with exactly one of the variants' keys. Written as one object with
 * optional keys (not a union) so that a mistake inside a step is reported at
 * its own field, not as "no variant matched".
 */
export function oneOf<V extends Variants>(what: string, variants: V): z.ZodType<OneOf<V>, unknown> {
  const shape = Object.fromEntries(Object.entries(variants).map(([k, s]) => [k, s.optional()]))
  const names = Object.keys(variants).join(', ')
  return strictObject(shape)
    .meta({ minProperties: 1, maxProperties: 1 })
    .check((ctx) => {
      const present = Object.keys(ctx.value).filter((k) => (ctx.value as Record<string, unknown>)[k] !== undefined)
      if (present.length !== 1) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message:
            present.length === 0
              ? `a ${what} needs one of: ${names}`
              : `a ${what} is one of ${names}, not several (${present.join(' and ')}); make them separate list items`,
        })
      }
    })
    .transform((v) => {
      const [kind, value] = Object.entries(v).find(([, x]) => x !== undefined)!
      return { kind, ...(value as object) } as OneOf<V>
    }) as unknown as z.ZodType<OneOf<V>, unknown>
}
