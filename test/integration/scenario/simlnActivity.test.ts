/**
 * A SimLN user's sim.json under `lnsim run`: the shipped example's defined activity (from the scenario's
 * `activity:` key and from --activity), and SimLN's random activity, each activity with its own success rate.
 */
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupProcesses, killRunning, runToEnd, tempDir } from '../../helpers/processes.js'

const ROOT = resolve(__dirname, '../../..')
const NETWORK = join(ROOT, 'scenarios/simln-network.yaml')

interface Summary {
  exitCode: number
  traffic: { id: string; kind: string; sent: number; succeeded: number; successRate: number }[]
}

afterAll(async () => {
  killRunning()
  await cleanupProcesses()
})

describe('lnsim run --activity sim.json', () => {
  it(
    "sends the shipped sim.json's defined activities and gives each its success rate",
    { timeout: 60_000 },
    async () => {
      const r = await runToEnd(['run', NETWORK, '--activity', join(ROOT, 'scenarios/simln/sim.json'), '--json'])
      expect(r.code, r.stderr).toBe(0)
      const s = JSON.parse(r.stdout) as Summary
      // the scenario's own step: SimLN's random model as a traffic step
      const step = s.traffic.find((t) => t.id === 'simln-model')!
      expect(step.kind).toBe('traffic')
      expect(step.sent).toBeGreaterThan(0)
      expect(s.traffic.filter((t) => t.kind === 'activity').map((t) => [t.id, t.kind, t.sent])).toEqual([
        ['simln activity[0] alice→carol', 'activity', 5],
        ['simln activity[1] bob→dave', 'activity', 4],
        ['simln activity[2] carol→alice', 'activity', 3],
      ])
      expect(s.traffic.filter((t) => t.kind === 'activity').every((t) => t.successRate === 100)).toBe(true)
    },
  )

  it("sends SimLN's random activity between the file's nodes for the total time", { timeout: 60_000 }, async () => {
    const r = await runToEnd([
      'run',
      NETWORK,
      '--plain',
      '--activity',
      join(ROOT, 'scenarios/simln/random-sim.json'),
      '--total-time',
      '6',
      '--expected-pmt-amt',
      '20000sat',
      '--capacity-multiplier',
      '20000',
    ])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toContain(
      'SimLN activity scenarios/simln/random-sim.json: random activity between 4 node(s), 20000000 msat expected',
    )
    const line = /simln random: (\d+)\/(\d+) succeeded/.exec(r.stdout)
    expect(line, r.stdout).not.toBeNull()
    // 4 nodes of 1,000,000 sat (counted half of their 2,000,000) sending 20,000 × their capacity a month: 0.39/s each
    expect(Number(line![2])).toBeGreaterThan(2)
    expect(Number(line![2])).toBeLessThan(25)
  })

  it('refuses a sim.json whose ids name no node, or whose activity never ends, before starting anything', async () => {
    const dir = await tempDir('lnsim-simln-')
    const wrong = join(dir, 'wrong.json')
    await writeFile(
      wrong,
      JSON.stringify({
        nodes: [{ id: 'alice' }, { id: 'zed' }],
        activity: [{ source: 'alice', destination: 'bob', interval_secs: 1, amount_msat: 1000 }],
      }),
    )
    const r = await runToEnd(['run', NETWORK, '--activity', wrong, '--plain'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('nodes[1].id: "zed" names no node of the scenario')
    expect(r.stderr).toContain('activity[0]: without a count it never ends: give a total time (SimLN -t)')
    expect(r.stderr).toContain('nothing was started')
    const random = await runToEnd(['run', NETWORK, '--activity', join(ROOT, 'scenarios/simln/random-sim.json')])
    expect(random.code).toBe(2)
    expect(random.stderr).toContain('random activity never ends by itself: give a total time (SimLN -t)')
  })
})
