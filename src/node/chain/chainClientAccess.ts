/** ChainAccess over the mock chain daemon's HTTP API (its typed client). */
import { ChainClient } from '../../api/chain/client.js'
import type { ChainAccess } from './chainAccess.js'

export function chainClientAccess(url: string): ChainAccess {
  const client = new ChainClient({ url })
  return {
    async tipHeight() {
      return (await client.info()).height
    },
    async chainHash() {
      return (await client.info()).chainHash
    },
    async block(height) {
      const b = await client.getBlock(height)
      return { height: b.height, hash: b.hash, txs: b.txs, txids: b.txids }
    },
    async utxos(address) {
      return (await client.getAddressUtxos(address)).utxos.map((u) => ({
        txid: u.txid,
        vout: u.vout,
        valueSat: u.valueSat,
        confirmations: u.confirmations,
      }))
    },
    async output(outpoint) {
      try {
        const o = await client.getOutpoint(outpoint)
        return { value: o.valueSat, condition: o.condition, spent: o.spentBy !== null }
      } catch (err) {
        if ((err as { code?: string }).code === 'NOT_FOUND' || (err as { status?: number }).status === 404)
          return undefined
        throw err
      }
    },
    async submit(tx) {
      return (await client.submitTransaction(tx)).txid
    },
    followBlocks(onBlock, signal) {
      void client.subscribe(
        (event) => {
          if (event.type === 'block' || event.type === 'tip') onBlock(event.height)
        },
        // blocks only: every transaction's event, to every node, cost each node a parse per funding
        { signal, types: ['block'] },
      )
    },
  }
}
