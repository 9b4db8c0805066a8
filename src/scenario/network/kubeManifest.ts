/**
 * The Kubernetes Pod that runs one lnsim daemon of a scenario (the chain or a
 * node). Plain `v1` Pods, so the same manifest goes to `kubectl apply` on a
 * cluster and to `podman kube play` on one machine: no StatefulSet (podman
 * 4.3 rejects it), no `containerPort` (podman publishes every one on the host,
 * and two nodes on the same port would clash), no Service (podman ignores
 * them; peers and the runner dial the pod's own address, which the daemon
 * announces).
 *
 * The run folder is mounted at the same path in every pod, so the daemons'
 * arguments (data directories, the node's api.token) mean the same inside and
 * out: a `hostPath` on one machine, or a ReadWriteMany claim on a cluster.
 */
import { createHash } from 'node:crypto'
import { stringify } from 'yaml'

/** Kubernetes object names: DNS-1123 labels, at most 63 characters. */
const MAX_NAME_LENGTH = 63

/** Where the image keeps the program (the Containerfile's and build-image-offline.sh's layout). */
export const IMAGE_PROGRAM = '/opt/lnsim/bin/lnsim.mjs'

/**
 * What a pod asks the scheduler for. From `npm run bench` on 2 cores: a node settles at 28 MB proportional memory
 * (75 MB resident before lean mode) and a few percent of a core once its channels are open; the chain serves every
 * node. Requests, not limits: a burst (bring-up, a payment storm) may use more.
 */
export const DEFAULT_POD_RESOURCES = {
  chain: { cpu: '100m', memory: '96Mi' },
  node: { cpu: '50m', memory: '96Mi' },
} as const

export type PodVolume = { hostPath: string } | { claimName: string }

export interface PodManifestInput {
  /** the pod's name, from podName() */
  name: string
  /** run id and daemon name, as labels, so `kubectl get pods -l lnsim.run=ID` lists one run */
  runId: string
  daemon: string
  role: 'chain' | 'node'
  image: string
  /** V8 flags, before the program */
  nodeFlags: readonly string[]
  /** lnsim's arguments */
  args: readonly string[]
  /** the run folder, mounted at this same path */
  mountPath: string
  volume: PodVolume
  namespace?: string
}

/** A name Kubernetes accepts, unique per run and daemon, and recognisable: lnsim-RUN-DAEMON. */
export function podName(runId: string, daemon: string): string {
  const clean = daemon
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const exact = clean === daemon
  const suffix = exact ? '' : `-${createHash('sha256').update(daemon).digest('hex').slice(0, 6)}`
  const room = MAX_NAME_LENGTH - `lnsim-${runId}-`.length - suffix.length
  return `lnsim-${runId}-${clean.slice(0, room).replace(/-+$/, '') || 'x'}${suffix}`
}

export function podManifest(p: PodManifestInput): Record<string, unknown> {
  const volume =
    'hostPath' in p.volume
      ? { name: 'run', hostPath: { path: p.volume.hostPath, type: 'Directory' } }
      : { name: 'run', persistentVolumeClaim: { claimName: p.volume.claimName } }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      ...(p.namespace ? { namespace: p.namespace } : {}),
      labels: { 'app.kubernetes.io/name': 'lnsim', 'lnsim.run': p.runId, 'lnsim.role': p.role },
      annotations: { 'lnsim.daemon': p.daemon },
    },
    spec: {
      // a daemon that exits is reported by the run (a crash fails it); restarts are the scenario's to make
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 10,
      containers: [
        {
          name: 'lnsim',
          image: p.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['node', ...p.nodeFlags, IMAGE_PROGRAM],
          // listen on the pod's address: the chain's URL and the node's announcement then name it
          args: [...p.args, '--host', '0.0.0.0', '--json'],
          env: [{ name: 'MALLOC_ARENA_MAX', value: '1' }],
          resources: { requests: { ...DEFAULT_POD_RESOURCES[p.role] } },
          volumeMounts: [{ name: 'run', mountPath: p.mountPath }],
        },
      ],
      volumes: [volume],
    },
  }
}

export function toYaml(manifest: Record<string, unknown>): string {
  return stringify(manifest, { lineWidth: 0 })
}
