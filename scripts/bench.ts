/**
 * `npm run bench`: runs every scripts/bench/*.ts module (except the harness) in
 * file-name order, then writes bench/results.json and bench/results.md.
 * Figures come from a noisy shared machine: compare ratios measured in one run.
 */
import '../src/polyfill.js'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { cpus } from 'node:os'
import { createBench, formatValue, machineSpeed, type BenchModule, type Figure } from './bench/harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
/** `--big` adds the sections that run only when asked (a module exporting `optIn = 'big'`): minutes each */
const big = process.argv.includes('--big')
const only = process.argv.slice(2).filter((a) => a !== '--big')

const files = (await readdir(join(here, 'bench'))).filter((f) => f.endsWith('.ts') && f !== 'harness.ts').sort()
const figures: Figure[] = []
const speedAtStart = machineSpeed()
for (const file of files) {
  const name = file.replace(/\.ts$/, '')
  if (only.length > 0 && !only.includes(name)) continue
  const mod = (await import(pathToFileURL(join(here, 'bench', file)).href)) as BenchModule & { optIn?: string }
  if (mod.optIn === 'big' && !big) continue
  process.stderr.write(`\n${mod.title}\n`)
  await mod.run(createBench(mod.title, figures))
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`
const speed = { atStart: Math.round(speedAtStart), atEnd: Math.round(machineSpeed()) }
const partial = only.length > 0 || big
const speedLine = [
  'Machine speed, a fixed JavaScript workload (scripts/bench/harness.ts machineSpeed):',
  `${formatValue(speed.atStart)} ops/s at the start, ${formatValue(speed.atEnd)} at the end.`,
  'Runs at different speeds are not comparable, and the payments section moves up to 10% between runs even at',
  'one speed: compare two builds in alternating runs.',
  ...(partial ? ['Sections not run this time keep the figures of an earlier run, measured at its own speed.'] : []),
].join(' ')
process.stderr.write(`\n${speedLine}\n`)
await mkdir(join(root, 'bench'), { recursive: true })
// running a subset (or the big part) keeps the other sections of the last full run
if (partial) {
  try {
    const previous = JSON.parse(await readFile(join(root, 'bench', 'results.json'), 'utf8')) as { figures: Figure[] }
    const measured = new Set(figures.map((f) => f.section))
    figures.unshift(...previous.figures.filter((f) => !measured.has(f.section)))
  } catch {
    // no previous results
  }
}
await writeFile(
  join(root, 'bench', 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), machine, speed, figures }, null, 2) + '\n',
)
/** Heading of the section of results.md kept by hand, under the code each figure justifies. */
const BY_HAND_HEADING = '## Measured by hand'
const lines = [`# lnsim benchmark results`, '', `${new Date().toISOString()} on ${machine}.`, '', speedLine, '']
let section = ''
for (const f of figures) {
  const bounded = figures.some((g) => g.section === f.section && g.bound !== undefined)
  if (f.section !== section) {
    section = f.section
    lines.push(
      '',
      `## ${section}`,
      '',
      bounded ? '| figure | value | unit | lower bound | ratio | note |' : '| figure | value | unit | note |',
      bounded ? '|---|---:|---|---:|---:|---|' : '|---|---:|---|---|',
    )
  }
  const bound = bounded
    ? ` ${f.bound === undefined ? '' : formatValue(f.bound)} ` +
      `| ${f.ratio === undefined ? '' : `${f.ratio.toFixed(1)}×`} |`
    : ''
  lines.push(`| ${f.name} | ${formatValue(f.value)} | ${f.unit} |${bound} ${f.note ?? ''} |`)
}
// the hand-kept section at the end of results.md (figures no section measures) survives every run
const byHand = await readFile(join(root, 'bench', 'results.md'), 'utf8').then(
  (text) => (text.includes(BY_HAND_HEADING) ? '\n' + text.slice(text.indexOf(BY_HAND_HEADING)) : ''),
  () => '',
)
await writeFile(join(root, 'bench', 'results.md'), lines.join('\n') + '\n' + byHand)
process.stderr.write(`\nwrote bench/results.json and bench/results.md (${figures.length} figures)\n`)
