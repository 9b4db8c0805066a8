/**
 * `lnsim k8s run --engine podman` end to end: scenarios/demo.yaml in Pods
 * (podman kube play of the manifests `lnsim k8s render` prints) ends with the
 * summary, reports and exit code of `lnsim run`, and leaves nothing behind; a
 * failed expectation exits 1, Ctrl-C exits 130 and removes everything, and a
 * missing image, pods already there or a scenario bigger than the machine are
 * refused before anything starts. Needs podman (rootful) and a container
 * runtime; skipped, with the reason printed, where podman cannot run one.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { podmanEnv, podmanEnvAdditions, podmanProblem, takePodmanTurn } from '../../helpers/podman.js'
import { killRunning, runToEnd, startCli, until } from '../../helpers/processes.js'
import { ringScenarioYaml } from '../../../scripts/generate-ring-scenario.js'
import { POD_REQUESTS, RUNNER_MEMORY_MI_PER_NODE } from '../../../src/scenario/kube/clusterManifests.js'

const ROOT = resolve(__dirname, '..', '..', '..')
const IMAGE = 'localhost/lnsim:k8s-test'
const env = podmanEnvAdditions
const DEMO_PODS = ['chain', 'runner', ...['alice', 'bob', 'carol', 'dave', 'erin'].map((n) => `node-${n}`)]

// one test file at a time runs pods (and builds the image), from here to its end
afterAll(await takePodmanTurn())
const problem = podmanProblem(IMAGE)
if (problem) console.warn(`skipping lnsim k8s run's podman tests: ${problem}`)

/** The demo's pods podman still has. */
function podsLeft(): string[] {
  return DEMO_PODS.filter((pod) => spawnSync('podman', ['pod', 'exists', pod], { env: podmanEnv }).status === 0)
}

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lnsim-k8s-test-'))
  dirs.push(d)
  return d
}

const onPodman = ['--engine', 'podman', '--image', IMAGE]

describe.skipIf(problem !== undefined)('lnsim k8s run --engine podman', () => {
  afterEach(async () => {
    await killRunning()
    if (podsLeft().length > 0) spawnSync('podman', ['pod', 'rm', '-f', '-t', '0', ...podsLeft()], { env: podmanEnv })
  })
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

  it('runs demo.yaml in Pods with the summary, reports and exit code of lnsim run, leaving nothing', async () => {
    const dir = await tempDir()
    const file = join(ROOT, 'scenarios', 'demo.yaml')
    const inPods = await runToEnd(
      ['k8s', 'run', file, ...onPodman, '--report', join(dir, 'pods.json'), '--junit', join(dir, 'pods.xml')],
      env,
    )
    expect(inPods.code, inPods.stderr).toBe(0)
    const local = await runToEnd(['run', file, '--plain', '--report', join(dir, 'local.json')])
    expect(local.code).toBe(0)
    // the runner's live view came through, down to the summary's verdict
    expect(inPods.stdout).toContain('── demo ─ summary ──')
    expect(inPods.stdout).toContain('expectations: 8 of 8 hold')
    expect(inPods.stdout).toContain('result: PASSED (exit 0)')
    type Summary = {
      status: string
      exitCode: number
      payments: { sent: number; succeeded: number; failed: number }
      expectations: { verdicts: Array<{ ok: boolean; name: string }> }
      channels: Array<{ name: string; capacitySat: unknown }>
    }
    const a = JSON.parse(await readFile(join(dir, 'pods.json'), 'utf8')) as Summary
    const b = JSON.parse(await readFile(join(dir, 'local.json'), 'utf8')) as Summary
    expect([a.status, a.exitCode]).toEqual([b.status, b.exitCode])
    expect(a.payments).toMatchObject({ sent: b.payments.sent, succeeded: b.payments.succeeded, failed: 1 })
    expect(a.expectations.verdicts.map((v) => [v.ok, v.name])).toEqual(
      b.expectations.verdicts.map((v) => [v.ok, v.name]),
    )
    expect(a.channels.map((c) => [c.name, c.capacitySat])).toEqual(b.channels.map((c) => [c.name, c.capacitySat]))
    expect(await readFile(join(dir, 'pods.xml'), 'utf8')).toContain('<testsuite name="demo" tests="8" failures="0"')
    expect(podsLeft()).toEqual([])
    const volumes = spawnSync('podman', ['volume', 'ls', '--format', '{{.Name}}'], { env: podmanEnv, encoding: 'utf8' })
    expect(volumes.stdout.split('\n')).not.toContain('scenario')
  }, 180_000)

  it('exits 1 on a failed expectation and 130 on Ctrl-C, removing every Pod', async () => {
    const dir = await tempDir()
    const demo = await readFile(join(ROOT, 'scenarios', 'demo.yaml'), 'utf8')
    const failing = join(dir, 'failing.yaml')
    await writeFile(failing, demo.replace('expect: { status: succeeded, hops: 1 }', 'expect: { status: failed }'))
    const failed = await runToEnd(['k8s', 'run', failing, ...onPodman], env)
    expect(failed.code, failed.stderr).toBe(1)
    expect(failed.stdout).toContain('result: FAILED (exit 1)')
    expect(podsLeft()).toEqual([])

    const long = join(dir, 'long.yaml')
    await writeFile(long, demo.replace(/^steps:\n/m, 'steps:\n  - sleep: { ms: 120_000 }\n'))
    const run = startCli(['k8s', 'run', long, ...onPodman], env)
    await until('the sleep step', () => run.stdout().includes('[1/6] sleep'), 90_000)
    expect(podsLeft()).toHaveLength(DEMO_PODS.length)
    run.proc.kill('SIGINT')
    expect(await run.exited).toBe(130)
    expect(podsLeft()).toEqual([])
  }, 180_000)

  it('refuses a missing image, pods already there, a scenario too big for the machine; starts nothing', async () => {
    const demo = join(ROOT, 'scenarios', 'demo.yaml')
    const noImage = await runToEnd(['k8s', 'run', demo, '--engine', 'podman', '--image', 'localhost/none:0'], env)
    expect(noImage.code).toBe(2)
    expect(noImage.stderr).toContain("the image localhost/none:0 is not in podman's store")
    expect(noImage.stderr).toContain('nothing was started')
    expect(podsLeft()).toEqual([])

    expect(spawnSync('podman', ['pod', 'create', '--name', 'chain'], { env: podmanEnv }).status).toBe(0)
    const inUse = await runToEnd(['k8s', 'run', demo, ...onPodman], env)
    expect(inUse.code).toBe(2)
    expect(inUse.stderr).toContain('podman already runs pods named chain')
    expect(podsLeft()).toEqual(['chain'])
    spawnSync('podman', ['pod', 'rm', '-f', 'chain'], { env: podmanEnv })

    // just more nodes than this machine's memory holds at a node's request
    const perNode = POD_REQUESTS.node.memoryMi + RUNNER_MEMORY_MI_PER_NODE
    const nodes = Math.ceil(totalmem() / 1024 ** 2 / perNode) + 1
    if (nodes > 5000) return console.warn('this machine holds 5,000 nodes: the memory refusal is not tried')
    const big = join(await tempDir(), 'big.yaml')
    await writeFile(big, ringScenarioYaml(nodes))
    const tooBig = await runToEnd(['k8s', 'run', big, ...onPodman], env)
    expect(tooBig.code).toBe(2)
    expect(tooBig.stderr).toMatch(/needs more memory than there is: .* this machine offers \d+ MiB/)
  }, 120_000)
})
