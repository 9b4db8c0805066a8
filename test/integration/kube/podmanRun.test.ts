/**
 * `lnsim run --kubernetes` end to end, with podman kube play as the cluster:
 * a shipped scenario reports as `lnsim run` does and exits the same, a
 * failing expectation exits 1, Ctrl-C exits 130, and no pod is left behind in
 * any of these. Needs podman (rootful) and a container runtime; skipped, with
 * the reason printed, where podman cannot run a container. The image is built
 * without a registry by scripts/build-image-offline.sh.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { podmanEnv, podmanEnvAdditions, podmanProblem, takePodmanTurn } from '../../helpers/podman.js'
import { killRunning, runToEnd, startCli, until } from '../../helpers/processes.js'

const ROOT = resolve(__dirname, '..', '..', '..')
const IMAGE = 'localhost/lnsim:kube-test'
const env = podmanEnvAdditions

// one test file at a time runs pods (and builds the image), from here to its end
afterAll(await takePodmanTurn())
const problem = podmanProblem(IMAGE)
if (problem) console.warn(`skipping the Kubernetes runner's podman tests: ${problem}`)

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lnsim-kube-test-'))
  dirs.push(d)
  return d
}

/** The pods a run made (their manifests stay in the run folder) that podman still has. */
function podsLeft(runDir: string): string[] {
  const k8s = join(runDir, 'k8s')
  const made = existsSync(k8s) ? readdirSync(k8s).map((f) => f.replace(/\.yaml$/, '')) : []
  return made.filter((pod) => spawnSync('podman', ['pod', 'exists', pod], { env: podmanEnv }).status === 0)
}

const kube = (runDir: string): string[] => [
  '--kubernetes',
  '--kube-engine',
  'podman',
  '--image',
  IMAGE,
  '--dir',
  runDir,
]

describe.skipIf(problem !== undefined)('lnsim run --kubernetes on podman', () => {
  afterEach(async () => {
    await killRunning()
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
  })

  it('runs a shipped scenario in pods with the verdicts and exit code of a local run, removing its pods', async () => {
    const dir = await tempDir()
    const file = join(ROOT, 'scenarios', 'triangle.yaml')
    const runDir = join(dir, 'run')
    const [inPods, local] = [
      await runToEnd(['run', file, '--json', ...kube(runDir), '--junit', join(dir, 'pods.xml')], env),
      await runToEnd(['run', file, '--json', '--junit', join(dir, 'local.xml')]),
    ]
    expect(inPods.code).toBe(0)
    expect(local.code).toBe(0)
    type Summary = {
      status: string
      exitCode: number
      expectations: { total: number; passed: number; verdicts: Array<{ ok: boolean; name: string }> }
      channels: Array<Record<string, unknown>>
    }
    const a = JSON.parse(inPods.stdout) as Summary
    const b = JSON.parse(local.stdout) as Summary
    expect([a.status, a.exitCode]).toEqual(['passed', 0])
    expect([a.status, a.exitCode]).toEqual([b.status, b.exitCode])
    expect(a.expectations.passed).toBe(5)
    expect(a.expectations.verdicts.map((v) => [v.ok, v.name])).toEqual(
      b.expectations.verdicts.map((v) => [v.ok, v.name]),
    )
    // the same seed gives the same channels and, after the same payments, the same balances
    expect(a.channels).toEqual(b.channels)
    // the same JUnit test cases, timings aside
    const cases = (x: string): string[] => [...x.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1]!)
    expect(cases(await readFile(join(dir, 'pods.xml'), 'utf8'))).toEqual(
      cases(await readFile(join(dir, 'local.xml'), 'utf8')),
    )
    // the chain and three nodes ran as pods, and none is left
    expect(readdirSync(join(runDir, 'k8s'))).toHaveLength(4)
    expect(podsLeft(runDir)).toEqual([])
  }, 120_000)

  it('exits 2 without an image, 1 on a failed expectation, 130 on Ctrl-C, and leaves no pod', async () => {
    const dir = await tempDir()
    const scenario = await readFile(join(ROOT, 'scenarios', 'triangle.yaml'), 'utf8')
    const noImage = await runToEnd(
      ['run', join(ROOT, 'scenarios', 'triangle.yaml'), ...kube(join(dir, 'no-image')), '--image', 'localhost/none:0'],
      env,
    )
    expect(noImage.code).toBe(2)
    expect(noImage.stderr + noImage.stdout).toContain("the image localhost/none:0 is not in podman's store")
    expect(existsSync(join(dir, 'no-image', 'k8s'))).toBe(false)

    const failing = join(dir, 'failing.yaml')
    await writeFile(failing, scenario.replace('localMsat: 200_000_000 }', 'localMsat: 200_000_001 }'))
    const failed = await runToEnd(['run', failing, '--plain', ...kube(join(dir, 'failed'))], env)
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain("✗ carol's balance in bob-carol == 200,000,001 msat")
    expect(podsLeft(join(dir, 'failed'))).toEqual([])

    const long = join(dir, 'long.yaml')
    await writeFile(long, scenario.replace(/^steps:\n/m, 'steps:\n  - sleep: { ms: 60_000 }\n'))
    const runDir = join(dir, 'interrupted')
    const run = startCli(['run', long, '--plain', ...kube(runDir)], env)
    await until('the sleep step', () => run.stdout().includes('[1/3] sleep'), 90_000)
    expect(podsLeft(runDir)).toHaveLength(4)
    run.proc.kill('SIGINT')
    expect(await run.exited).toBe(130)
    expect(run.stdout()).toContain('INTERRUPTED')
    expect(podsLeft(runDir)).toEqual([])
  }, 150_000)
})
