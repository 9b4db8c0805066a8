/**
 * Writes a scenario of N nodes in a ring, every node funded and each opening
 * one channel to the next, then one payment across a few hops: a network of
 * any size, with everything in the one file (as `lnsim k8s` needs), for
 * measuring bring-up and for rendering big clusters.
 *
 *   node --import tsx scripts/generate-ring-scenario.ts --nodes 50 > /tmp/ring-50.yaml
 */

/** The scenario's YAML text. */
export function ringScenarioYaml(nodes: number): string {
  if (!Number.isInteger(nodes) || nodes < 3) throw new Error('a ring needs 3 nodes or more')
  const width = String(nodes - 1).length
  const name = (i: number): string => `n${String(i % nodes).padStart(width, '0')}`
  const lines = [
    `name: ring-${nodes}`,
    `description: ${nodes} nodes in a ring, one channel each to the next, and a payment over three hops.`,
    'nodes:',
    ...Array.from({ length: nodes }, (_, i) => `  - { name: ${name(i)}, fundsSat: 2_000_000 }`),
    'channels:',
    ...Array.from({ length: nodes }, (_, i) => `  - { from: ${name(i)}, to: ${name(i + 1)}, capacitySat: 1_000_000 }`),
    'steps:',
    `  - pay: { id: across, from: ${name(0)}, to: ${name(3)}, amountMsat: 10_000_000, ` +
      'expect: { status: succeeded, hops: 3 } }',
    '',
  ]
  return lines.join('\n')
}

if (process.argv[1]?.endsWith('generate-ring-scenario.ts')) {
  const i = process.argv.indexOf('--nodes')
  process.stdout.write(ringScenarioYaml(Number(i >= 0 ? process.argv[i + 1] : 50)))
}
