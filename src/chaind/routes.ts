/**
 * The chain daemon's routes (under /v1) and its event stream, over the chain
 * state and the faucet. Handlers translate between the JSON contract in
 * apiTypes.ts and the chain's typed values; the rules live in the chain.
 */
import type { z } from 'zod'
import { InvalidInputError, LnsimError } from '../core/errors.js'
import { addressOf, addressToCondition } from '../chain/address.js'
import {
  AddressUtxos,
  ChainInfo,
  Feerate,
  FaucetBatchRequest,
  FaucetBatchResponse,
  FaucetRequest,
  FaucetResponse,
  MineRequest,
  MineResponse,
  NETWORK_NAME,
  OutpointStatus,
  ReorgRequest,
  ReorgResponse,
  SubmitResponse,
  TransactionStatus,
  type BlockEvent,
  type TipEvent,
  type TxEvent,
} from '../api/chain/types.js'
import type { Block } from '../chain/block.js'
import type { ChainState } from '../chain/chainState.js'
import { formatCondition, type Condition } from '../chain/condition.js'
import { ChainRuleError } from '../chain/errors.js'
import type { Faucet } from '../chain/faucet.js'
import { txid as txidOf } from '../chain/transaction.js'
import { TransactionJson, transactionToJson } from '../chain/transactionJson.js'
import { route, type EventStream, type Route } from '../api/http/route.js'
import { RawJson } from '../api/http/rawJson.js'
import { UtxosRequest, WatchRequest, type UtxosResponse } from '../api/chain/watchTypes.js'
import type { BlockDigests } from './blockDigests.js'
import type { WatchSessions } from './watchSessions.js'
import type { FeeEstimate } from './feeEstimate.js'

export interface ChainService {
  state: ChainState
  faucet: Faucet
  blockIntervalMs: number | null
  mine(blocks: number, miner: Condition): Block[]
  log(line: string): void
  digests: BlockDigests
  watches: WatchSessions
  feeEstimate: FeeEstimate
  /** requests served since the daemon started */
  requestsServed(): number
  /** of those, requests refused at the admission limit */
  requestsRefused(): number
}

type Json<S extends z.ZodType> = z.input<S>

function txidParam(value: string | undefined): string {
  if (!value || !/^[0-9a-f]{64}$/.test(value))
    throw new InvalidInputError(
      `txid must be 64 lowercase hex characters, got "${value ?? ''}"`,
      { field: 'txid' },
      'INVALID_REQUEST',
    )
  return value
}

/**
 * The codes the chain's routes raise beyond the server's own, with their status,
 * which is what the caller does: 400, fix the request; 404, it names nothing the
 * chain has (yet). A chain rule broken (ChainRuleCode) is 422: the transaction
 * can never be mined as it is, or not yet (TIMELOCK_NOT_REACHED).
 */
export const CHAIN_ERROR_STATUS = {
  INVALID_ADDRESS: 400,
  UNKNOWN_TRANSACTION: 404,
  UNKNOWN_BLOCK: 404,
  UNKNOWN_OUTPOINT: 404,
  UNKNOWN_WATCH_SESSION: 404,
  WATCH_FROM_REQUIRED: 400,
  WATCH_FROM_AHEAD: 409,
} as const satisfies Record<string, number>

export type ChainRouteErrorCode = keyof typeof CHAIN_ERROR_STATUS

function notFound(
  code: 'UNKNOWN_TRANSACTION' | 'UNKNOWN_BLOCK' | 'UNKNOWN_OUTPOINT',
  message: string,
  details: Record<string, unknown>,
): LnsimError {
  return new LnsimError(code, message, details)
}

export function chainRoutes(service: ChainService): Route[] {
  const { state, faucet } = service
  const outpointJson = (txid: string, vout: number): Json<typeof OutpointStatus> => {
    const o = state.output({ txid, vout })
    if (!o) throw notFound('UNKNOWN_OUTPOINT', `no output ${txid}:${vout} in a block or the mempool`, { txid, vout })
    return {
      txid,
      vout,
      valueSat: o.output.value.toString(),
      condition: formatCondition(o.output.condition),
      address: addressOf(o.output.condition),
      coinbase: o.coinbase,
      blockHeight: o.height,
      confirmations: state.confirmations(o.height),
      spentBy: o.spender
        ? { txid: o.spender.txid, inputIndex: o.spender.inputIndex, blockHeight: o.spender.height }
        : null,
    }
  }
  const utxosOf = (address: string): Json<typeof AddressUtxos>['utxos'] =>
    state.unspentWithCondition(addressToCondition(address)).map((u) => ({
      txid: u.outpoint.txid,
      vout: u.outpoint.vout,
      valueSat: u.output.value.toString(),
      blockHeight: u.height,
      confirmations: state.confirmations(u.height),
    }))
  const P = '/v1'
  return [
    route('GET', `${P}/info`, undefined, (): Json<typeof ChainInfo> => ({
      network: NETWORK_NAME,
      chainHash: state.chainHash,
      height: state.height,
      tipHash: state.tip.hash,
      tipTime: state.tip.time,
      mempoolSize: state.mempool.size,
      faucetAddress: faucet.address,
      faucetPaidOutSat: faucet.paidOut.toString(),
      blockIntervalMs: service.blockIntervalMs,
      requestsServed: service.requestsServed(),
      requestsRefused: service.requestsRefused(),
      watchSessions: service.watches.size,
    })),

    route('POST', `${P}/transactions`, TransactionJson, ({ body }): Json<typeof SubmitResponse> => {
      let entry
      try {
        entry = state.submit(body)
      } catch (err) {
        if (err instanceof ChainRuleError)
          service.log(`rejected transaction ${err.details.txid ?? '(malformed)'}: ${err.code}: ${err.message}`)
        throw err
      }
      return { txid: entry.txid, feeSat: entry.fee.toString() }
    }),

    route('GET', `${P}/transactions/:txid`, undefined, ({ params }): Json<typeof TransactionStatus> => {
      const txid = txidParam(params.txid)
      const t = state.transaction(txid)
      if (!t) throw notFound('UNKNOWN_TRANSACTION', `no transaction ${txid} in a block or the mempool`, { txid })
      return {
        txid,
        tx: transactionToJson(t.tx),
        status: t.status,
        blockHeight: t.status === 'confirmed' ? t.blockHeight : null,
        blockHash: t.status === 'confirmed' ? t.blockHash : null,
        confirmations: t.confirmations,
        feeSat: t.fee.toString(),
      }
    }),

    // each block's text is written once, however many nodes ask for it
    route('GET', `${P}/blocks/tip`, undefined, () => new RawJson(service.digests.responseText(state.tip))),

    route('GET', `${P}/blocks/:id`, undefined, ({ params }) => {
      const id = params.id ?? ''
      const key = /^[0-9]{1,10}$/.test(id) ? Number(id) : /^[0-9a-f]{64}$/.test(id) ? id : undefined
      if (key === undefined)
        throw new InvalidInputError(
          `a block is named by its height or its 64-hex hash, not "${id}"`,
          { field: 'id' },
          'INVALID_REQUEST',
        )
      const block = state.block(key)
      if (!block) throw notFound('UNKNOWN_BLOCK', `no block ${id}; the chain is at height ${state.height}`, { id })
      return new RawJson(service.digests.responseText(block))
    }),

    route('POST', `${P}/watch/:session`, WatchRequest, ({ params, body }) =>
      service.watches.register(params.session ?? '', body),
    ),

    // an output by where it is (a short channel id's parts): what gossip checks an announcement against
    route('GET', `${P}/outputs/:height/:txIndex/:vout`, undefined, ({ params }): Json<typeof OutpointStatus> => {
      const [h, i, v] = [params.height, params.txIndex, params.vout].map((x) =>
        /^[0-9]{1,10}$/.test(x ?? '') ? Number(x) : NaN,
      )
      if (!(h! >= 0 && i! >= 0 && v! >= 0))
        throw new InvalidInputError(
          'an output by position is /v1/outputs/HEIGHT/TX_INDEX/VOUT, three whole numbers',
          { field: 'position' },
          'INVALID_REQUEST',
        )
      const tx = state.block(h!)?.txs[i!]
      if (tx === undefined)
        throw notFound('UNKNOWN_OUTPOINT', `no transaction ${i} in block ${h}`, { height: h, txIndex: i })
      return outpointJson(txidOf(tx), v!)
    }),

    route('POST', `${P}/utxos`, UtxosRequest, ({ body }): Json<typeof UtxosResponse> => ({
      addresses: body.addresses.map((address) => ({ address, utxos: utxosOf(address) })),
    })),

    route('GET', `${P}/outpoints/:txid/:vout`, undefined, ({ params }): Json<typeof OutpointStatus> => {
      const txid = txidParam(params.txid)
      const vout = /^[0-9]{1,10}$/.test(params.vout ?? '') ? Number(params.vout) : NaN
      if (!(vout <= 0xffffffff))
        throw new InvalidInputError(
          `vout must be an output index, got "${params.vout ?? ''}"`,
          { field: 'vout' },
          'INVALID_REQUEST',
        )
      return outpointJson(txid, vout)
    }),

    route('GET', `${P}/addresses/:address/utxos`, undefined, ({ params }): Json<typeof AddressUtxos> => {
      const address = params.address ?? ''
      return { address, utxos: utxosOf(address) }
    }),

    route('GET', `${P}/feerate`, undefined, (): Json<typeof Feerate> => ({ satPerKw: service.feeEstimate.satPerKw })),
    route('POST', `${P}/feerate`, Feerate, ({ body }): Json<typeof Feerate> => {
      service.feeEstimate.set(body.satPerKw)
      service.log(`fee-rate estimate set to ${body.satPerKw} sat/kw`)
      return { satPerKw: service.feeEstimate.satPerKw }
    }),

    route('POST', `${P}/mine`, MineRequest, ({ body }): Json<typeof MineResponse> => {
      const miner = body.address === undefined ? faucet.condition : addressToCondition(body.address)
      const blocks = service.mine(body.blocks, miner)
      return { height: state.height, hashes: blocks.map((b) => b.hash) }
    }),

    route('POST', `${P}/reorg`, ReorgRequest, ({ body }): Json<typeof ReorgResponse> => {
      const r = state.reorg(body.depth, new Set(body.leaveOut), faucet.condition)
      service.log(
        `reorganized: ${r.replaced.length} block(s) above ${r.forkHeight} replaced by ${r.blocks.length}` +
          `${r.leftOut.length ? `, ${r.leftOut.length} transaction(s) left out` : ''}`,
      )
      return { ...r, height: state.height, hashes: r.blocks.map((b) => b.hash) }
    }),

    route('POST', `${P}/faucet`, FaucetRequest, ({ body }): Json<typeof FaucetResponse> => {
      const payment = faucet.pay(addressToCondition(body.address), body.amountSat)
      const block = body.confirm ? service.mine(1, faucet.condition)[0]! : undefined
      return {
        txid: payment.txid,
        vout: payment.outpoint.vout,
        address: body.address,
        amountSat: body.amountSat.toString(),
        blockHeight: block?.height ?? null,
        blockHash: block?.hash ?? null,
      }
    }),
    route('POST', `${P}/faucet/batch`, FaucetBatchRequest, ({ body }): Json<typeof FaucetBatchResponse> => {
      const payment = faucet.payMany(
        body.payments.map((p) => ({ condition: addressToCondition(p.address), amount: p.amountSat })),
      )
      const block = body.confirm ? service.mine(1, faucet.condition)[0]! : undefined
      return { txid: payment.txid, blockHeight: block?.height ?? null, blockHash: block?.hash ?? null }
    }),
  ]
}

/** The events a subscriber may pick with `?types=block,tx` (the first `tip` always comes). */
const EVENT_TYPES = ['block', 'tx'] as const

function eventTypes(query: URLSearchParams): Set<string> {
  const asked = query.get('types')
  if (asked === null) return new Set(EVENT_TYPES)
  const types = new Set(asked.split(',').filter((t) => t !== ''))
  for (const t of types)
    if (!(EVENT_TYPES as readonly string[]).includes(t))
      throw new InvalidInputError(
        `unknown event type '${t}'; types is a comma-separated list of ${EVENT_TYPES.join(', ')}`,
        { types: asked },
        'INVALID_REQUEST',
      )
  return types
}

export function chainEvents(state: ChainState): EventStream {
  return {
    path: '/v1/events',
    checkQuery: eventTypes,
    // a node follows blocks only: with every transaction too, a hundred nodes each parsed every funding transaction's
    // event
    open(send, query) {
      const types = eventTypes(query)
      send('tip', { height: state.height, hash: state.tip.hash } satisfies Json<typeof TipEvent>)
      const offBlock = types.has('block')
        ? state.onBlock((b) =>
            send('block', {
              height: b.block.height,
              hash: b.block.hash,
              time: b.block.time,
              txids: b.txids,
            } satisfies Json<typeof BlockEvent>),
          )
        : () => {}
      const offTx = types.has('tx')
        ? state.onTransaction((e) => send('tx', { txid: e.txid } satisfies Json<typeof TxEvent>))
        : () => {}
      return () => {
        offBlock()
        offTx()
      }
    },
  }
}
