/** ChainAccess over the mock chain daemon's HTTP API (its typed client and its watch sessions). */
import { ChainClient } from '../../api/chain/client.js'
import { ChainWatch } from '../../api/chain/chainWatch.js'
import type { Logger } from '../logger.js'
import type { ChainAccess } from './chainAccess.js'

function notFound(err: unknown): boolean {
  return (err as { status?: number }).status === 404
}

export function chainClientAccess(url: string, log?: Logger): ChainAccess {
  const client = new ChainClient({ url })
  return {
    async info() {
      const i = await client.info()
      return { chainHash: i.chainHash, height: i.height }
    },
    async utxos(addresses) {
      const answers = addresses.length === 0 ? [] : await client.getUtxosOf(addresses)
      return new Map(
        answers.map((a) => [
          a.address,
          a.utxos.map((u) => ({ txid: u.txid, vout: u.vout, valueSat: u.valueSat, confirmations: u.confirmations })),
        ]),
      )
    },
    async output(outpoint) {
      try {
        const o = await client.getOutpoint(outpoint)
        return { value: o.valueSat, condition: o.condition, spent: o.spentBy !== null }
      } catch (err) {
        if (notFound(err)) return undefined
        throw err
      }
    },
    async outputAt(height, txIndex, vout) {
      try {
        const o = await client.getOutputAt(height, txIndex, vout)
        return { txid: o.txid, value: o.valueSat, condition: o.condition, spent: o.spentBy !== null }
      } catch (err) {
        if (notFound(err)) return undefined
        throw err
      }
    },
    async submit(tx) {
      return (await client.submitTransaction(tx)).txid
    },
    watch(handlers, signal) {
      return new ChainWatch(
        client,
        {
          ...handlers,
          onError: (err) => log?.debug('chain watch interrupted; it reconnects', { error: (err as Error).message }),
        },
        signal,
      )
    },
  }
}
