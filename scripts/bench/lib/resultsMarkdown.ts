/**
 * bench/results.md, section by section. A full run writes the whole file; a run of some sections (or of the big
 * part) replaces only those sections in the committed file, so a fresh clone, which has no bench/results.json,
 * keeps every other section's figures instead of losing them.
 */
import { formatValue, type Figure } from '../harness.js'

/** Heading of the section kept by hand, under the code each figure justifies: always last, never rewritten. */
export const BY_HAND_HEADING = '## Measured by hand'

/** Each section's figures as a markdown table under its heading, in the order the figures came. */
export function renderSections(figures: readonly Figure[]): Array<{ section: string; markdown: string }> {
  const order: string[] = []
  const bySection = new Map<string, Figure[]>()
  for (const f of figures) {
    if (!bySection.has(f.section)) order.push(f.section)
    bySection.set(f.section, [...(bySection.get(f.section) ?? []), f])
  }
  return order.map((section) => {
    const list = bySection.get(section)!
    const bounded = list.some((f) => f.bound !== undefined)
    const lines = [
      `## ${section}`,
      '',
      bounded ? '| figure | value | unit | lower bound | ratio | note |' : '| figure | value | unit | note |',
      bounded ? '|---|---:|---|---:|---:|---|' : '|---|---:|---|---|',
    ]
    for (const f of list) {
      const bound = bounded
        ? ` ${f.bound === undefined ? '' : formatValue(f.bound)} ` +
          `| ${f.ratio === undefined ? '' : `${f.ratio.toFixed(1)}×`} |`
        : ''
      lines.push(`| ${f.name} | ${formatValue(f.value)} | ${f.unit} |${bound} ${f.note ?? ''} |`)
    }
    return { section, markdown: lines.join('\n') }
  })
}

/** A whole results.md: the header, every section, then the hand-kept part of the file it replaces. */
export function wholeResults(header: readonly string[], figures: readonly Figure[], previous: string): string {
  const sections = renderSections(figures).map((s) => `\n${s.markdown}`)
  return [...header, ...sections].join('\n') + '\n' + byHandPart(previous)
}

/**
 * `previous` with each measured section in place of the one of the same heading (a new one goes before the
 * hand-kept part), under a line that says when and at what machine speed it was measured; the rest is untouched.
 */
export function spliceSections(previous: string, figures: readonly Figure[], measuredLine: string): string {
  let text = previous
  for (const { section, markdown } of renderSections(figures)) {
    const block = `${markdown.replace('\n\n', `\n\n${measuredLine}\n\n`)}\n`
    const start = text.indexOf(`\n## ${section}\n`)
    if (start >= 0) {
      const next = text.indexOf('\n## ', start + 1)
      text = text.slice(0, start + 1) + block + (next >= 0 ? '\n' + text.slice(next + 1) : '')
    } else {
      const byHand = text.indexOf(BY_HAND_HEADING)
      text = byHand >= 0 ? `${text.slice(0, byHand)}${block}\n${text.slice(byHand)}` : `${text}\n${block}`
    }
  }
  return text
}

function byHandPart(text: string): string {
  return text.includes(BY_HAND_HEADING) ? '\n' + text.slice(text.indexOf(BY_HAND_HEADING)) : ''
}
