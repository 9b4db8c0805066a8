/**
 * Every scenario shipped in scenarios/ is valid, and passes when run through
 * the bundled CLI against real chain and node processes: these are the
 * scenarios CI gates on.
 */
import { readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { loadScenarioFile, loadScenarioScript } from '../../../src/scenario/index.js'
import { killRunning, runToEnd } from '../../helpers/processes.js'

const ROOT = resolve(__dirname, '../../..')
const DIR = join(ROOT, 'scenarios')
const yamlFiles = readdirSync(DIR).filter((f) => f.endsWith('.yaml'))
const scripts = readdirSync(DIR).filter((f) => f.endsWith('.ts'))

afterAll(killRunning)

describe('shipped scenarios', () => {
  it('include the demo, the library the issue lists, and at least two scripts', () => {
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'demo.yaml',
        'two-party.yaml',
        'triangle.yaml',
        'line-10.yaml',
        'hub-and-spoke.yaml',
        'competing-routes.yaml',
        'restart-mid-traffic.yaml',
        'random-20.yaml',
      ]),
    )
    // issues 7 and 10: the chain enforces what channels signed, and channels survive network trouble
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'force-close-htlcs.yaml',
        'cheat-penalty.yaml',
        // BOLT #3's second stage: HTLC transactions, their delays, and the penalty on them
        'force-close-htlc-transactions.yaml',
        'cheat-penalty-htlcs.yaml',
        'down-through-force-close.yaml',
        'dropped-revoke.yaml',
        'partition-heal.yaml',
        'latency.yaml',
      ]),
    )
    // issue 28: rogue peers and a misbehaving chain
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'rogue-invalid-point.yaml',
        'rogue-replayed-revoke.yaml',
        'rogue-bad-signature.yaml',
        'chain-stall-force-close.yaml',
        'reorg-funding.yaml',
        'reorg-force-close.yaml',
      ]),
    )
    // channels, fees and gossip as the BOLTs have them: a channel closed on chain leaves every graph
    expect(yamlFiles).toEqual(expect.arrayContaining(['closed-channel-forgotten.yaml']))
    expect(scripts.length).toBeGreaterThanOrEqual(2)
  })

  it('include a network of at least 50 nodes imported from a describegraph file', async () => {
    const s = await loadScenarioFile(join(DIR, 'imported-50.yaml'))
    expect(s.imported).toMatchObject({ nodesInFile: 50, nodes: 50 })
    expect(s.nodes.length).toBeGreaterThanOrEqual(50)
  })

  it.each(yamlFiles)('%s is valid', async (file) => {
    await expect(loadScenarioFile(join(DIR, file))).resolves.toMatchObject({ name: file.replace('.yaml', '') })
  })

  it.each(scripts)('%s bundles and exports a scenario', async (file) => {
    const s = await loadScenarioScript(join(DIR, file))
    expect(s.spec.name).toBe(file.replace('.ts', ''))
    expect(typeof s.body).toBe('function')
  })

  it('scripts type-check against the library', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnsim-tsc-'))
    try {
      const config = join(dir, 'tsconfig.json')
      await writeFile(
        config,
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.json'),
          compilerOptions: { typeRoots: [join(ROOT, 'node_modules/@types')] },
          include: [join(DIR, '*.ts')],
        }),
      )
      const r = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsc'), ['-p', config]).catch(
        (e: { stdout: string; code: number }) => e,
      )
      expect(r.stdout).toBe('')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.each([...yamlFiles, ...scripts])('%s passes under lnsim run', { timeout: 240_000 }, async (file) => {
    // imported-50 brings up all 50 nodes of its describegraph file: about a minute on two cores
    const r = await runToEnd(['run', join(DIR, file), '--plain'])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toContain('result: PASSED')
  })
})
