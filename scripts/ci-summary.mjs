// Prints the plain "N passed, N failed" line CI reads, from vitest's JSON report.
// A missing report (the type check or the build failed first) counts as a failure.
import { readFileSync } from 'node:fs'

const file = process.argv[2]
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch {
  console.log('no test report was written (did the type check or the build fail?)')
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const passed = report.numPassedTests ?? 0
const loadFailures = (report.testResults ?? []).filter(
  (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
).length
const failed = (report.numFailedTests ?? 0) + loadFailures
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
for (const suite of report.testResults ?? []) {
  for (const t of suite.assertionResults ?? []) {
    if (t.status === 'failed') console.log(`FAILED: ${suite.name.replace(process.cwd() + '/', '')} > ${t.fullName}`)
  }
  if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0)
    console.log(
      `FAILED to load: ${suite.name.replace(process.cwd() + '/', '')}: ${(suite.message ?? '').split('\n')[0]}`,
    )
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
