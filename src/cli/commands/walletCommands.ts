/** The node's on-chain wallet: pay an address from it (lncli `sendcoins`), list its coins (`listunspent`). */
import { CliError, parseAmountArg, type CommandSpec } from '../command.js'
import { NODE_OPTIONS, nodeClient } from './nodeTarget.js'

const sat = (v: bigint): string => `${v.toLocaleString('en-US')} sat`

const sendCoinsCommand: CommandSpec = {
  path: ['sendcoins'],
  summary: "Pay an on-chain address from the node's wallet (change comes back to the wallet)",
  description: 'Returns once the chain has the transaction in its mempool; it confirms with the next block.',
  positionals: [
    { name: 'ADDRESS', description: 'a sim1… address' },
    { name: 'AMOUNT', description: 'satoshi, or with a unit (0.001btc, 100000sat)' },
  ],
  options: NODE_OPTIONS,
  examples: ['lnsim sendcoins sim1… 100000 --node alice', 'lnsim sendcoins sim1… 0.001btc'],
  async run({ args, options, out }) {
    const amountSat = parseAmountArg(args[1], 'sat', 'AMOUNT')
    if (amountSat === 0n) throw new CliError('AMOUNT must be more than 0 sat', { exitCode: 2, code: 'USAGE' })
    const r = await (await nodeClient(options)).sendCoins({ address: args[0]!, amountSat })
    out.result(r, () => `sent ${sat(r.amountSat)} to ${r.address} (fee ${sat(r.feeSat)}) in ${r.txid}`)
  },
}

const listUnspentCommand: CommandSpec = {
  path: ['listunspent'],
  summary: "List the coins of the node's on-chain wallet, with their confirmations",
  options: NODE_OPTIONS,
  examples: ['lnsim listunspent --node alice', 'lnsim listunspent --json'],
  async run({ options, out }) {
    const coins = (await (await nodeClient(options)).balance()).outputs
    out.result(coins, () =>
      coins.length
        ? coins
            .map(
              (c) =>
                `${sat(c.valueSat).padStart(20)}  ${String(c.confirmations).padStart(5)} conf  ` +
                `${c.txid}:${c.vout}  ${c.label}`,
            )
            .join('\n')
        : 'no coins',
    )
  },
}

export const walletCommands: CommandSpec[] = [sendCoinsCommand, listUnspentCommand]
