/**
 * Conditions on a running network, read through the nodes' control APIs and
 * the chain: what a `wait` step waits for and what many expectations check.
 * Each evaluation says what it saw, so a failed wait or expectation explains
 * itself ("alice's local balance in alice-bob is 0 msat").
 */
import { TestingClient } from '../../api/node/testingClient.js'
import { transactionKind } from '../../api/node/transactionKind.js'
import { InvalidInputError, errorMessage } from '../../core/errors.js'
import { countMoney, describeMoneyCount } from './conservation.js'
import { formatPath } from '../file/load.js'
import { Condition } from '../file/schema.js'
import { compare, formatComparison, type Comparison } from '../file/values.js'
import type { NetworkView } from './networkView.js'

/** A condition as a file or a script writes it, before parsing. */
export type ConditionInput = Record<string, unknown>

export interface Evaluation {
  ok: boolean
  /** what was seen, in words */
  actual: string
}

export function parseCondition(input: ConditionInput | Condition): Condition {
  if ('kind' in input && typeof input.kind === 'string') return input as Condition
  const r = Condition.safeParse(input)
  if (r.success) return r.data
  const i = r.error.issues[0]!
  throw new InvalidInputError(`invalid condition: ${formatPath(i.path) || 'condition'}: ${i.message}`, {
    field: formatPath(i.path),
  })
}

export function formatMsat(msat: bigint): string {
  return `${msat.toLocaleString('en-US')} msat`
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'channelState': {
      const whose = c.node ? ` (${c.node}'s view)` : ''
      const parts = [
        c.state !== undefined ? `is ${c.state}` : '',
        c.active !== undefined ? (c.active ? 'is active' : 'is not active') : '',
      ]
      return `channel ${c.channel} ${parts.filter(Boolean).join(' and ')}${whose}`
    }
    case 'channelBalance':
      return `${c.node ? `${c.node}'s` : "the funder's"} balance in ${c.channel} ${formatComparison(c.localMsat)} msat`
    case 'balance':
      return [
        c.onchainSat ? `${c.node}'s on-chain balance ${formatComparison(c.onchainSat)} sat` : '',
        c.channelsMsat ? `${c.node}'s balance in channels ${formatComparison(c.channelsMsat)} msat` : '',
      ]
        .filter(Boolean)
        .join(' and ')
    case 'channelFeerate':
      return (
        `${c.node ? `${c.node}'s` : "the funder's"} commitment of ${c.channel} pays ` +
        `${formatComparison(c.satPerKw)} sat/kw`
      )
    case 'blockHeight':
      return `block height ${formatComparison(c.height)}`
    case 'pendingHtlcs':
      return (
        `${c.node ? `${c.node}'s` : "the funder's"} channel ${c.channel} has ${formatComparison(c.count)} ` +
        'HTLC(s) in flight'
      )
    case 'alive':
      return `${c.node} is alive`
    case 'transactions':
      return (
        `${transactionCount(c).op === '>=' ? 'at least ' : ''}${describeCount(c)} ${c.type} transaction(s) ` +
        `mined${c.waitedBlocks ? `, each ${formatComparison(c.waitedBlocks)} blocks after what it spends` : ''}`
      )
    case 'graph':
      return (
        `${c.node}'s graph ${c.known ? 'holds' : 'does not hold'} channel ${c.channel}` +
        (c.enabled === undefined ? '' : c.enabled ? ', enabled both ways' : ', disabled by at least one end')
      )
    case 'sent':
      return `${c.node} sent ${c.peer} ${c.count ? `${formatComparison(c.count)} ` : 'at least one '}${c.message}`
    case 'notSent':
      return `${c.node} never sent ${c.peer} ${/^[aeiou]/.test(c.message) ? 'an' : 'a'} ${c.message}`
    case 'conservation':
      return (
        'money is conserved: on chain and in channels, the nodes hold what the faucet paid out minus ' +
        'the fees mined'
      )
  }
}

type TransactionsCondition = Extract<Condition, { kind: 'transactions' }>

function transactionCount(c: TransactionsCondition): Comparison {
  return c.count ?? { op: '>=', value: BigInt(c.atLeast ?? 1) }
}

function describeCount(c: TransactionsCondition): string {
  const want = transactionCount(c)
  return want.op === '>=' ? String(want.value) : formatComparison(want)
}

/** The transactions nodes broadcast with this kind's labels that are mined (and waited long enough, if asked). */
async function minedOfKind(net: NetworkView, c: TransactionsCondition): Promise<number> {
  let mined = 0
  for (const [txid, label] of net.transactionLabels()) {
    if (transactionKind(label) !== c.type) continue
    // one a node dropped (its input went elsewhere) is unknown to the chain
    const status = await net.chain.getTransaction(txid).catch(() => undefined)
    if (status?.status !== 'confirmed' || status.blockHeight === null) continue
    if (c.waitedBlocks) {
      const parents = [...new Set(status.tx.inputs.map((i) => i.prevout.txid))]
      const heights = await Promise.all(parents.map(async (p) => (await net.chain.getTransaction(p)).blockHeight))
      const waited = Math.min(...heights.map((h) => status.blockHeight! - (h ?? status.blockHeight!)))
      if (!compare(BigInt(waited), c.waitedBlocks)) continue
    }
    mined++
  }
  return mined
}

function compared(what: string, actual: bigint, want: Comparison, unit: string): Evaluation {
  return { ok: compare(actual, want), actual: `${what} is ${actual.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}` }
}

export async function evaluateCondition(net: NetworkView, c: Condition): Promise<Evaluation> {
  switch (c.kind) {
    case 'channelState':
    case 'channelBalance':
    case 'channelFeerate':
    case 'pendingHtlcs': {
      const ref = net.channel(c.channel)
      const node = net.node(c.node ?? ref.from)
      if (!node.online) {
        const ok = c.kind === 'channelState' && c.state === undefined && c.active === false
        return { ok, actual: `${node.name} is not running` }
      }
      const info = (await node.channels()).find((x) => x.channelId === ref.channelId)
      if (!info) return { ok: false, actual: `${node.name} does not list channel ${c.channel}` }
      if (c.kind === 'channelBalance')
        return compared(`${node.name}'s balance in ${c.channel}`, info.localBalanceMsat, c.localMsat, 'msat')
      if (c.kind === 'channelFeerate')
        return compared(
          `the feerate of ${node.name}'s commitment of ${c.channel}`,
          BigInt(info.feeratePerKw ?? 0),
          c.satPerKw,
          'sat/kw',
        )
      if (c.kind === 'pendingHtlcs')
        return compared(
          `the number of HTLCs in flight in ${c.channel} (${node.name}'s view)`,
          BigInt(info.pendingHtlcs.length),
          c.count,
          '',
        )
      const ok =
        (c.state === undefined || info.state === c.state) && (c.active === undefined || info.active === c.active)
      return {
        ok,
        actual: `${node.name} sees ${c.channel} in state ${info.state}${info.active ? ', active' : ', not active'}`,
      }
    }
    case 'balance': {
      const b = await net.node(c.node).balance()
      const parts = [
        ...(c.onchainSat ? [compared(`${c.node}'s on-chain balance`, b.confirmedSat, c.onchainSat, 'sat')] : []),
        ...(c.channelsMsat
          ? [compared(`${c.node}'s balance in channels`, b.channelLocalMsat, c.channelsMsat, 'msat')]
          : []),
      ]
      return { ok: parts.every((p) => p.ok), actual: parts.map((p) => p.actual).join('; ') }
    }
    case 'blockHeight':
      return compared('the block height', BigInt((await net.chain.info()).height), c.height, '')
    case 'transactions':
      return compared(
        `the number of mined ${c.type} transactions${c.waitedBlocks ? ' that waited that long' : ''}`,
        BigInt(await minedOfKind(net, c)),
        transactionCount(c),
        '',
      )
    case 'alive': {
      const node = net.node(c.node)
      if (!node.online) return { ok: false, actual: `${c.node}'s process is not running` }
      try {
        const info = await node.info()
        return { ok: true, actual: `${c.node} runs and answers (block height ${info.chain.blockHeight})` }
      } catch (err) {
        return { ok: false, actual: `${c.node} runs but does not answer: ${errorMessage(err)}` }
      }
    }
    case 'graph': {
      const node = net.node(c.node)
      if (!node.online) return { ok: false, actual: `${c.node} is not running: its graph cannot be read` }
      const scid = net.channel(c.channel).shortChannelId
      if (scid === undefined) return { ok: !c.known, actual: `${c.channel} has no short channel id yet (unconfirmed)` }
      const { channels } = await node.client.graph()
      const held = channels.find((x) => x.shortChannelId === scid)
      const among = `among ${channels.length} channel(s)`
      if (!held || c.enabled === undefined)
        return {
          ok: (held !== undefined) === c.known,
          actual: `${c.node}'s graph ${held ? 'holds' : 'does not hold'} ${c.channel} (${scid}) ${among}`,
        }
      const ends = held.policies.map((p) => (p === null ? 'no update' : p.disabled ? 'disabled' : 'enabled'))
      const enabled = ends.every((e) => e === 'enabled')
      const disabled = ends.includes('disabled')
      return {
        ok: c.enabled ? enabled : disabled,
        actual: `${c.node}'s graph holds ${c.channel} (${scid}): node1 ${ends[0]}, node2 ${ends[1]}`,
      }
    }
    case 'sent':
    case 'notSent': {
      const node = net.node(c.node)
      if (!node.online) return { ok: false, actual: `${c.node} is not running: it cannot say what it sent` }
      const { sent } = await new TestingClient(node.client).sent()
      const n = sent[net.node(c.peer).nodeId]?.[c.message] ?? 0
      const actual = `${c.node} sent ${c.peer} ${n} ${c.message} message(s) since it started`
      if (c.kind === 'notSent') return { ok: n === 0, actual }
      return { ok: c.count ? compare(BigInt(n), c.count) : n > 0, actual }
    }
    case 'conservation': {
      const offline = net.nodes.filter((n) => !n.online).map((n) => n.name)
      if (offline.length > 0)
        return { ok: false, actual: `cannot count the money of ${offline.join(', ')}: not running` }
      const m = await countMoney(
        net.chain,
        net.nodes.map((n) => n.client),
      )
      return { ok: m.heldMsat === m.expectedMsat && m.mempoolSize === 0, actual: describeMoneyCount(m) }
    }
  }
}
