/**
 * The chain daemon's contract, for every process that talks to it: nodes, the
 * CLI, the scenario runner and the dashboard share this one typed client.
 */
export {
  ChainClient,
  ChainClientError,
  type ChainClientOptions,
  type RequestOptions,
  type SubscribeOptions,
} from './client.js'
export * from './types.js'
export * from './watchTypes.js'
export { transactionToJson, blockToJson } from '../../chain/transactionJson.js'
/** How a spending condition reads in the contract's JSON (e.g. `all(sig(02…),older(144))`). */
export { formatCondition } from '../../chain/condition.js'
export type { Transaction, OutPoint } from '../../chain/transaction.js'
