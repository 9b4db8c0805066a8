/**
 * The checks a field-by-field schema cannot make: names that must be unique,
 * and references (a channel's ends, a step's node, an expectation's step) that
 * must point at something the file defines. Each problem is reported at the
 * field that holds the bad name, so the error carries its line and column.
 */
import type { z } from 'zod'
import { FUNDING_FEE_RESERVE_SAT, defaultChannelName, type Condition, type Expectation, type Step } from './schema.js'
import { CHANNEL_ID_FIELDS, TESTING_STEP_KINDS } from './testingSteps.js'
import { planJam } from './jamPaths.js'
import { StepError } from '../errors.js'

interface Shape {
  testing?: boolean | undefined
  chain: { blockIntervalMs?: number | undefined; mineOnDemand?: boolean | undefined }
  nodes: { name: string; fundsSat: bigint }[]
  channels: {
    name?: string | undefined
    from: string
    to: string
    capacitySat: bigint
    pushMsat?: bigint | undefined
    feePolicy?: { htlcMaximumMsat?: bigint | undefined } | undefined
    fromFeePolicy?: { htlcMaximumMsat?: bigint | undefined } | undefined
    toFeePolicy?: { htlcMaximumMsat?: bigint | undefined } | undefined
  }[]
  steps: Step[]
  expect: Expectation[]
}

type Path = (string | number)[]

export function checkReferences(s: Shape, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string): void => ctx.addIssue({ code: 'custom', path, message })
  const nodes = new Set<string>()
  const nodeList = (): string => [...nodes].join(', ')
  const knowNode = (name: string, path: Path): void => {
    if (!nodes.has(name)) issue(path, `no node named "${name}" (the nodes are: ${nodeList()})`)
  }

  if (s.chain.mineOnDemand === true && s.chain.blockIntervalMs !== undefined)
    issue(['chain', 'mineOnDemand'], 'choose mineOnDemand or blockIntervalMs, not both')

  s.nodes.forEach((n, i) => {
    if (nodes.has(n.name)) issue(['nodes', i, 'name'], `duplicate node name "${n.name}"`)
    nodes.add(n.name)
  })

  const channels = new Map<string, { from: string; to: string }>()
  const addChannel = (name: string | undefined, from: string, to: string, path: Path): void => {
    const key = name ?? defaultChannelName(from, to)
    if (channels.has(key))
      issue(
        name === undefined ? [...path, 'to'] : [...path, 'name'],
        name === undefined ? `a second channel ${key}: give one of them a name` : `duplicate channel name "${key}"`,
      )
    channels.set(key, { from, to })
  }
  const checkEnds = (
    c: { from: string; to: string; capacitySat: bigint; pushMsat?: bigint | undefined },
    path: Path,
  ): void => {
    knowNode(c.from, [...path, 'from'])
    knowNode(c.to, [...path, 'to'])
    if (c.from === c.to) issue([...path, 'to'], `a channel needs two different nodes, not ${c.from} twice`)
    if (c.pushMsat !== undefined && c.pushMsat > c.capacitySat * 1000n)
      issue([...path, 'pushMsat'], `pushes ${c.pushMsat} msat, more than the capacity (${c.capacitySat * 1000n} msat)`)
  }

  const opened = new Map<string, bigint[]>()
  s.channels.forEach((c, i) => {
    checkEnds(c, ['channels', i])
    for (const key of ['feePolicy', 'fromFeePolicy', 'toFeePolicy'] as const) {
      const max = c[key]?.htlcMaximumMsat
      // BOLT #7: htlc_maximum_msat is at most the channel's capacity
      if (max !== undefined && max > c.capacitySat * 1000n)
        issue(
          ['channels', i, key, 'htlcMaximumMsat'],
          `${max} msat is more than the channel's capacity (${c.capacitySat * 1000n} msat)`,
        )
    }
    addChannel(c.name, c.from, c.to, ['channels', i])
    opened.set(c.from, [...(opened.get(c.from) ?? []), c.capacitySat])
  })
  s.nodes.forEach((n, i) => {
    const caps = opened.get(n.name) ?? []
    const needed = caps.reduce((a, b) => a + b, 0n) + BigInt(caps.length) * FUNDING_FEE_RESERVE_SAT
    if (n.fundsSat < needed)
      issue(
        ['nodes', i, 'fundsSat'],
        `${n.name} funds ${caps.length} channel(s) and needs at least ${needed} sat ` +
          `(their capacity plus ${FUNDING_FEE_RESERVE_SAT} sat each for the funding transaction), not ${n.fundsSat}`,
      )
  })

  const knowChannel = (name: string, path: Path, node?: string): void => {
    const c = channels.get(name)
    if (!c)
      issue(
        [...path, 'channel'],
        `no channel named "${name}" (the channels are: ${[...channels.keys()].join(', ') || 'none'})`,
      )
    else if (node !== undefined && node !== c.from && node !== c.to)
      issue([...path, 'node'], `${node} is not an end of channel ${name} (${c.from}, ${c.to})`)
  }
  const checkCondition = (c: Condition, path: Path): void => {
    const at = [...path, c.kind]
    if (
      c.kind === 'channelState' ||
      c.kind === 'channelBalance' ||
      c.kind === 'pendingHtlcs' ||
      c.kind === 'channelFeerate'
    ) {
      if (c.node !== undefined) knowNode(c.node, [...at, 'node'])
      knowChannel(c.channel, at, c.node)
    } else if (c.kind === 'balance' || c.kind === 'alive') knowNode(c.node, [...at, 'node'])
    else if (c.kind === 'graph') {
      knowNode(c.node, [...at, 'node'])
      knowChannel(c.channel, at)
    } else if (c.kind === 'sent' || c.kind === 'notSent') {
      knowNode(c.node, [...at, 'node'])
      knowNode(c.peer, [...at, 'peer'])
      if (s.testing === false)
        issue(at, `${c.kind} counts what nodes sent through their test-only hooks: remove \`testing: false\``)
    }
  }

  const ids = new Map<string, Step['kind']>()
  /** pay steps with hold: true, and those a settle or cancel step already decided */
  const held = new Set<string>()
  const decided = new Set<string>()
  s.steps.forEach((step, i) => {
    const at: Path = ['steps', i, step.kind]
    switch (step.kind) {
      case 'pay':
      case 'keysend':
        knowNode(step.from, [...at, 'from'])
        knowNode(step.to, [...at, 'to'])
        if (step.from === step.to) issue([...at, 'to'], `${step.from} cannot pay itself`)
        break
      case 'settle':
      case 'cancel':
        if (!held.has(step.payment))
          issue(
            [...at, 'payment'],
            ids.get(step.payment) === 'pay'
              ? `pay step "${step.payment}" is not held: give it hold: true`
              : `no earlier pay step with id "${step.payment}" and hold: true`,
          )
        else if (decided.has(step.payment))
          issue([...at, 'payment'], `the held payment "${step.payment}" was already settled or cancelled`)
        decided.add(step.payment)
        break
      case 'open':
        checkEnds(step, at)
        addChannel(step.name, step.from, step.to, at)
        break
      case 'close':
        if (step.node !== undefined) knowNode(step.node, [...at, 'node'])
        knowChannel(step.channel, at, step.node)
        break
      case 'wait':
        checkCondition(step.until, [...at, 'until'])
        break
      case 'stop':
      case 'restart':
      case 'kill':
        knowNode(step.node, [...at, 'node'])
        break
      case 'traffic':
        step.pairs?.forEach(([from, to], j) => {
          knowNode(from, [...at, 'pairs', j, 0])
          knowNode(to, [...at, 'pairs', j, 1])
          if (from === to) issue([...at, 'pairs', j, 1], `${from} cannot pay itself`)
        })
        step.nodes?.forEach((n, j) => knowNode(n, [...at, 'nodes', j]))
        if ((step.random === true || step.model === 'simln') && nodes.size < 2)
          issue([...at, step.model === 'simln' ? 'model' : 'random'], 'random traffic needs at least two nodes')
        if (step.amountMsat && step.amountMsat.min > step.amountMsat.max)
          issue([...at, 'amountMsat', 'min'], `min (${step.amountMsat.min}) is above max (${step.amountMsat.max})`)
        break
      case 'mutate':
      case 'replay':
      case 'send': {
        const values = step.kind === 'mutate' ? step.set : step.kind === 'send' ? step.fields : {}
        for (const field of CHANNEL_ID_FIELDS) {
          const v = values[field]
          if (typeof v === 'string' && !/^[0-9a-f]{64}$/i.test(v) && !channels.has(v))
            issue(
              [...at, step.kind === 'mutate' ? 'set' : 'fields', field],
              `${JSON.stringify(v)} is neither a 32-byte hex id nor a channel ` +
                `(the channels are: ${[...channels.keys()].join(', ') || 'none'})`,
            )
        }
        knowNode(step.node, [...at, 'node'])
        knowNode(step.peer, [...at, 'peer'])
        if (step.node === step.peer) issue([...at, 'peer'], `${step.node} sends no messages to itself`)
        break
      }
      case 'fault':
        knowNode(step.node, [...at, 'node'])
        knowNode(step.peer, [...at, 'peer'])
        if (step.node === step.peer) issue([...at, 'peer'], `${step.node} sends no messages to itself`)
        break
      case 'latency':
        if (step.node !== undefined) knowNode(step.node, [...at, 'node'])
        if (step.channel !== undefined) knowChannel(step.channel, at)
        break
      case 'partition': {
        const seen = new Map<string, number>()
        step.groups.forEach((group, g) =>
          group.forEach((name, j) => {
            knowNode(name, [...at, 'groups', g, j])
            if (seen.has(name))
              issue(
                [...at, 'groups', g, j],
                `${name} is already in group ${seen.get(name)! + 1}; a node can be on one side only`,
              )
            seen.set(name, g)
          }),
        )
        break
      }
      case 'hold':
      case 'broadcastFails':
        knowNode(step.node, [...at, 'node'])
        break
      case 'reorg':
        step.drop.forEach((d, j) => {
          const [key, name] =
            typeof d === 'string' ? [] : 'funding' in d ? ['funding', d.funding] : ['closing', d.closing]
          if (key !== undefined && !channels.has(name!))
            issue(
              [...at, 'drop', j, key],
              `no channel named "${name}" (the channels are: ${[...channels.keys()].join(', ') || 'none'})`,
            )
        })
        break
      case 'chainStall':
        step.nodes?.forEach((n, j) => knowNode(n, [...at, 'nodes', j]))
        break
      case 'cheat':
        knowNode(step.node, [...at, 'node'])
        knowChannel(step.channel, at, step.node)
        break
      case 'jam': {
        knowNode(step.attacker, [...at, 'attacker'])
        if (step.colluder !== undefined) {
          knowNode(step.colluder, [...at, 'colluder'])
          if (step.colluder === step.attacker)
            issue([...at, 'colluder'], 'the attacker cannot pay itself: name another node as the colluder')
        }
        const { node, channel } = step.target
        if (node !== undefined) knowNode(node, [...at, 'target', 'node'])
        if (channel !== undefined) {
          const c = channels.get(channel)
          knowChannel(channel, [...at, 'target'])
          if (c && step.from !== undefined && step.from !== c.from && step.from !== c.to)
            issue([...at, 'from'], `${step.from} is not an end of ${channel} (${c.from}, ${c.to})`)
        }
        if (step.id !== undefined) {
          if (ids.has(step.id)) issue([...at, 'id'], `duplicate step id "${step.id}"`)
          ids.set(step.id, step.kind)
        }
        // the channels known at this step make its paths: a target it cannot cross is the file's mistake
        const c = channel === undefined ? undefined : channels.get(channel)
        const sound =
          nodes.has(step.attacker) &&
          (node === undefined || nodes.has(node)) &&
          (step.colluder === undefined || (nodes.has(step.colluder) && step.colluder !== step.attacker)) &&
          (channel === undefined || (c !== undefined && [undefined, c.from, c.to].includes(step.from)))
        if (sound)
          try {
            planJam(
              [...channels].map(([name, c]) => ({ name, from: c.from, to: c.to })),
              step,
            )
          } catch (err) {
            if (!(err instanceof StepError)) throw err
            issue([...at, 'target'], err.message)
          }
        break
      }
      case 'mine':
      case 'feerate':
      case 'sleep':
      case 'heal':
        break
    }
    if (s.testing === false && (TESTING_STEP_KINDS as string[]).includes(step.kind))
      issue(at, `a ${step.kind} step needs the nodes' test-only hooks: remove \`testing: false\``)
    if ((step.kind === 'pay' || step.kind === 'keysend' || step.kind === 'traffic') && step.id !== undefined) {
      if (ids.has(step.id)) issue([...at, 'id'], `duplicate step id "${step.id}"`)
      ids.set(step.id, step.kind)
      if (step.kind === 'pay' && step.hold) held.add(step.id)
    }
  })

  s.expect.forEach((e, i) => {
    const at: Path = ['expect', i, e.kind]
    if (e.kind === 'payment' || e.kind === 'traffic') {
      const want = e.kind === 'payment' ? 'pay' : 'traffic'
      const kind = ids.get(e.step)
      if (kind !== want && !(want === 'pay' && kind === 'keysend'))
        issue(
          [...at, 'step'],
          kind === undefined
            ? `no step with id "${e.step}" (give the ${want} step an id)`
            : `step "${e.step}" is a ${kind} step, not a ${want} step`,
        )
    } else if (e.kind === 'paymentLatency') {
      for (const [key, id] of [
        ['step', e.step],
        ['slowerThan', e.slowerThan],
      ] as const) {
        if (id !== undefined && !ids.has(id)) issue([...at, key], `no pay or traffic step with id "${id}"`)
      }
    } else checkCondition(e, ['expect', i])
  })
}
