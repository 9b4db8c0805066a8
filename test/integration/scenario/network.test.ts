/**
 * The network library used directly, as a test suite or a program would: it
 * launches real chain and node processes from the bundle.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { getPriority } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  LEAN_NODE_FLAGS,
  LocalProcessRunner,
  NODE_NICENESS,
  NetworkStartError,
  launch,
  type Network,
  type ProcessRunner,
} from '../../../src/scenario/index.js'
import { isAlive, waitUntilGone } from '../../helpers/processes.js'

let net: Network | undefined
afterEach(async () => {
  await net?.stop()
  net = undefined
})

/** the lean Node flags a process was started with */
const leanFlagsOf = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => LEAN_NODE_FLAGS.includes(a))

/** the niceness of each of a process's threads (field 19 of /proc/PID/task/TID/stat) */
const nicenessOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  })

const nodes = [
  { name: 'alice', fundsSat: 600_000 },
  { name: 'bob', fundsSat: 100_000 },
]

describe('launch()', () => {
  it('brings a network up and drives it: pay, wait, read channels, restart a node, stop', async () => {
    // carol has no channel: bring-up must not wait for gossip to reach her
    net = await launch({
      nodes: [...nodes, { name: 'carol', fundsSat: 100_000 }],
      channels: [{ from: 'alice', to: 'bob', capacitySat: 500_000 }],
    })
    const p = await net.pay('alice', 'bob', 7_000_000n)
    expect(p).toMatchObject({ status: 'succeeded', route: ['alice', 'bob'], feeMsat: 0n })
    await net.waitFor({ channelBalance: { channel: 'alice-bob', node: 'bob', localMsat: 7_000_000n } })
    const [channel] = await net.node('bob').channels()
    expect(channel).toMatchObject({ state: 'NORMAL', localBalanceMsat: 7_000_000n, capacitySat: 500_000n })

    const oldPid = net.node('bob').process!.pid!
    await net.restartNode('bob')
    expect(isAlive(oldPid)).toBe(false)
    // three nodes are far below LEAN_FROM_NODES_PER_CORE on any machine: full nodes, restarted ones too
    expect(net.lean).toBe(false)
    for (const n of net.nodes) expect(leanFlagsOf(n.process!.pid!)).toEqual([])
    await net.waitFor({ channelState: { channel: 'alice-bob', active: true } }, { timeoutMs: 30_000 })
    expect((await net.pay('alice', 'bob', 1_000_000n)).status).toBe('succeeded')

    const pids = net.nodes.map((n) => n.process!.pid!)
    const dir = net.dir
    await net.stop()
    expect(await waitUntilGone(pids)).toEqual([])
    expect(existsSync(dir)).toBe(false)
  })

  it('starts lean nodes, and only the nodes, with the lean Node flags, and they pay as any other', async () => {
    net = await launch({ nodes, channels: [{ from: 'alice', to: 'bob', capacitySat: 500_000 }] }, { lean: true })
    expect((await net.pay('alice', 'bob', 3_000_000n)).status).toBe('succeeded')
    expect(net.lean).toBe(true)
    for (const n of net.nodes) expect(leanFlagsOf(n.process!.pid!)).toEqual([...LEAN_NODE_FLAGS])
    const chainPid = (JSON.parse(readFileSync(join(net.dir, 'run.json'), 'utf8')) as { chainPid: number }).chainPid
    expect(leanFlagsOf(chainPid)).toEqual([])
    // the nodes, every thread of them, run at a lower priority than the chain they all wait on
    for (const n of net.nodes) expect(new Set(nicenessOf(n.process!.pid!))).toEqual(new Set([NODE_NICENESS]))
    expect(new Set(nicenessOf(chainPid))).toEqual(new Set([getPriority()]))
  })

  it('starts nodes with extra flags, takes a late joiner, and refuses flags for a node it does not have', async () => {
    const flags = ['--max-pending-channels-per-peer', '3']
    await expect(launch({ nodes, channels: [] }, { nodeArgs: { mallory: flags } })).rejects.toMatchObject({
      code: 'UNKNOWN_NODE',
      message: expect.stringContaining('mallory'),
    })
    net = await launch({ nodes, channels: [] }, { nodeArgs: { bob: flags } })
    const argsOf = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    expect(argsOf(net.node('bob').process!.pid!).join(' ')).toContain(flags.join(' '))
    expect(argsOf(net.node('alice').process!.pid!).join(' ')).not.toContain(flags[0])

    const carol = await net.addNode({ name: 'carol' }, { args: flags })
    expect(argsOf(carol.process!.pid!).join(' ')).toContain(flags.join(' '))
    await carol.client.connect(net.node('alice').address)
    expect((await net.node('alice').client.peers()).map((p) => p.nodeId)).toContain(carol.nodeId)
    await expect(net.addNode({ name: 'carol' })).rejects.toMatchObject({ code: 'DUPLICATE_NODE' })
    await expect(net.addNode({ name: '../x' })).rejects.toMatchObject({ code: 'INVALID_STEP' })
    await net.restartNode('carol')
    expect(argsOf(net.node('carol').process!.pid!).join(' ')).toContain(flags.join(' '))
  })

  it('gives up at once, saying which node died and why, when a daemon exits during bring-up', async () => {
    // a runner that lets bob start and then kills him, as a crash would: at once, since on an idle machine the
    // whole bring-up of two nodes can be done within a few hundred ms of his start
    const local = new LocalProcessRunner()
    const runner: ProcessRunner = {
      async start(spec, options) {
        const p = await local.start(spec, options)
        if (spec.name === 'bob') setTimeout(() => void p.kill(), 0)
        return p
      },
      stopAll: () => local.stopAll(),
    }
    const started = Date.now()
    const err = await launch(
      { nodes, channels: [{ from: 'alice', to: 'bob', capacitySat: 500_000 }] },
      { runner },
    ).catch((e: unknown) => e)
    // what launch() left running is noted, then stopped before any assertion can fail, so no process outlives the test
    const leftRunning = [...local.pids]
    await local.stopAll()
    expect(err).toBeInstanceOf(NetworkStartError)
    expect((err as NetworkStartError).code).toBe('PROCESS_EXITED')
    expect((err as Error).message).toContain('node bob exited unexpectedly (SIGKILL)')
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(leftRunning).toEqual([])
  })
})
