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
import { spliceSections, wholeResults } from './bench/lib/resultsMarkdown.js'

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
const measuredNow = new Set(figures.map((f) => f.section))
// running a subset (or the big part) keeps the other sections of the last full run
if (partial) {
  try {
    const previous = JSON.parse(await readFile(join(root, 'bench', 'results.json'), 'utf8')) as { figures: Figure[] }
    figures.unshift(...previous.figures.filter((f) => !measuredNow.has(f.section)))
  } catch {
    // no previous results
  }
}
await writeFile(
  join(root, 'bench', 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), machine, speed, figures }, null, 2) + '\n',
)
const previousMarkdown = await readFile(join(root, 'bench', 'results.md'), 'utf8').catch(() => '')
const header = [`# lnsim benchmark results`, '', `${new Date().toISOString()} on ${machine}.`, '', speedLine, '']
// a part of the bench replaces its own sections in the committed file and leaves the others as they were
const markdown =
  partial && previousMarkdown !== ''
    ? spliceSections(
        previousMarkdown,
        figures.filter((f) => measuredNow.has(f.section)),
        `Measured again ${new Date().toISOString()} on ${machine}, machine speed ${formatValue(speed.atStart)} ops/s ` +
          'at the start (the header above is the last full run).',
      )
    : wholeResults(header, figures, previousMarkdown)
await writeFile(join(root, 'bench', 'results.md'), markdown)
process.stderr.write(`\nwrote bench/results.json and bench/results.md (${figures.length} figures)\n`)
