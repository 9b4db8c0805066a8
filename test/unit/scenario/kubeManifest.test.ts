/**
 * The Pod a daemon runs in: a name Kubernetes accepts for any node name, plain
 * v1 fields that both kubectl and podman kube play take (no containerPort, no
 * StatefulSet), the run folder at the same path inside, and the daemon told to
 * listen on the pod's address.
 */
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { IMAGE_PROGRAM, podManifest, podName, toYaml } from '../../../src/scenario/network/kubeManifest.js'

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

describe('kube manifests', () => {
  it('names pods as DNS labels of at most 63 characters, distinct for names that clean up alike', () => {
    for (const name of ['alice', 'Alice', 'node_7', 'a.b', 'x'.repeat(32), '0-hub']) {
      const pod = podName('a1b2c3', name)
      expect(pod).toMatch(DNS_LABEL)
      expect(pod.length).toBeLessThanOrEqual(63)
    }
    expect(podName('a1b2c3', 'alice')).toBe('lnsim-a1b2c3-alice')
    expect(podName('a1b2c3', 'Alice')).not.toBe(podName('a1b2c3', 'alice'))
    expect(podName('a1b2c3', 'node_7')).not.toBe(podName('a1b2c3', 'node-7'))
  })

  it('renders a plain v1 Pod: the daemon on 0.0.0.0, V8 flags before the program, the run folder mounted', () => {
    const doc = parse(
      toYaml(
        podManifest({
          name: 'lnsim-a1b2c3-bob',
          runId: 'a1b2c3',
          daemon: 'bob',
          role: 'node',
          image: 'localhost/lnsim:dev',
          nodeFlags: ['--jitless'],
          args: ['node', 'start', '--name', 'bob', '--data-dir', '/runs/r1/bob'],
          mountPath: '/runs/r1',
          volume: { hostPath: '/runs/r1' },
          namespace: 'sim',
        }),
      ),
    )
    expect(doc).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'lnsim-a1b2c3-bob', namespace: 'sim' },
    })
    const [c] = doc.spec.containers
    expect(c.command).toEqual(['node', '--jitless', IMAGE_PROGRAM])
    expect(c.args.slice(-3)).toEqual(['--host', '0.0.0.0', '--json'])
    expect(c.ports).toBeUndefined()
    expect(c.volumeMounts).toEqual([{ name: 'run', mountPath: '/runs/r1' }])
    expect(doc.spec.volumes).toEqual([{ name: 'run', hostPath: { path: '/runs/r1', type: 'Directory' } }])
    expect(doc.spec.restartPolicy).toBe('Never')
    expect(c.resources.requests).toEqual({ cpu: '50m', memory: '96Mi' })
  })

  it('mounts a claim instead of a host folder on a cluster', () => {
    const m = podManifest({
      name: 'lnsim-a1b2c3-chain',
      runId: 'a1b2c3',
      daemon: 'chain',
      role: 'chain',
      image: 'lnsim:1',
      nodeFlags: [],
      args: ['chain', 'start'],
      mountPath: '/runs/r1',
      volume: { claimName: 'lnsim-runs' },
    }) as { spec: { volumes: unknown[] } }
    expect(m.spec.volumes).toEqual([{ name: 'run', persistentVolumeClaim: { claimName: 'lnsim-runs' } }])
  })
})
