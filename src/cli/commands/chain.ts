/**
 * bitcoin-cli-style commands for the mock chain: `lnsim chain start` runs the
 * daemon in the foreground; the others talk to a running one over its HTTP API.
 */
import { join } from 'node:path'
import { toHex } from '../../core/bytes.js'
import {
  ChainClient,
  DEFAULT_CHAIN_PORT,
  DEFAULT_CHAIN_URL,
  MAX_FEERATE_PER_KW,
  MIN_FEERATE_PER_KW,
  formatCondition,
  transactionToJson,
  type BlockResponse,
  type TransactionStatus,
} from '../../api/chain/index.js'
import { CHAIN_MAX_CONCURRENT_REQUESTS, startChainDaemon } from '../../chaind/startChainDaemon.js'
import { hostFrom, hostOptionSpec } from '../hostOption.js'
import { parseAmountArg, parseIntegerOption, type CommandSpec, type OptionSpec, type OptionValues } from '../command.js'

const CHAIN_OPTION: OptionSpec = {
  name: 'chain',
  type: 'string',
  valueName: 'URL',
  description: `the chain daemon (default: $LNSIM_CHAIN or ${DEFAULT_CHAIN_URL})`,
}

function chainClient(options: OptionValues): ChainClient {
  return new ChainClient({
    url: typeof options.chain === 'string' ? options.chain : process.env.LNSIM_CHAIN || DEFAULT_CHAIN_URL,
  })
}

const sat = (v: bigint): string => `${v.toLocaleString('en-US')} sat`

const startCommand: CommandSpec = {
  path: ['chain', 'start'],
  summary: 'Run the mock chain daemon in the foreground (Ctrl-C stops it)',
  description:
    'Blocks, the mempool and the faucet key live in the data directory; a restart picks up where it stopped. ' +
    'The URL is printed and written to DATA_DIR/chain.url.',
  options: [
    {
      name: 'data-dir',
      type: 'string',
      valueName: 'DIR',
      description: 'where the chain lives',
      default: join('.lnsim', 'chain'),
    },
    {
      name: 'port',
      type: 'string',
      valueName: 'N',
      description: 'port to listen on (0: any free port)',
      default: String(DEFAULT_CHAIN_PORT),
    },
    hostOptionSpec(
      'the chain',
      'The chain has no token: beyond loopback, anyone who reaches it can mine and spend the faucet.',
    ),
    {
      name: 'block-interval',
      type: 'string',
      valueName: 'MS',
      description: 'also mine a block every MS milliseconds, empty or not',
    },
    {
      name: 'seed',
      type: 'string',
      valueName: 'TEXT',
      description: 'a new chain gets the same faucet key (and so the same transaction ids) for the same seed',
    },
    {
      name: 'max-concurrent-requests',
      type: 'string',
      valueName: 'N',
      description: 'requests worked on at once; more are answered 503 with a Retry-After, which clients honour',
      default: String(CHAIN_MAX_CONCURRENT_REQUESTS),
    },
    {
      name: 'testing-answer-delay',
      type: 'string',
      valueName: 'MS',
      description: 'for tests only: answer every request MS milliseconds late, as a chain starved of CPU would',
    },
  ],
  examples: ['lnsim chain start', 'lnsim chain start --data-dir /tmp/chain --port 0 --block-interval 1000'],
  async run({ options, json, out, signal }) {
    const dataDir = String(options['data-dir'])
    const port = parseIntegerOption(options.port, 'port', { min: 0, max: 65535 })!
    const blockIntervalMs = parseIntegerOption(options['block-interval'], 'block-interval', { min: 1 })
    const answerDelayMs = parseIntegerOption(options['testing-answer-delay'], 'testing-answer-delay', {
      min: 0,
      max: 60_000,
    })
    const maxConcurrentRequests = parseIntegerOption(options['max-concurrent-requests'], 'max-concurrent-requests', {
      min: 1,
      max: 100_000,
    })
    if (signal.aborted) return 130
    const seed = typeof options.seed === 'string' ? options.seed : undefined
    const host = hostFrom(options)
    const daemon = await startChainDaemon({
      dataDir,
      port,
      host,
      ...(blockIntervalMs === undefined ? {} : { blockIntervalMs }),
      ...(seed ? { seed } : {}),
      ...(answerDelayMs ? { answerDelayMs } : {}),
      ...(maxConcurrentRequests === undefined ? {} : { maxConcurrentRequests }),
    })
    if (json)
      process.stdout.write(
        JSON.stringify({ event: 'ready', url: daemon.url, port: daemon.port, chainHash: daemon.chainHash, dataDir }) +
          '\n',
      )
    else {
      process.stdout.write(daemon.url + '\n')
      out.info(
        `chain ${daemon.chainHash} in ${dataDir} (Ctrl-C stops it; LNSIM_CHAIN=${daemon.url} points other ` +
          'commands at it)',
      )
    }
    await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }))
    await daemon.stop()
    return 0
  },
}

const infoCommand: CommandSpec = {
  path: ['chain', 'info'],
  summary: "Show the chain's height, tip, mempool and faucet",
  options: [CHAIN_OPTION],
  examples: ['lnsim chain info', 'lnsim chain info --chain http://127.0.0.1:18800 --json'],
  async run({ options, out }) {
    const info = await chainClient(options).info()
    out.result(info, () =>
      [
        `${info.network} at height ${info.height}, tip ${info.tipHash}`,
        `  chain hash: ${toHex(info.chainHash)}`,
        `  mempool:    ${info.mempoolSize} transactions`,
        `  faucet:     ${info.faucetAddress}, paid out ${sat(info.faucetPaidOutSat)}`,
        `  blocks:     ${info.blockIntervalMs === null ? 'mined on request' : `one every ${info.blockIntervalMs} ms`}`,
      ].join('\n'),
    )
  },
}

const mineCommand: CommandSpec = {
  path: ['chain', 'mine'],
  summary: 'Mine N blocks now (the first takes the whole mempool)',
  positionals: [{ name: 'N', description: 'how many blocks' }],
  options: [
    CHAIN_OPTION,
    {
      name: 'address',
      type: 'string',
      valueName: 'ADDR',
      description: 'who gets the block rewards and fees (default: the faucet)',
    },
  ],
  examples: ['lnsim chain mine 6', 'lnsim chain mine 101 --address sim1…'],
  async run({ args, options, out }) {
    const blocks = parseIntegerOption(args[0], 'N', { min: 1, max: 10_000 })!
    const r = await chainClient(options).mine(
      blocks,
      typeof options.address === 'string' ? { address: options.address } : {},
    )
    out.result(r, () =>
      [`mined ${r.hashes.length} block${r.hashes.length === 1 ? '' : 's'}; height ${r.height}`, ...r.hashes].join('\n'),
    )
  },
}

const feerateCommand: CommandSpec = {
  path: ['chain', 'feerate'],
  summary: "Show the chain's fee-rate estimate (sat per 1000 weight units), which nodes follow",
  options: [CHAIN_OPTION],
  examples: ['lnsim chain feerate', 'lnsim chain feerate --json'],
  async run({ options, out }) {
    const satPerKw = await chainClient(options).feerate()
    out.result({ satPerKw }, () => `${satPerKw} sat/kw (${(satPerKw / 250).toFixed(1)} sat/vbyte)`)
  },
}

const feerateSetCommand: CommandSpec = {
  path: ['chain', 'feerate', 'set'],
  summary: 'Set the fee-rate estimate (sat/kw): funders of channels send update_fee when it moves enough',
  positionals: [
    { name: 'N', description: `sat per 1000 weight units, ${MIN_FEERATE_PER_KW} to ${MAX_FEERATE_PER_KW}` },
  ],
  options: [CHAIN_OPTION],
  examples: ['lnsim chain feerate set 2500', 'lnsim chain feerate set 253 --json'],
  async run({ args, options, out }) {
    const n = parseIntegerOption(args[0], 'N', { min: MIN_FEERATE_PER_KW, max: MAX_FEERATE_PER_KW })!
    const satPerKw = await chainClient(options).setFeerate(n)
    out.result({ satPerKw }, () => `fee-rate estimate set to ${satPerKw} sat/kw`)
  },
}

const fundCommand: CommandSpec = {
  path: ['chain', 'fund'],
  summary: 'Pay an address from the faucet',
  positionals: [
    { name: 'ADDRESS', description: 'a sim1… address (`lnsim newaddress` gives one for a node)' },
    { name: 'AMOUNT', description: 'satoshi, or with a unit (0.01btc, 1000000sat)' },
  ],
  options: [
    CHAIN_OPTION,
    { name: 'confirm', type: 'boolean', description: 'mine a block so the payment has one confirmation' },
  ],
  examples: ['lnsim chain fund sim1… 1000000 --confirm', 'lnsim chain fund sim1… 0.02btc'],
  async run({ args, options, out }) {
    const amount = parseAmountArg(args[1], 'sat', 'AMOUNT')
    const r = await chainClient(options).faucet(args[0]!, amount, { confirm: options.confirm === true })
    out.result(
      r,
      `paid ${sat(r.amountSat)} to ${r.address} in ${r.txid}:${r.vout}, ` +
        `${r.blockHeight === null ? 'in the mempool' : `confirmed in block ${r.blockHeight}`}`,
    )
  },
}

const txCommand: CommandSpec = {
  path: ['chain', 'tx'],
  summary: 'Show a transaction: status, confirmations, fee, inputs and outputs',
  positionals: [{ name: 'TXID', description: 'the transaction id (64 hex characters)' }],
  options: [CHAIN_OPTION],
  async run({ args, options, out }) {
    const t = await chainClient(options).getTransaction(args[0]!)
    out.result({ ...t, tx: transactionToJson(t.tx) }, () => describeTransaction(t))
  },
}

const blockCommand: CommandSpec = {
  path: ['chain', 'block'],
  summary: 'Show a block by height or hash',
  positionals: [{ name: 'HEIGHT|HASH', description: 'a block height, a block hash, or "tip"' }],
  options: [CHAIN_OPTION],
  examples: ['lnsim chain block 0', 'lnsim chain block tip --json'],
  async run({ args, options, out }) {
    const b = await chainClient(options).getBlock(args[0]!)
    out.result({ ...b, txs: b.txs.map(transactionToJson) }, () => describeBlock(b))
  },
}

function describeTransaction(t: TransactionStatus): string {
  const where =
    t.status === 'confirmed'
      ? `confirmed in block ${t.blockHeight} (${t.confirmations} confirmations)`
      : 'in the mempool'
  return [
    `${t.txid} ${where}, fee ${sat(t.feeSat)}, lockTime ${t.tx.lockTime}`,
    ...t.tx.inputs.map(
      (i, n) =>
        `  in  ${n}: ${i.prevout.txid}:${i.prevout.vout} (${i.witness.signatures.length} signatures, ` +
        `${i.witness.preimages.length} preimages)`,
    ),
    ...t.tx.outputs.map((o, n) => `  out ${n}: ${sat(o.value).padStart(22)}  ${formatCondition(o.condition)}`),
  ].join('\n')
}

function describeBlock(b: BlockResponse): string {
  return [
    `block ${b.height} ${b.hash} (${b.confirmations} confirmations)`,
    `  previous: ${b.prevHash}`,
    `  time:     ${new Date(b.time * 1000).toISOString()}`,
    `  ${b.txids.length} transactions:`,
    ...b.txids.map((t, i) => `    ${t}${i === 0 ? ' (coinbase)' : ''}`),
  ].join('\n')
}

export const chainCommands: CommandSpec[] = [
  startCommand,
  infoCommand,
  mineCommand,
  feerateCommand,
  feerateSetCommand,
  fundCommand,
  txCommand,
  blockCommand,
]
