/**
 * The money check of a whole run: what the nodes hold on chain and in open
 * channels equals what the faucet gave out minus the fees miners collected.
 * Valid at a quiet moment: no transaction waiting in the mempool, every closed
 * channel's outputs swept into wallets.
 */
import { blockSubsidy } from '../../src/chain/block.js'
import type { TestNetwork } from './network.js'

interface BlockJson {
  height: number
  txs: Array<{ inputs: unknown[]; outputs: Array<{ valueSat: string }> }>
}

export async function moneyCheck(net: TestNetwork): Promise<{ heldMsat: bigint; expectedMsat: bigint; feesMinedSat: bigint; paidOutSat: bigint }> {
  const info = await net.chain<{ height: number; faucetPaidOutSat: string; mempoolSize: number }>('GET', '/info')
  if (info.mempoolSize !== 0) throw new Error(`${info.mempoolSize} transactions still in the mempool: mine them first`)
  let feesMinedSat = 0n
  for (let h = 1; h <= info.height; h++) {
    const b = await net.chain<BlockJson>('GET', `/blocks/${h}`)
    const coinbase = b.txs[0]!.outputs.reduce((s, o) => s + BigInt(o.valueSat), 0n)
    feesMinedSat += coinbase - blockSubsidy(h)
  }
  let heldMsat = 0n
  for (const n of net.nodes.values()) {
    const balance = await n.client.balance()
    heldMsat += (balance.confirmedSat + balance.unconfirmedSat) * 1000n
    for (const c of await n.client.channels()) if (c.state !== 'CLOSED') heldMsat += c.localBalanceMsat + c.pendingHtlcs.filter((h) => h.direction === 'outgoing').reduce((s, h) => s + h.amountMsat, 0n)
  }
  const paidOutSat = BigInt(info.faucetPaidOutSat)
  return { heldMsat, expectedMsat: (paidOutSat - feesMinedSat) * 1000n, feesMinedSat, paidOutSat }
}
