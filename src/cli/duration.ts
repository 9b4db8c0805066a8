/** Durations as people type them: `90s`, `5m`, `1h30m`, `500ms`; a bare number is seconds. */
import { CliError } from './command.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

/** The longest duration accepted: a day, well past any run (setTimeout's own limit is about 24.8 days). */
export const MAX_DURATION_MS = 86_400_000

export function parseDuration(text: string, name: string): number {
  const usage = (why: string): CliError =>
    new CliError(`${name} ${why}, got ${JSON.stringify(text)} (e.g. 90s, 5m, 1h30m, 500ms)`, {
      exitCode: 2,
      code: 'USAGE',
    })
  const bare = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) * 1_000 : undefined
  let ms = bare ?? 0
  if (bare === undefined) {
    const parts = [...text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)]
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw usage('must be a duration')
    for (const p of parts) ms += Number(p[1]) * UNIT_MS[p[2]!]!
  }
  ms = Math.round(ms)
  if (ms <= 0 || ms > MAX_DURATION_MS) throw usage(`must be above 0 and at most ${MAX_DURATION_MS / 3_600_000} h`)
  return ms
}
