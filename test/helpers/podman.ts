/**
 * Podman for the tests that run daemons in Pods: the environment it needs on this
 * kind of machine, and whether it can run lnsim's image here at all.
 */
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'

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
