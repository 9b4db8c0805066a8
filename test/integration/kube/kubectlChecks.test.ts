/**
 * `lnsim k8s run` against a cluster refuses before creating anything, and says
 * why: no cluster answering, the namespace already there, or more CPU or memory
 * asked than the cluster's nodes have (naming which). There is no API server
 * here, so a stand-in `kubectl` on PATH answers as a cluster would and records
 * every command; none of these runs may reach `apply`.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runToEnd } from '../../helpers/processes.js'
import { ringScenarioYaml } from '../../../scripts/generate-ring-scenario.js'

const ROOT = resolve(__dirname, '..', '..', '..')
const DEMO = join(ROOT, 'scenarios', 'demo.yaml')
let dir = ''
let log = ''

const FAKE_KUBECTL = `#!/bin/sh
echo "$*" >> "$FAKE_LOG"
case "$*" in
  *"get --raw /readyz"*) [ -n "$FAKE_NO_CLUSTER" ] && { echo "The connection to the server was refused" >&2; exit 1; }
    echo ok ;;
  *"get namespace"*) [ -n "$FAKE_NAMESPACE_EXISTS" ] && { echo "namespace/$4"; exit 0; }
    echo "Error from server (NotFound)" >&2; exit 1 ;;
  *"auth can-i"*) echo yes ;;
  *"get nodes"*) printf '%s\\n' "$FAKE_NODES" ;;
  *) exit 0 ;;
esac
`

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnsim-kubectl-'))
  await writeFile(join(dir, 'kubectl'), FAKE_KUBECTL)
  await chmod(join(dir, 'kubectl'), 0o755)
  log = join(dir, 'calls.log')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function k8sRun(file: string, env: Record<string, string>) {
  return runToEnd(['k8s', 'run', file, '--context', 'test'], {
    PATH: `${dir}:${process.env.PATH}`,
    FAKE_LOG: log,
    FAKE_NODES: '4 16Gi\n4 16Gi',
    ...env,
  })
}

describe('lnsim k8s run on a cluster: refusals', () => {
  it('refuses when no cluster answers, or the namespace exists, and applies nothing', async () => {
    const none = await k8sRun(DEMO, { FAKE_NO_CLUSTER: '1' })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('no cluster reachable')
    expect(none.stderr).toContain('--context')
    const taken = await k8sRun(DEMO, { FAKE_NAMESPACE_EXISTS: '1' })
    expect(taken.code).toBe(2)
    expect(taken.stderr).toContain('the namespace lnsim-demo already exists')
    expect(await readFile(log, 'utf8')).not.toMatch(/apply|delete/)
  })

  it('refuses a scenario needing more CPU or memory than the nodes have, naming the resource', async () => {
    const ring = join(dir, 'ring-50.yaml')
    await writeFile(ring, ringScenarioYaml(50))
    // 50 nodes ask for 2.85 CPU and 5 GiB
    const cpu = await k8sRun(ring, { FAKE_NODES: '1 16Gi\n1500m 16Gi' })
    expect(cpu.code).toBe(2)
    expect(cpu.stderr).toMatch(/needs more CPU than there is: 52 Pods requesting 2\.85 CPU .* offers 2\.50 CPU/)
    const memory = await k8sRun(ring, { FAKE_NODES: '8 2Gi\n8 2097152Ki' })
    expect(memory.code).toBe(2)
    expect(memory.stderr).toMatch(/needs more memory than there is: .* offers 4096 MiB/)
    // the same scenario fits a bigger cluster: then it goes on to apply
    const fits = await k8sRun(ring, { FAKE_NODES: '8 16Gi' })
    expect(await readFile(log, 'utf8')).toMatch(/apply -f/)
    expect(fits.code).not.toBe(0)
  })
})
