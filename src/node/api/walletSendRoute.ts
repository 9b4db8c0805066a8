/**
 * POST /v1/wallet/send: pays an address from the on-chain wallet, change back
 * to the wallet, and hands the transaction to the chain. A refusal (a bad
 * address, not enough funds, the chain saying no) leaves the wallet's coins
 * free again.
 */
import { addressToCondition } from '../../chain/address.js'
import { txid as txidOf } from '../../chain/transaction.js'
import { SendCoinsRequest, type SendCoinsResponse } from '../../api/node/walletSend.js'
import { route, type Route } from '../../api/http/route.js'
import type { NodeComponents } from '../components.js'

export function walletSendRoute(node: Pick<NodeComponents, 'wallet' | 'chain' | 'stores'>): Route {
  return route('POST', '/v1/wallet/send', SendCoinsRequest, async ({ body }): Promise<SendCoinsResponse> => {
    const condition = addressToCondition(body.address)
    const coinsBefore = await node.wallet.coins()
    const { tx } = await node.wallet.fund(body.amountSat, condition)
    // the change address the wallet just took must survive a restart before anything pays it
    await node.stores.wallet.flush()
    try {
      await node.chain.submit(tx)
    } catch (err) {
      node.wallet.release(tx)
      throw err
    }
    const spent = new Set(tx.inputs.map((i) => `${i.prevout.txid}:${i.prevout.vout}`))
    const inputsSat = coinsBefore.filter((c) => spent.has(`${c.txid}:${c.vout}`)).reduce((s, c) => s + c.valueSat, 0n)
    const outputsSat = tx.outputs.reduce((s, o) => s + o.value, 0n)
    return { txid: txidOf(tx), address: body.address, amountSat: body.amountSat, feeSat: inputsSat - outputsSat }
  })
}
