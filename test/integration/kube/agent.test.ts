/**
 * The agent each daemon Pod of `lnsim k8s run` runs, and the runner that asks
 * it to start daemons, on loopback with the real daemons: a scenario run
 * through agents reports as a local run, the agent refuses a wrong token and
 * anything but a daemon, and a daemon whose runner hangs up is stopped.
 */
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonAgent } from '../../../src/scenario/kube/daemonAgent.js'
import { AgentProcessRunner } from '../../../src/scenario/kube/agentProcessRunner.js'
import { loadScenarioFile, runNetwork, scenarioBody } from '../../../src/scenario/index.js'
import { cleanupProcesses, tempDir } from '../../helpers/processes.js'
import { resolve } from 'node:path'

const ROOT = resolve(__dirname, '..', '..', '..')
const TOKEN = 'a'.repeat(48)
const agents: DaemonAgent[] = []

async function agent(): Promise<DaemonAgent> {
  const a = new DaemonAgent({ port: 0, host: '127.0.0.1', token: TOKEN, daemonHost: '127.0.0.1' })
  await a.listen()
  agents.push(a)
  return a
}

function post(port: number, path: string, body: unknown, token = TOKEN) {
  return new Promise<{ status: number; lines: string[]; close: () => void; next: Promise<string> }>((done, fail) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    req.once('error', fail)
    req.once('response', (res) => {
      const lines: string[] = []
      let first: (l: string) => void = () => {}
      const next = new Promise<string>((r) => (first = r))
      let buffered = ''
      res.on('data', (c: Buffer) => {
        buffered += c.toString('utf8')
        for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
          const line = buffered.slice(0, i)
          buffered = buffered.slice(i + 1)
          lines.push(line)
          if (line.includes('\\"ready\\"')) first(line)
        }
      })
      done({ status: res.statusCode!, lines, close: () => req.destroy(), next })
    })
    req.end(JSON.stringify(body))
  })
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()))
  await cleanupProcesses()
})

describe('lnsim k8s agent', () => {
  it('runs a scenario through one agent per daemon with the same verdicts and exit code as a local run', async () => {
    const scenario = await loadScenarioFile(resolve(ROOT, 'scenarios', 'two-party.yaml'))
    const byDaemon = new Map<string, DaemonAgent>()
    for (const name of ['chain', 'alice', 'bob']) byDaemon.set(name, await agent())
    const runner = new AgentProcessRunner({
      token: TOKEN,
      addressOf: (daemon) => ({ host: '127.0.0.1', port: byDaemon.get(daemon)!.port }),
    })
    const summary = await runNetwork(scenario, scenarioBody(scenario), { runner, dir: await tempDir() })
    expect(summary.exitCode).toBe(0)
    expect(summary.expectations).toMatchObject({ failed: 0, passed: summary.expectations.total })
    expect(summary.expectations.total).toBeGreaterThan(0)
    expect(summary.payments.succeeded).toBe(1)
  }, 60_000)

  it('refuses a wrong token and anything but a daemon, and starts nothing', async () => {
    const a = await agent()
    const dir = await tempDir()
    const wrong = await post(a.port, '/start', { args: ['chain', 'start', '--data-dir', dir], nodeFlags: [] }, 'b')
    expect(wrong.status).toBe(401)
    const other = await post(a.port, '/start', { args: ['node', 'stop', '--all'], nodeFlags: [] })
    expect(other.status).toBe(400)
    const flags = await post(a.port, '/start', { args: ['chain', 'start'], nodeFlags: ['--require=/tmp/x.js'] })
    expect(flags.status).toBe(400)
  })

  it('stops its daemon when the runner hangs up', async () => {
    const a = await agent()
    const dir = await tempDir()
    const started = await post(a.port, '/start', {
      args: ['chain', 'start', '--data-dir', dir, '--port', '0'],
      nodeFlags: [],
    })
    expect(started.status).toBe(200)
    const ready = JSON.parse((JSON.parse(await started.next) as { line: string }).line) as { url: string }
    expect((await fetch(`${ready.url}/info`)).status).toBeLessThan(500)
    // a second daemon in the same Pod is refused while the first runs
    expect((await post(a.port, '/start', { args: ['chain', 'start'], nodeFlags: [] })).status).toBe(409)
    started.close()
    const deadline = Date.now() + 10_000
    let down = false
    while (!down && Date.now() < deadline) {
      down = await fetch(`${ready.url}/info`).then(
        () => false,
        () => true,
      )
      if (!down) await new Promise((r) => setTimeout(r, 100))
    }
    expect(down).toBe(true)
  }, 30_000)
})
