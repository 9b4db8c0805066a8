/**
 * The money check of a whole test network: what the nodes hold on chain and in
 * open channels equals what the faucet gave out minus the fees miners
 * collected. The counting is the scenario runner's (`conservation`
 * expectation), so tests and scenarios check money the same way.
 * Valid at a quiet moment: no transaction waiting in the mempool, every closed
 * channel's outputs swept into wallets.
 */
import { ChainClient } from '../../src/api/chain/index.js'
import { countMoney } from '../../src/scenario/network/conservation.js'
import type { TestNetwork } from './network.js'

// one client per network's chain: it remembers the fees of the blocks it has read, so a check reads only the new ones
const chains = new WeakMap<TestNetwork, ChainClient>()

export async function moneyCheck(
  net: TestNetwork,
): Promise<{ heldMsat: bigint; expectedMsat: bigint; feesMinedSat: bigint; paidOutSat: bigint }> {
  let chain = chains.get(net)
  if (chain?.url !== new ChainClient({ url: net.chainUrl }).url)
    chains.set(net, (chain = new ChainClient({ url: net.chainUrl })))
  const m = await countMoney(
    chain,
    [...net.nodes.values()].map((n) => n.client),
  )
  if (m.mempoolSize !== 0) throw new Error(`${m.mempoolSize} transactions still in the mempool: mine them first`)
  return { heldMsat: m.heldMsat, expectedMsat: m.expectedMsat, feesMinedSat: m.feesMinedSat, paidOutSat: m.paidOutSat }
}
