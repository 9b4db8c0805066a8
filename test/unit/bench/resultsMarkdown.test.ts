/**
 * bench/results.md after a part of the bench ran: only the sections measured are replaced, so a fresh clone (no
 * bench/results.json) keeps every other section's figures and the hand-kept part.
 */
import { describe, expect, it } from 'vitest'
import { BY_HAND_HEADING, spliceSections, wholeResults } from '../../../scripts/bench/lib/resultsMarkdown.js'
import type { Figure } from '../../../scripts/bench/harness.js'

const fig = (section: string, name: string, value: number, extra: Partial<Figure> = {}): Figure =>
  ({ section, name, value, unit: 'ops/s', ...extra }) as Figure

const full = wholeResults(
  ['# lnsim benchmark results', '', 'header', ''],
  [
    fig('Crypto', 'verify', 16_585),
    fig('Wire', 'decode', 900_000),
    fig('Payments', 'one hop', 40, { bound: 20, ratio: 2 }),
  ],
  `# old\n\n${BY_HAND_HEADING}\n\nkept by hand: 7 s\n`,
)

describe('bench results markdown', () => {
  it('writes every section of a full run, then the hand-kept part of the file it replaces', () => {
    expect(full).toContain(
      '## Crypto\n\n| figure | value | unit | note |\n|---|---:|---|---|\n| verify | 16,585 | ops/s |  |',
    )
    expect(full).toContain('| one hop | 40 | ops/s | 20 | 2.0× |')
    expect(full.indexOf('## Payments')).toBeLessThan(full.indexOf(BY_HAND_HEADING))
    expect(full).toContain('kept by hand: 7 s')
  })

  it('replaces only the sections a partial run measured, and adds a new one before the hand-kept part', () => {
    const spliced = spliceSections(
      full,
      [fig('Wire', 'decode', 1_200_000), fig('Big', '500 nodes up', 456)],
      'Measured again today.',
    )
    expect(spliced).toContain('| verify | 16,585 | ops/s |  |')
    expect(spliced).toContain('| one hop | 40 | ops/s | 20 | 2.0× |')
    expect(spliced).not.toContain('900,000')
    expect(spliced).toContain('## Wire\n\nMeasured again today.\n\n| figure | value | unit | note |')
    expect(spliced).toContain('| decode | 1,200,000 | ops/s |  |')
    expect(spliced.indexOf('## Big')).toBeGreaterThan(spliced.indexOf('## Payments'))
    expect(spliced.indexOf('## Big')).toBeLessThan(spliced.indexOf(BY_HAND_HEADING))
    expect(spliced).toContain('kept by hand: 7 s')
    // the sections keep their order, each once
    expect(spliced.match(/^## /gm)).toHaveLength(5)
    expect(spliceSections(spliced, [fig('Wire', 'decode', 1_300_000)], 'Again.').match(/^## Wire$/gm)).toHaveLength(1)
  })
})
