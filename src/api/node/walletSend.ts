/**
 * Paying an on-chain address from the node's wallet (`lnsim sendcoins`, lncli's
 * `sendcoins`, Core Lightning's `withdraw`): the contract of POST /v1/wallet/send.
 */
import { z } from 'zod'
import { amount, hex32 } from './schemas.js'

export const SendCoinsRequest = z.strictObject({
  /** a sim1… address */
  address: z.string().min(1).max(200),
  amountSat: amount,
})
export type SendCoinsRequest = z.infer<typeof SendCoinsRequest>

export const SendCoinsResponse = z.object({
  txid: hex32,
  address: z.string(),
  amountSat: amount,
  /** what the transaction leaves to the miner */
  feeSat: amount,
})
export type SendCoinsResponse = z.infer<typeof SendCoinsResponse>
