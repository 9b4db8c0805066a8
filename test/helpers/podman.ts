/**
 * Podman for the tests that run daemons in Pods: the environment it needs on this
 * kind of machine, and whether it can run lnsim's image here at all.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { isAlive } from '../../src/core/dataDirLock.js'

const ROOT = resolve(__dirname, '..', '..')
// this sandbox's hard open-file limit and cgroup layout need it (platform notes); a usual machine takes it too
const CONF = join(ROOT, 'deploy', 'podman', 'containers.conf')

/** What to add to a command's environment for podman (nothing when CONTAINERS_CONF is set already). */
export const podmanEnvAdditions: Record<string, string> = process.env.CONTAINERS_CONF ? {} : { CONTAINERS_CONF: CONF }
/** The whole environment for running podman itself. */
export const podmanEnv = { ...process.env, ...podmanEnvAdditions }

/** Why podman cannot run `image` here, or undefined when it can: builds the image, then runs it once. */
export function podmanProblem(image: string): string | undefined {
  const options = { env: podmanEnv, encoding: 'utf8' as const, timeout: 60_000 }
  const info = spawnSync('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'], options)
  if (info.error) return `podman is not installed (${info.error.message}); apt-get install -y podman runc`
  if (info.status !== 0) return `podman does not work here: ${info.stderr.trim().split('\n').at(-1)}`
  const built = spawnSync(join(ROOT, 'scripts', 'build-image-offline.sh'), [image], options)
  if (built.status !== 0) return `the image could not be built: ${built.stderr.trim().split('\n').at(-1)}`
  const probe = spawnSync('podman', ['run', '--rm', image, 'version'], options)
  if (probe.status !== 0) return `podman cannot run a container here: ${probe.stderr.trim().split('\n').at(-1)}`
  return undefined
}

const LOCK = join(tmpdir(), 'lnsim-tests-podman.lock')

/**
 * Waits until no other test process uses podman, and takes the turn; call what it returns to give it back. Pods
 * are named after a scenario's nodes (chain, node-alice, …) and podman has no namespaces, so two test files running
 * pods in vitest's two workers at once took each other's names (and built the image twice). A turn whose process
 * is gone (killed mid-run) is taken over.
 */
export async function takePodmanTurn(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK)
      writeFileSync(join(LOCK, 'pid'), String(process.pid))
      return () => rmSync(LOCK, { recursive: true, force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    let holder = Number.NaN
    try {
      holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'))
    } catch {
      // taken a moment ago: its pid is on its way
    }
    if (Number.isInteger(holder) && !isAlive(holder)) rmSync(LOCK, { recursive: true, force: true })
    else await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
