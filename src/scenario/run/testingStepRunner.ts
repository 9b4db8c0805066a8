/**
 * The YAML runner's half for the steps that make trouble on purpose (fault,
 * latency, partition, heal, hold, cheat): each in words for the live view,
 * and carried out through the network's test-only hooks.
 */
import type { Network } from '../network/network.js'
import { sleep } from '../network/pool.js'
import { StepError } from '../errors.js'
import type { RunContext } from './runner.js'
import type { Step, StepOf } from '../file/schema.js'
import { TESTING_STEP_KINDS, type LinkDelaySpec, type TestingStepKind } from '../file/testingSteps.js'

type TestingStep = StepOf<TestingStepKind>

export function isTestingStep(step: Step): step is TestingStep {
  return (TESTING_STEP_KINDS as string[]).includes(step.kind)
}

function describeDelay(d: LinkDelaySpec): string {
  switch (d.kind) {
    case 'fixed':
      return `${d.ms} ms`
    case 'uniform':
      return `${d.minMs}–${d.maxMs} ms`
    case 'exponential':
      return `~${d.meanMs} ms (exponential)`
  }
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13
  return `${n}${teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th')}`
}

/** A long hex value in a line of the live view: its start and end. */
function shorten(v: string | number): string {
  const s = String(v)
  return s.length > 20 ? `${s.slice(0, 8)}…${s.slice(-8)}` : s
}

export function describeTestingStep(step: TestingStep): string {
  switch (step.kind) {
    case 'fault':
      return (
        `fault: ${step.node} will ${step.action.replace('_', ' ')} ` +
        `its ${step.nth === 1 ? 'next' : ordinal(step.nth)} ${step.message} to ${step.peer}`
      )
    case 'latency': {
      const what = step.node !== undefined ? `on everything ${step.node} sends` : `both ways on ${step.channel}`
      const rule = [
        step.delay ? `delay ${describeDelay(step.delay)}` : '',
        step.dropRate !== undefined ? `lose ${(step.dropRate * 100).toFixed(1)}%` : '',
      ]
        .filter(Boolean)
        .join(', ')
      return `latency: ${rule || 'no delay or loss'} ${what}`
    }
    case 'partition':
      return (
        `partition ${step.groups.map((g) => g.join(', ')).join(' | ')}` +
        `${step.durationMs !== undefined ? ` for ${step.durationMs} ms` : ''}`
      )
    case 'heal':
      return 'heal every partition'
    case 'hold':
      return step.hold ? `${step.node} holds the payments it receives` : `${step.node} settles the payments it held`
    case 'mutate':
      return (
        `mutate: the ${step.nth === 1 ? 'next' : ordinal(step.nth)} ${step.message} ${step.node} sends ` +
        `${step.peer} leaves with ${Object.entries(step.set)
          .map(([k, v]) => `${k} = ${shorten(v)}`)
          .join(', ')}`
      )
    case 'replay':
      return (
        `replay: ${step.node} sends ${step.peer} again its ` +
        `${step.nth === 1 ? 'last' : `${ordinal(step.nth)} last`} ${step.message}`
      )
    case 'send':
      return `send: ${step.node} sends ${step.peer} a crafted ${step.message}`
    case 'chainStall':
      return `chain stall: blocks stop reaching ${step.nodes?.join(', ') ?? 'every node'} for ${step.durationMs} ms`
    case 'broadcastFails':
      return `the chain refuses ${step.node}'s transactions for ${step.durationMs} ms`
    case 'reorg': {
      const dropped = step.drop.map((d) =>
        typeof d === 'string'
          ? d.slice(0, 12)
          : 'funding' in d
            ? `the funding of ${d.funding}`
            : `the close of ${d.closing}`,
      )
      return (
        `reorg: a longer branch replaces the last ${step.depth} block(s)` +
        (dropped.length ? `, leaving out ${dropped.join(', ')}` : '')
      )
    }
    case 'cheat':
      return `${step.node} cheats: broadcasts a revoked commitment of ${step.channel}`
  }
}

/** The funding or closing transaction of a channel of the network, as its funder reports it. */
async function channelTxid(net: Network, channel: string, which: 'fundingTxid' | 'closingTxid'): Promise<string> {
  const ref = net.channel(channel)
  const txid = (await net.node(ref.from).channels()).find((c) => c.channelId === ref.channelId)?.[which]
  if (!txid)
    throw new StepError(
      `${ref.from} knows no ${which === 'fundingTxid' ? 'funding' : 'closing'} transaction of ${channel}`,
      'UNKNOWN_CHANNEL',
    )
  return txid
}

export async function runTestingStep(
  net: Network,
  ctx: RunContext,
  step: TestingStep,
  source: string,
  background: Promise<unknown>[],
): Promise<void> {
  switch (step.kind) {
    case 'fault':
      return net.testing.fault(step)
    case 'latency':
      return net.testing.latency(step)
    case 'partition': {
      await net.testing.partition(step.groups)
      if (step.durationMs === undefined) return
      const nodes = step.groups.flat()
      // the partition lasts while the following steps run; the final expectations wait for it to heal
      background.push(
        sleep(step.durationMs, ctx.signal)
          .then(() => net.testing.heal(nodes.filter((n) => net.node(n).online)))
          .then(() => net.log(`healed the partition of ${nodes.join(', ')} after ${step.durationMs} ms`))
          .catch((err) => !ctx.signal.aborted && ctx.fail(err, `healing the partition of ${source}`, source)),
      )
      return
    }
    case 'heal':
      return net.testing.heal()
    case 'hold':
      await net.testing.hold(step.node, step.hold)
      return
    case 'cheat':
      await net.testing.cheat(step.node, step.channel)
      return
    case 'chainStall':
    case 'broadcastFails': {
      if (step.kind === 'chainStall') await net.testing.stallChain(step.durationMs, step.nodes)
      else await net.testing.refuseBroadcasts(step.node, step.durationMs)
      const what =
        step.kind === 'chainStall'
          ? 'blocks reach the nodes again'
          : `the chain takes ${step.node}'s transactions again`
      // the trouble lasts while the following steps run; the final expectations wait for its end
      background.push(
        sleep(step.durationMs, ctx.signal)
          .then(() => net.log(`${what} after ${step.durationMs} ms`))
          .catch(() => {}),
      )
      return
    }
    case 'reorg': {
      const txids = await Promise.all(
        step.drop.map(async (d) =>
          typeof d === 'string'
            ? d
            : 'funding' in d
              ? await channelTxid(net, d.funding, 'fundingTxid')
              : await channelTxid(net, d.closing, 'closingTxid'),
        ),
      )
      const r = await net.chain.reorg(step.depth, txids)
      net.log(
        `the chain reorganized above block ${r.forkHeight}: ${r.replaced.length} block(s) replaced by ` +
          `${r.hashes.length}, now at ${r.height}` +
          (r.leftOut.length ? `; ${r.leftOut.length} transaction(s) back in the mempool` : '') +
          (r.invalidated.length ? `; ${r.invalidated.length} no longer valid` : ''),
      )
      return
    }
    case 'mutate':
      return net.testing.mutate(step)
    case 'replay':
      return net.testing.replay(step)
    case 'send':
      return net.testing.send(step)
  }
}
