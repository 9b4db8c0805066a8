/**
 * The mock chain's public face: what the channel and node layers, the CLI and
 * tests use. Start a daemon with startChainDaemon, talk to one with ChainClient,
 * or run a whole chain in memory with MemoryChain; validateTransaction is the
 * rulebook all three share.
 */
export { after, all, any, older, sha256Lock, sig, formatCondition, parseCondition, conditionsEqual, type Condition } from './condition.js'
export { txid, sighash, signInput, emptyWitness, isCoinbase, outpointKey, type OutPoint, type Transaction, type TxInput, type TxOutput, type Witness } from './transaction.js'
export { ChainRuleError, CHAIN_RULE_CODES, type ChainRuleCode } from './errors.js'
export { evaluateCondition, type Evaluation, type SpendContext } from './evaluate.js'
export { validateTransaction, COINBASE_MATURITY, type Coin, type Spender, type UtxoView, type ValidatedTransaction } from './validate.js'
export { blockSubsidy, GENESIS_PREMINE_SAT, HALVING_INTERVAL, type Block } from './block.js'
export { ChainState } from './chainState.js'
export { MemoryChain } from './memoryChain.js'
export { FaucetError, type FaucetPayment } from './faucet.js'
export { ADDRESS_PREFIX, InvalidAddressError, addressFromPublicKey, addressOf, addressToCondition, conditionToAddress } from './address.js'
export { TransactionJson, BlockJson, transactionToJson, blockToJson } from './transactionJson.js'
export { DEFAULT_CHAIN_URL, DEFAULT_CHAIN_PORT, NETWORK_NAME, type ChainEvent, type ChainInfo, type TransactionStatus, type BlockResponse, type OutpointStatus, type AddressUtxos, type MineResponse, type FaucetResponse, type SubmitResponse } from './apiTypes.js'
export { ChainClient, ChainClientError, type ChainClientOptions, type RequestOptions, type SubscribeOptions } from './client.js'
export { startChainDaemon, type ChainDaemon, type ChainDaemonOptions } from './daemon/startChainDaemon.js'
