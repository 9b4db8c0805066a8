/**
 * The money check of a whole network: what the nodes hold on chain and in
 * their open channels equals what the faucet paid out minus the fees miners
 * collected, to the millisatoshi. The faucet pays no fee, so every fee mined
 * came out of some node's money.
 *
 * It holds at a quiet moment: no transaction waiting in the mempool (its fee is
 * not mined yet), and the outputs of closed channels swept into wallets (an
 * output a node has not claimed yet is counted by no one).
 */
import type { NodeClient } from '../../api/node/client.js'
import type { ChainClient } from '../../api/chain/index.js'
import { mapLimit } from './pool.js'

export interface MoneyCount {
  /** wallets (confirmed and unconfirmed) and open channels' local balances with outgoing HTLCs, every node together */
  heldMsat: bigint
  /** what the faucet paid out minus the fees mined */
  expectedMsat: bigint
  paidOutSat: bigint
  feesMinedSat: bigint
  mempoolSize: number
  /** claims of closed channels that nodes are still waiting to mine */
  pendingClaims: number
}

/** Transaction fees looked up at once: one request each. */
const LOOKUP_CONCURRENCY = 8

/**
 * The fees of each block already counted, per chain: the mock chain has one
 * miner and never reorganises, so a mined block's fees never change, and a
 * `wait` on conservation need not read the whole chain again every poll.
 */
const blockFees = new WeakMap<ChainClient, Map<number, bigint>>()

/** Sums the fees of every transaction mined so far (the coinbase pays none). */
export async function feesMined(chain: ChainClient, height: number): Promise<bigint> {
  const known = blockFees.get(chain) ?? new Map<number, bigint>()
  blockFees.set(chain, known)
  const missing = Array.from({ length: height }, (_, i) => i + 1).filter((h) => !known.has(h))
  await mapLimit(missing, LOOKUP_CONCURRENCY, async (h) => {
    const fees = await mapLimit(
      (await chain.getBlock(h)).txids.slice(1),
      LOOKUP_CONCURRENCY,
      async (txid) => (await chain.getTransaction(txid)).feeSat,
    )
    known.set(
      h,
      fees.reduce((a, b) => a + b, 0n),
    )
  })
  let total = 0n
  for (let h = 1; h <= height; h++) total += known.get(h)!
  return total
}

/** Counts every node's money and what the chain says there should be. */
export async function countMoney(chain: ChainClient, nodes: readonly NodeClient[]): Promise<MoneyCount> {
  const info = await chain.info()
  const feesMinedSat = await feesMined(chain, info.height)
  let heldMsat = 0n
  let pendingClaims = 0
  for (const client of nodes) {
    const [balance, channels] = await Promise.all([client.balance(), client.channels()])
    heldMsat += (balance.confirmedSat + balance.unconfirmedSat) * 1000n
    pendingClaims += balance.pendingClaims.length
    for (const c of channels) {
      // an HTLC we offered is still ours until it settles; one we were offered is still the peer's
      if (c.state !== 'CLOSED')
        heldMsat +=
          c.localBalanceMsat +
          c.pendingHtlcs.filter((h) => h.direction === 'outgoing').reduce((s, h) => s + h.amountMsat, 0n)
    }
  }
  return {
    heldMsat,
    expectedMsat: (info.faucetPaidOutSat - feesMinedSat) * 1000n,
    paidOutSat: info.faucetPaidOutSat,
    feesMinedSat,
    mempoolSize: info.mempoolSize,
    pendingClaims,
  }
}

/** The count in words, saying why it may be off when it is. */
export function describeMoneyCount(m: MoneyCount): string {
  const sat = (msat: bigint): string =>
    `${(msat / 1000n).toLocaleString('en-US')}` +
    `${msat % 1000n === 0n ? '' : `.${(msat % 1000n).toString().padStart(3, '0')}`} sat`
  const diff = m.heldMsat - m.expectedMsat
  const verdict = diff === 0n ? 'exactly' : `${diff > 0n ? 'more' : 'less'} by ${sat(diff > 0n ? diff : -diff)} than`
  const why = [
    m.mempoolSize > 0 ? `${m.mempoolSize} transaction(s) still in the mempool` : '',
    m.pendingClaims > 0 ? `${m.pendingClaims} claim(s) not yet swept` : '',
  ]
    .filter(Boolean)
    .join(', ')
  return (
    `the nodes hold ${sat(m.heldMsat)}, ${verdict} the ${sat(m.expectedMsat)} the faucet paid out ` +
    `(${m.paidOutSat.toLocaleString('en-US')} sat) minus the fees mined (${m.feesMinedSat.toLocaleString('en-US')} ` +
    `sat)${why ? `; ${why}` : ''}`
  )
}
