/**
 * The mock chain's rules and state: what the channel and node layers and tests
 * use. Run a whole chain in memory with MemoryChain; validateTransaction is the
 * rulebook it shares with the chain daemon (src/chaind), whose HTTP contract and
 * client live in src/api/chain.
 */
export {
  after,
  all,
  any,
  older,
  sha256Lock,
  sig,
  formatCondition,
  parseCondition,
  conditionsEqual,
  type Condition,
} from './condition.js'
export {
  txid,
  sighash,
  signInput,
  emptyWitness,
  isCoinbase,
  outpointKey,
  type OutPoint,
  type Transaction,
  type TxInput,
  type TxOutput,
  type Witness,
} from './transaction.js'
export { ChainRuleError, CHAIN_RULE_CODES, type ChainRuleCode } from './errors.js'
export { evaluateCondition, type Evaluation, type SpendContext } from './evaluate.js'
export {
  validateTransaction,
  COINBASE_MATURITY,
  type Coin,
  type Spender,
  type UtxoView,
  type ValidatedTransaction,
} from './validate.js'
export { blockSubsidy, GENESIS_PREMINE_SAT, HALVING_INTERVAL, type Block } from './block.js'
export { ChainState } from './chainState.js'
export { MemoryChain } from './memoryChain.js'
export { FaucetError, type FaucetPayment } from './faucet.js'
export {
  ADDRESS_PREFIX,
  InvalidAddressError,
  addressFromPublicKey,
  addressOf,
  addressToCondition,
  conditionToAddress,
} from './address.js'
export { TransactionJson, BlockJson, transactionToJson, blockToJson } from './transactionJson.js'
