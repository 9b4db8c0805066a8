/**
 * What every fuzz property holds a decoder to: for any input it returns a value
 * or throws its documented error (an LnsimError subclass with a code), never
 * anything else, and no input takes longer than MAX_RUN_MS.
 *
 * Runs per property: a small number in `npm test`; LNSIM_FUZZ_RUNS=100000 for
 * a long run (LNSIM_FUZZ_SEED replays one). fast-check reports the failing
 * input, shrunk, with the seed and path to replay it.
 */
import fc from 'fast-check'
import { LnsimError } from '../../src/core/errors.js'

/** LNSIM_FUZZ_RUNS: inputs per property, overriding each property's default. */
const RUNS_OVERRIDE = process.env.LNSIM_FUZZ_RUNS ? Number(process.env.LNSIM_FUZZ_RUNS) : undefined
/** LNSIM_FUZZ_RUN_MS: the longest any single input may take (default 1 s; decoders take micro- to milliseconds). */
export const MAX_RUN_MS = Number(process.env.LNSIM_FUZZ_RUN_MS ?? 1000)
const SEED = process.env.LNSIM_FUZZ_SEED ? Number(process.env.LNSIM_FUZZ_SEED) : undefined

export function runsOf(defaultRuns: number): number {
  return RUNS_OVERRIDE ?? defaultRuns
}

/** The vitest timeout for a property: every run may take up to MAX_RUN_MS. */
export function timeoutFor(defaultRuns: number): number {
  return Math.max(30_000, runsOf(defaultRuns) * MAX_RUN_MS)
}

type ErrorClass<E extends LnsimError> = abstract new (...args: never[]) => E

export type Outcome<T, E extends LnsimError = LnsimError> = { ok: true; value: T } | { ok: false; error: E }

/**
 * Runs one input through a decoder: its value, or its documented error (one of
 * `typed`, with a code). Anything else thrown, or a run slower than MAX_RUN_MS,
 * fails the property with that input.
 */
export function outcome<T, E extends LnsimError = LnsimError>(
  decode: () => T,
  ...typed: ErrorClass<E>[]
): Outcome<T, E> {
  const started = performance.now()
  let result: Outcome<T, E>
  try {
    result = { ok: true, value: decode() }
  } catch (err) {
    if (!typed.some((c) => err instanceof c)) throw err
    const error = err as E
    if (typeof error.code !== 'string' || error.code === '')
      throw new Error(`${error.name} without a code: ${error.message}`)
    result = { ok: false, error }
  }
  checkTime(started)
  return result
}

export async function asyncOutcome<T, E extends LnsimError = LnsimError>(
  decode: () => Promise<T>,
  ...typed: ErrorClass<E>[]
): Promise<Outcome<T, E>> {
  const started = performance.now()
  let result: Outcome<T, E>
  try {
    result = { ok: true, value: await decode() }
  } catch (err) {
    if (!typed.some((c) => err instanceof c)) throw err
    result = { ok: false, error: err as E }
  }
  checkTime(started)
  return result
}

function checkTime(started: number): void {
  const ms = performance.now() - started
  if (ms > MAX_RUN_MS) throw new Error(`one input took ${ms.toFixed(0)} ms (at most ${MAX_RUN_MS})`)
}

/** fc.assert with the run count and seed of this suite. */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, defaultRuns: number): void {
  fc.assert(property, { numRuns: runsOf(defaultRuns), ...(SEED !== undefined ? { seed: SEED } : {}) })
}

export async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  defaultRuns: number,
): Promise<void> {
  await fc.assert(property, { numRuns: runsOf(defaultRuns), ...(SEED !== undefined ? { seed: SEED } : {}) })
}
