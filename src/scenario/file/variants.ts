/**
 * Paired runs: a scenario's `variants` are runs of the same network from the
 * same seed (the same keys, channels and honest traffic), each changing what it
 * names: its own steps (in place of the scenario's), expectations added to the
 * scenario's, and node overrides (any field of a node but its name, merged over
 * it, so a field a node gains, such as a forwarding policy, is a variant's to
 * change too). `compare` checks a metric of one variant against another's.
 */
import { z } from 'zod'
import { Expectation, NodeSpec, Step } from './schema.js'
import { nodeName, strictObject } from './values.js'
import { checkReferences } from './references.js'

export const variantName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')

/** Every field of a node but its name, each optional. */
export const NodeOverride = NodeSpec.omit({ name: true }).partial()

export const Variant = strictObject({
  description: z.string().max(2000).optional(),
  steps: z.array(Step).max(10_000).optional().describe("this variant's steps, in place of the scenario's"),
  expect: z.array(Expectation).max(10_000).optional().describe("checked after the scenario's own expectations"),
  nodes: z
    .record(nodeName, NodeOverride)
    .optional()
    .describe('per node name, fields merged over the node (e.g. a fee policy)'),
})
export type Variant = z.output<typeof Variant>

/** The metrics `compare` knows; the per-node ones need `node`. */
export const COMPARE_METRICS = {
  honestSuccessRate: "percent of the run's payments (pay and traffic steps, never a jam's) that succeeded",
  honestLatencyP50Ms: 'the median latency of those that succeeded, ms',
  revenueMsat: 'routing fees the node earned, msat',
  feesPaidMsat: 'routing fees the node paid, msat',
  lockedMsatSeconds: "capital the node's offered HTLCs locked, msat × s",
  htlcsHeld: "the node's offered HTLCs that were held (in flight 5 s or more)",
  attackerCostMsat: "what the jams' attackers paid: routing fees plus on-chain fees, msat",
} as const
export type CompareMetric = keyof typeof COMPARE_METRICS
export const NODE_METRICS: readonly CompareMetric[] = ['revenueMsat', 'feesPaidMsat', 'lockedMsatSeconds', 'htlcsHeld']

export const Comparison = strictObject({
  metric: z.enum(Object.keys(COMPARE_METRICS) as [CompareMetric, ...CompareMetric[]]).describe(
    Object.entries(COMPARE_METRICS)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  ),
  node: nodeName.optional().describe('the node, for revenueMsat, feesPaidMsat, lockedMsatSeconds and htlcsHeld'),
  variant: variantName.describe('the variant whose metric is checked'),
  atLeastPercentOf: variantName.optional().describe("holds when the metric is at least `percent` % of this variant's"),
  atMostPercentOf: variantName.optional().describe("holds when the metric is at most `percent` % of this variant's"),
  percent: z.number().min(0).max(1_000_000),
})
  .refine((c) => (c.atLeastPercentOf === undefined) !== (c.atMostPercentOf === undefined), {
    message: 'give atLeastPercentOf or atMostPercentOf, one of them',
  })
  .refine((c) => NODE_METRICS.includes(c.metric) === (c.node !== undefined), {
    message: 'revenueMsat, feesPaidMsat, lockedMsatSeconds and htlcsHeld need a node; the other metrics take none',
    path: ['node'],
  })
export type Comparison = z.output<typeof Comparison>

interface Shape {
  nodes: { name: string }[]
  steps: Step[]
  expect: Expectation[]
  variants?: Record<string, Variant> | undefined
  compare: Comparison[]
}

/**
 * Checks each variant as the scenario it makes (its steps' nodes, channels and ids), reporting a problem at the
 * variant's own text; the scenario's own parts were checked already.
 */
export function checkVariants(s: Shape & Parameters<typeof checkReferences>[0], ctx: z.RefinementCtx): void {
  const variants = s.variants ?? {}
  const nodes = new Set(s.nodes.map((n) => n.name))
  for (const [name, v] of Object.entries(variants)) {
    for (const node of Object.keys(v.nodes ?? {}))
      if (!nodes.has(node))
        ctx.addIssue({
          code: 'custom',
          path: ['variants', name, 'nodes', node],
          message: `no node named "${node}" (the nodes are: ${[...nodes].join(', ')})`,
        })
    const merged = { ...s, steps: v.steps ?? s.steps, expect: [...s.expect, ...(v.expect ?? [])] }
    const inVariant: z.RefinementCtx = {
      ...ctx,
      addIssue: (issue) => {
        if (typeof issue === 'string') return
        const [list, index, ...rest] = (issue.path ?? []) as (string | number)[]
        if (list === 'steps' && v.steps)
          ctx.addIssue({ ...issue, path: ['variants', name, 'steps', index!, ...rest] } as never)
        else if (list === 'expect' && typeof index === 'number' && index >= s.expect.length)
          ctx.addIssue({ ...issue, path: ['variants', name, 'expect', index - s.expect.length, ...rest] } as never)
      },
    }
    checkReferences(merged, inVariant)
  }
  s.compare.forEach((c, i) => {
    for (const key of ['variant', 'atLeastPercentOf', 'atMostPercentOf'] as const) {
      const v = c[key]
      if (v !== undefined && !(v in variants))
        ctx.addIssue({
          code: 'custom',
          path: ['compare', i, key],
          message: `no variant named "${v}" (the variants are: ${Object.keys(variants).join(', ') || 'none'})`,
        })
    }
    if (c.node !== undefined && !nodes.has(c.node))
      ctx.addIssue({ code: 'custom', path: ['compare', i, 'node'], message: `no node named "${c.node}"` })
  })
}

/** The scenario one variant makes: its steps, the scenario's expectations then its own, its nodes' overrides. */
export function applyVariant<
  S extends { nodes: { name: string }[]; steps: Step[]; expect: Expectation[]; variants?: Record<string, Variant> },
>(scenario: S, name: string): S & { variant: string } {
  const v = scenario.variants?.[name]
  if (!v) throw new Error(`no variant named ${name}`)
  const overrides = v.nodes ?? {}
  return {
    ...scenario,
    variant: name,
    steps: v.steps ?? scenario.steps,
    expect: [...scenario.expect, ...(v.expect ?? [])],
    nodes: scenario.nodes.map((n) => ({ ...n, ...stripUndefined(overrides[n.name] ?? {}) })),
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
