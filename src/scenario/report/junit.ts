/**
 * JUnit XML for CI systems: one test case per expectation, in the order they
 * were checked. A network that could not start, or a run that was
 * interrupted, is one test case with an <error>, so CI shows why there are
 * no others.
 */
import type { RunSummary } from './report.js'

export function escapeXml(text: string): string {
  // characters XML 1.0 cannot carry at all are dropped; the five with meaning are escaped
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

/** The seed, and the run's metadata when there is some: which run, which lnsim, which scenario file. */
function properties(summary: RunSummary): string {
  const run = summary.run
  const pairs: [string, string | number | boolean | null][] = [['seed', summary.seed]]
  if (run)
    pairs.push(
      ['runId', run.runId],
      ['lnsimVersion', run.lnsimVersion],
      ['gitCommit', run.gitCommit],
      ['scenarioHash', run.scenarioHash],
      ['nodes', run.nodes],
      ['channels', run.channels],
      ['lean', run.lean],
      ['cores', run.cores],
    )
  return pairs
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `<property name="${k}" value="${escapeXml(String(v))}"/>`)
    .join('')
}

export function renderJUnit(summary: RunSummary, file?: string): string {
  const suite = escapeXml(summary.scenario)
  const cases: string[] = summary.expectations.verdicts.map((v) => {
    const head =
      `    <testcase classname="${suite}" name="${escapeXml(v.name)}" ` +
      `time="0"${file ? ` file="${escapeXml(file)}"` : ''}>`
    if (v.ok) return `${head}</testcase>`
    return (
      `${head}\n      <failure message="${escapeXml(v.detail)}" type="${escapeXml(v.source)}">` +
      `${escapeXml(`${v.name}\nexpected at ${v.source}\nseen: ${v.detail}`)}</failure>\n    </testcase>`
    )
  })
  let errors = 0
  if (summary.status === 'not-started' || summary.status === 'interrupted' || summary.status === 'invalid') {
    errors = 1
    const what = summary.status === 'interrupted' ? 'the run completes' : 'the network starts'
    const message = summary.error?.message ?? summary.status
    cases.push(
      `    <testcase classname="${suite}" name="${what}" time="${seconds(summary.durationMs)}">\n      <error ` +
        `message="${escapeXml(message)}" type="${escapeXml(summary.error?.code ?? summary.status)}">` +
        `${escapeXml(message)}</error>\n    </testcase>`,
    )
  }
  const failures = summary.expectations.failed
  const tests = cases.length
  const attrs = `tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(summary.durationMs)}"`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lnsim" ${attrs}>`,
    `  <testsuite name="${suite}" ${attrs} timestamp="${summary.startedAt}">`,
    `    <properties>${properties(summary)}</properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
