/**
 * `lnsim k8s render`: the manifests a user applies to a cluster or gives to
 * podman kube play. They are checked here against the Kubernetes API schemas
 * (kubernetes-models, offline), and for what podman 4.3 needs: Pods named as
 * their Services, no containerPort, no StatefulSet, no two Pods sharing a volume
 * name. A 1,000-node scenario renders and validates, with its cluster size.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigMap, Namespace, Pod, Service } from 'kubernetes-models/v1'
import { afterAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { CliError } from '../../../src/cli/command.js'
import { renderScenario } from '../../../src/cli/k8sScenario.js'
import { nodeServiceName } from '../../../src/scenario/kube/agentProtocol.js'
import { manifestsYaml, POD_REQUESTS } from '../../../src/scenario/kube/clusterManifests.js'
import { ScenarioFileError, loadScenarioFile } from '../../../src/scenario/index.js'
import { ringScenarioYaml } from '../../../scripts/generate-ring-scenario.js'

const ROOT = resolve(__dirname, '..', '..', '..')
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const MODELS = { Namespace, ConfigMap, Pod, Service } as const
type Doc = { kind: keyof typeof MODELS; metadata: { name: string; namespace?: string }; spec?: any; data?: any }

/** The rendered YAML as a user gets it, parsed back, each document validated against its API schema. */
function validated(yamlText: string): Doc[] {
  const docs = parseAllDocuments(yamlText).map((d) => d.toJS() as Doc)
  for (const doc of docs) {
    const Model = MODELS[doc.kind]
    expect(Model, `a kind the schemas know: ${doc.kind}`).toBeDefined()
    new Model(doc as never).validate()
  }
  return docs
}

const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))
async function ring(nodes: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-k8s-render-'))
  dirs.push(dir)
  const file = join(dir, `ring-${nodes}.yaml`)
  await writeFile(file, ringScenarioYaml(nodes))
  return file
}

describe('lnsim k8s render', () => {
  it('renders demo.yaml as v1 objects: namespace, scenario, chain, Pod and Service per node, runner', async () => {
    const rendered = await renderScenario(join(ROOT, 'scenarios', 'demo.yaml'), { image: 'localhost/lnsim:dev' })
    const docs = validated(manifestsYaml(rendered.manifests))
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Namespace/lnsim-demo',
      'ConfigMap/scenario',
      'Pod/chain',
      'Service/chain',
      ...['alice', 'bob', 'carol', 'dave', 'erin'].flatMap((n) => [`Pod/node-${n}`, `Service/node-${n}`]),
      'Pod/runner',
    ])
    for (const d of docs.slice(1)) expect(d.metadata.namespace).toBe('lnsim-demo')
    expect(Object.keys(docs[1]!.data)).toEqual(['demo.yaml'])
    // every Service selects exactly the Pod of its own name (podman resolves the Pod's name, a cluster the Service's)
    for (const s of docs.filter((d) => d.kind === 'Service')) {
      const pod = docs.find((d) => d.kind === 'Pod' && d.metadata.name === s.metadata.name)!
      expect(pod.metadata).toMatchObject({ labels: s.spec.selector })
    }
    const runner = docs.at(-1)!.spec.containers[0]
    expect(runner.args.slice(0, 3)).toEqual(['k8s', 'runner', '/etc/lnsim/scenario/demo.yaml'])
    const node = docs.find((d) => d.metadata.name === 'node-bob')!.spec
    expect(node.containers[0].args).toEqual(['k8s', 'agent', '--port', '9736'])
    expect(node.containers[0].resources.requests).toEqual({ cpu: '50m', memory: '96Mi' })
    expect(node.volumes).toEqual([{ name: 'node-bob-data', emptyDir: {} }])
  })

  it('renders nothing podman kube play refuses or mishandles', async () => {
    const rendered = await renderScenario(join(ROOT, 'scenarios', 'random-20.yaml'), {})
    const text = manifestsYaml(rendered.manifests)
    expect(text).not.toMatch(/containerPort|hostPort|StatefulSet|Deployment/)
    const docs = validated(text)
    const pods = docs.filter((d) => d.kind === 'Pod')
    // podman makes an emptyDir a named volume: two Pods with one name would share it
    const volumes = pods.flatMap((p) => p.spec.volumes.map((v: { name: string }) => v.name))
    expect(new Set(volumes).size).toBe(volumes.length)
    for (const d of docs) expect(d.metadata.name).toMatch(DNS_LABEL)
  })

  it('the schemas catch a wrong manifest (the check is not empty)', async () => {
    const rendered = await renderScenario(join(ROOT, 'scenarios', 'demo.yaml'), {})
    const pod = structuredClone(rendered.manifests[2]!) as Doc
    pod.spec.containers[0].env[0].value = 5
    expect(() => new Pod(pod as never).validate()).toThrow(/env\/0\/value must be string/)
  })

  it('renders a generated 1,000-node scenario that validates, and says what it asks the cluster for', async () => {
    const rendered = await renderScenario(await ring(1000), {})
    const docs = validated(manifestsYaml(rendered.manifests))
    expect(docs.filter((d) => d.kind === 'Pod')).toHaveLength(1002)
    expect(new Set(docs.map((d) => `${d.kind}/${d.metadata.name}`)).size).toBe(docs.length)
    expect(rendered.size).toEqual({
      pods: 1002,
      cpuMilli: POD_REQUESTS.chain.cpuMilli + 1000 * POD_REQUESTS.node.cpuMilli + POD_REQUESTS.runner.cpuMilli,
      memoryMi: POD_REQUESTS.chain.memoryMi + 1000 * POD_REQUESTS.node.memoryMi + POD_REQUESTS.runner.memoryMi + 1000,
    })
  }, 60_000)

  it('refuses what the cluster could not run, before rendering anything', async () => {
    const refusal = (file: string, options = {}) =>
      renderScenario(join(ROOT, 'scenarios', file), options).then(
        () => undefined,
        (e: unknown) => e as CliError,
      )
    expect((await refusal('fee-survey.ts'))?.message).toMatch(/YAML scenarios/)
    expect((await refusal('imported-50.yaml'))?.message).toMatch(/imports the topology/)
    expect((await refusal('demo.yaml', { namespace: 'Not_A_Name' }))?.exitCode).toBe(2)
  })

  it('a scenario over 500 nodes is refused on one machine and taken for a cluster', async () => {
    const file = await ring(501)
    await expect(loadScenarioFile(file)).rejects.toThrow(ScenarioFileError)
    await expect(loadScenarioFile(file)).rejects.toThrow(/one machine runs at most 500.*lnsim k8s run/)
    expect((await loadScenarioFile(file, { maxNodes: 5000 })).nodes).toHaveLength(501)
  })

  it('names node Pods as DNS labels, distinct for node names that clean up alike', () => {
    const names = ['alice', 'Alice', 'node_7', 'node-7', 'a.b', 'x'.repeat(70), 'x'.repeat(71)]
    const pods = names.map(nodeServiceName)
    for (const p of pods) expect(p).toMatch(DNS_LABEL)
    expect(new Set(pods).size).toBe(names.length)
    expect(nodeServiceName('alice')).toBe('node-alice')
  })
})
