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

interface Suite {
  lines: string[]
  tests: number
  failures: number
  errors: number
  durationMs: number
}

function suite(summary: RunSummary, file?: string): Suite {
  // a paired run's variants are suites of their own
  const name = escapeXml(summary.variant ? `${summary.scenario} [${summary.variant}]` : summary.scenario)
  const cases: string[] = summary.expectations.verdicts.map((v) => {
    const head =
      `    <testcase classname="${name}" name="${escapeXml(v.name)}" ` +
      `time="0"${file ? ` file="${escapeXml(file)}"` : ''}>`
    if (v.ok) return `${head}</testcase>`
    return (
      `${head}\n      <failure message="${escapeXml(v.detail)}" type="${escapeXml(v.source)}">` +
      `${escapeXml(`${v.name}\nexpected at ${v.source}\nseen: ${v.detail}`)}</failure>\n    </testcase>`
    )
  })
  let errors = 0
  if (summary.status !== 'passed' && summary.status !== 'failed') {
    errors = 1
    const what =
      summary.status === 'interrupted'
        ? 'the run completes'
        : summary.status === 'timed-out'
          ? 'the run completes within its time (--timeout)'
          : summary.status === 'invalid'
            ? 'the scenario is valid'
            : 'the network starts'
    const message = summary.error?.message ?? summary.status
    cases.push(
      `    <testcase classname="${name}" name="${what}" time="${seconds(summary.durationMs)}"` +
        `${file ? ` file="${escapeXml(file)}"` : ''}>\n      <error ` +
        `message="${escapeXml(message)}" type="${escapeXml(summary.error?.code ?? summary.status)}">` +
        `${escapeXml(message)}</error>\n    </testcase>`,
    )
  }
  const failures = summary.expectations.failed
  const attrs =
    `tests="${cases.length}" failures="${failures}" errors="${errors}" ` + `time="${seconds(summary.durationMs)}"`
  return {
    lines: [
      `  <testsuite name="${name}" ${attrs} timestamp="${summary.startedAt}">`,
      `    <properties>${properties(summary)}</properties>`,
      ...cases,
      '  </testsuite>',
    ],
    tests: cases.length,
    failures,
    errors,
    durationMs: summary.durationMs,
  }
}

export function renderJUnit(summary: RunSummary, file?: string): string {
  return renderJUnitSuites([{ summary, file }])
}

/** Several runs in one file (`lnsim run a.yaml b.yaml`): a test suite per scenario, the totals over all. */
export function renderJUnitSuites(runs: readonly { summary: RunSummary; file?: string | undefined }[]): string {
  const suites = runs.map((r) => suite(r.summary, r.file))
  const sum = (f: (s: Suite) => number): number => suites.reduce((a, s) => a + f(s), 0)
  const attrs =
    `tests="${sum((s) => s.tests)}" failures="${sum((s) => s.failures)}" errors="${sum((s) => s.errors)}" ` +
    `time="${seconds(sum((s) => s.durationMs))}"`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lnsim" ${attrs}>`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n')
}
