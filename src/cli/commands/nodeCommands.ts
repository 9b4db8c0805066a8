/**
 * lncli-style commands against a running node, all through its control API.
 * Every one prints a readable summary, or the API's JSON with --json.
 */
import { CliError, parseAmountArg, type CommandSpec } from '../command.js'
import { MAX_ROUTE_CHANNELS, type PaymentInfo } from '../../api/node/types.js'
import { NODE_OPTIONS, formatMsat, nodeClient } from './nodeTarget.js'

/** NODEID@ADDRESS, as `lnsim connect` takes it: the listen address without its /p2p/ part. */
function uri(nodeId: string, listenAddress: string): string {
  return `${nodeId}@${listenAddress.replace(/\/p2p\/.*$/, '')}`
}

const infoCommand: CommandSpec = {
  path: ['info'],
  summary: "Show the node's id, addresses, chain and channel counts",
  options: NODE_OPTIONS,
  examples: ['lnsim info --node .lnsim/alice', 'lnsim info --json'],
  async run({ options, out }) {
    const info = await (await nodeClient(options)).info()
    out.result(info, () =>
      [
        `${info.alias}  ${info.nodeId}`,
        // what a peer gives `lnsim connect` to reach this node (lncli getinfo's `uris`)
        `  uri:      ${info.listenAddresses.map((a) => uri(info.nodeId, a)).join('\n            ')}`,
        `  chain:    ${info.chain.url} at height ${info.chain.blockHeight}`,
        `  channels: ${info.channels.active} active, ${info.channels.pending} pending, ` +
          `${info.channels.closing} closing, ${info.channels.inactive} inactive; ${info.peers} peers connected`,
      ].join('\n'),
    )
  },
}

const connectCommand: CommandSpec = {
  path: ['connect'],
  summary: 'Connect to a peer',
  positionals: [
    { name: 'NODEID@MULTIADDR', description: "the peer's node id and libp2p address, as `lnsim info` prints them" },
  ],
  options: NODE_OPTIONS,
  examples: ['lnsim connect 02ab…@/ip4/127.0.0.1/tcp/40123 --node .lnsim/alice'],
  async run({ args, options, out }) {
    const peer = await (await nodeClient(options)).connect(args[0]!)
    out.result(peer, `connected to ${peer.nodeId}`)
  },
}

const disconnectCommand: CommandSpec = {
  path: ['disconnect'],
  summary: 'Disconnect from a peer (channels with it go offline until it reconnects)',
  positionals: [{ name: 'NODEID', description: "the peer's node id" }],
  options: NODE_OPTIONS,
  async run({ args, options, out }) {
    const peer = await (await nodeClient(options)).disconnect(args[0]!)
    out.result(peer, `disconnected from ${peer.nodeId}`)
  },
}

const peersCommand: CommandSpec = {
  path: ['peers'],
  summary: 'List peers',
  options: NODE_OPTIONS,
  async run({ options, out }) {
    const peers = await (await nodeClient(options)).peers()
    out.result(peers, () =>
      peers.length
        ? peers.map((p) => `${p.connected ? 'connected   ' : 'disconnected'} ${p.nodeId} ${p.address ?? ''}`).join('\n')
        : 'no peers',
    )
  },
}

const openCommand: CommandSpec = {
  path: ['open'],
  summary: 'Open a channel with a connected peer, funded from the on-chain wallet',
  description:
    'Returns once the funding transaction is broadcast. The channel becomes active once it has the confirmations the ' +
    'peer asked for (mine blocks with `lnsim chain mine`).',
  positionals: [
    { name: 'NODEID', description: "the peer's node id" },
    { name: 'AMOUNT', description: 'channel capacity: satoshi, or with a unit (0.01btc, 1000000sat)' },
  ],
  options: [
    ...NODE_OPTIONS,
    {
      name: 'push',
      type: 'string',
      valueName: 'AMOUNT',
      description: 'give the peer this much of the capacity at opening (msat, or 1000sat, …)',
    },
    { name: 'private', type: 'boolean', description: 'do not announce the channel' },
  ],
  examples: ['lnsim open 03cd… 1000000 --node .lnsim/alice', 'lnsim open 03cd… 0.005btc --push 100000sat'],
  async run({ args, options, out }) {
    const amountSat = parseAmountArg(args[1], 'sat', 'AMOUNT')
    const pushMsat = typeof options.push === 'string' ? parseAmountArg(options.push, 'msat', '--push') : 0n
    const r = await (
      await nodeClient(options)
    ).openChannel({ nodeId: args[0]!, amountSat, pushMsat, announce: options.private !== true }, { timeoutMs: 60_000 })
    out.result(r, `channel ${r.channelId} opening; funding transaction ${r.fundingTxid} broadcast`)
  },
}

const channelsCommand: CommandSpec = {
  path: ['channels'],
  summary: 'List channels with their state and balances',
  options: NODE_OPTIONS,
  async run({ options, out }) {
    const channels = await (await nodeClient(options)).channels()
    out.result(channels, () =>
      channels.length
        ? channels
            .map(
              (c) =>
                `${c.channelId.slice(0, 16)}… ${(c.shortChannelId ?? '-').padEnd(10)} ${c.state.padEnd(26)} ` +
                `${c.remoteNodeId.slice(0, 16)}…  local ${formatMsat(c.localBalanceMsat)}  ` +
                `remote ${formatMsat(c.remoteBalanceMsat)}` +
                `${c.pendingHtlcs.length ? `  ${c.pendingHtlcs.length} HTLCs` : ''}`,
            )
            .map((line, i) => (channels[i]!.private ? `${line}  private` : line))
            .join('\n')
        : 'no channels',
    )
  },
}

const closeCommand: CommandSpec = {
  path: ['close'],
  summary: 'Close a channel: cooperatively, or with --force by broadcasting our latest commitment',
  positionals: [{ name: 'CHANNEL_ID', description: 'the channel id (hex), as `lnsim channels --json` shows it' }],
  options: [
    ...NODE_OPTIONS,
    { name: 'force', type: 'boolean', description: 'unilateral close: our funds wait out to_self_delay' },
  ],
  async run({ args, options, out }) {
    const r = await (await nodeClient(options)).closeChannel(args[0]!, { force: options.force === true })
    out.result(
      r,
      `channel ${r.channelId} is ${r.state}${r.closingTxid ? `; closing transaction ${r.closingTxid}` : ''}`,
    )
  },
}

const invoiceCommand: CommandSpec = {
  path: ['invoice'],
  summary: 'Create a BOLT #11 invoice to be paid',
  positionals: [
    { name: 'AMOUNT', description: 'millisatoshi, or with a unit (50000sat, 0.0005btc); 0 for any amount' },
  ],
  options: [
    ...NODE_OPTIONS,
    { name: 'memo', type: 'string', valueName: 'TEXT', description: 'description shown to the payer' },
    { name: 'expiry', type: 'string', valueName: 'SECONDS', description: 'how long it can be paid', default: '3600' },
    {
      name: 'hold',
      type: 'boolean',
      description: 'a hold invoice: its payment waits for `lnsim settle PREIMAGE` or `lnsim cancel PAYMENT_HASH`',
    },
    {
      name: 'payment-hash',
      type: 'string',
      valueName: 'HEX',
      description: 'with --hold: the hash of a preimage only you know (default: the node makes one and shows it)',
    },
  ],
  examples: [
    'lnsim invoice 50000000 --memo coffee --node .lnsim/bob',
    'lnsim invoice 50000sat --node bob',
    'lnsim invoice 50000000 --hold --node .lnsim/bob',
  ],
  async run({ args, options, out }) {
    const amountMsat = parseAmountArg(args[0], 'msat', 'AMOUNT')
    const expiry = Number(options.expiry)
    if (!Number.isSafeInteger(expiry) || expiry <= 0)
      throw new CliError('--expiry must be a positive number of seconds', { exitCode: 2 })
    const paymentHash = typeof options['payment-hash'] === 'string' ? options['payment-hash'] : undefined
    if (paymentHash !== undefined && options.hold !== true)
      throw new CliError('--payment-hash makes a hold invoice: add --hold', { exitCode: 2, code: 'USAGE' })
    const inv = await (
      await nodeClient(options)
    ).createInvoice({
      ...(amountMsat > 0n ? { amountMsat } : {}),
      memo: typeof options.memo === 'string' ? options.memo : '',
      expirySeconds: expiry,
      ...(options.hold === true ? { hold: true } : {}),
      ...(paymentHash !== undefined ? { paymentHash } : {}),
    })
    out.result(inv, () =>
      inv.hold
        ? `${inv.invoice}\nhold invoice: settle with \`lnsim settle ${inv.preimage ?? 'PREIMAGE'}\`, ` +
          `or cancel with \`lnsim cancel ${inv.paymentHash}\``
        : inv.invoice,
    )
  },
}

/** --channels: short channel ids, comma separated. */
function channelList(value: string): string[] {
  const list = value.split(',').map((c) => c.trim())
  const bad = list.find((c) => !/^[0-9]{1,8}x[0-9]{1,8}x[0-9]{1,5}$/.test(c))
  if (bad !== undefined || list.length > MAX_ROUTE_CHANNELS)
    throw new CliError(
      bad !== undefined
        ? `--channels takes short channel ids like 103x1x0, separated by commas; got ${JSON.stringify(bad)}`
        : `--channels takes at most ${MAX_ROUTE_CHANNELS} channels, what an onion can carry`,
      { exitCode: 2, code: 'USAGE' },
    )
  return list
}

const payCommand: CommandSpec = {
  path: ['pay'],
  summary: 'Pay a BOLT #11 invoice; waits for the result',
  positionals: [{ name: 'INVOICE', description: 'the lnbcrt… invoice' }],
  options: [
    ...NODE_OPTIONS,
    {
      name: 'amount',
      type: 'string',
      valueName: 'AMOUNT',
      description: 'amount, for an invoice without one (msat, or 1000sat, …)',
    },
    { name: 'timeout', type: 'string', valueName: 'SECONDS', description: 'give up after this long', default: '60' },
    {
      name: 'max-parts',
      type: 'string',
      valueName: 'N',
      description: 'split the payment into at most N parts when no single route carries it',
      default: '16',
    },
    { name: 'no-mpp', type: 'boolean', description: 'never split the payment (the same as --max-parts 1)' },
    {
      name: 'channels',
      type: 'string',
      valueName: 'SCID,…',
      description:
        'route over these channels only (short channel ids, e.g. 103x1x0,105x2x0): the payment goes whole, once, ' +
        "as LND's sendtoroute, or fails with NO_ROUTE when they make no path",
    },
  ],
  async run({ args, options, out }) {
    const timeoutSeconds = positiveInteger(options.timeout, '--timeout')
    const maxParts = options['no-mpp'] === true ? 1 : positiveInteger(options['max-parts'], '--max-parts')
    const channels = typeof options.channels === 'string' ? channelList(options.channels) : undefined
    const p = await (
      await nodeClient(options)
    ).pay({
      invoice: args[0]!,
      timeoutSeconds,
      maxParts,
      ...(channels ? { channels } : {}),
      ...(typeof options.amount === 'string' ? { amountMsat: parseAmountArg(options.amount, 'msat', '--amount') } : {}),
    })
    out.result(p, () => describePayment(p))
    if (p.status !== 'succeeded') return 1
  },
}

const keysendCommand: CommandSpec = {
  path: ['keysend'],
  summary: 'Pay a node without an invoice (keysend); waits for the result',
  positionals: [
    { name: 'NODEID', description: 'the payee' },
    { name: 'AMOUNT', description: 'what the payee should receive, e.g. 10000sat (a plain number is msat)' },
  ],
  options: [
    ...NODE_OPTIONS,
    { name: 'timeout', type: 'string', valueName: 'SECONDS', description: 'give up after this long', default: '60' },
  ],
  examples: ['lnsim keysend 03cd… 10000000 --node .lnsim/alice', 'lnsim keysend 03cd… 10000sat --node alice'],
  async run({ args, options, out }) {
    const p = await (
      await nodeClient(options)
    ).keysend({
      nodeId: args[0]!,
      amountMsat: parseAmountArg(args[1], 'msat', 'AMOUNT'),
      timeoutSeconds: positiveInteger(options.timeout, '--timeout'),
    })
    out.result(p, () => describePayment(p))
    if (p.status !== 'succeeded') return 1
  },
}

const settleCommand: CommandSpec = {
  path: ['settle'],
  summary: "Settle a hold invoice's payment with its preimage",
  positionals: [{ name: 'PREIMAGE', description: 'the 32-byte preimage (hex) whose hash the invoice carries' }],
  options: NODE_OPTIONS,
  examples: ['lnsim settle 5f0c… --node .lnsim/bob'],
  async run({ args, options, out }) {
    const inv = await (await nodeClient(options)).settleInvoice(args[0]!)
    out.result(inv, `settled ${inv.paymentHash}: ${formatMsat(inv.paidMsat ?? 0n)} received`)
  },
}

const cancelCommand: CommandSpec = {
  path: ['cancel'],
  summary: 'Cancel an invoice: a held payment is failed back, and no later payment is taken',
  positionals: [{ name: 'PAYMENT_HASH', description: "the invoice's payment hash (hex)" }],
  options: NODE_OPTIONS,
  examples: ['lnsim cancel 9a3e… --node .lnsim/bob'],
  async run({ args, options, out }) {
    const inv = await (await nodeClient(options)).cancelInvoice(args[0]!)
    out.result(inv, `cancelled ${inv.paymentHash}`)
  },
}

function positiveInteger(value: unknown, flag: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new CliError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  return n
}

function describePayment(p: PaymentInfo): string {
  if (p.status !== 'succeeded')
    return `payment failed after ${p.attempts} attempt(s): ${p.failure?.message ?? 'unknown reason'}`
  const parts = p.parts.length > 1 ? p.parts : [{ route: p.route, amountMsat: p.amountMsat, feeMsat: p.feeMsat }]
  const routes = parts.map(
    (part) =>
      `  ${formatMsat(part.amountMsat)} over ${part.route.length} hop(s): ` +
      part.route.map((h) => h.shortChannelId).join(' → '),
  )
  return [
    `paid ${formatMsat(p.amountMsat)} (fee ${formatMsat(p.feeMsat)}) in ${p.latencyMs} ms` +
      (parts.length > 1 ? ` in ${parts.length} parts:` : ':'),
    ...routes,
    `preimage ${p.preimage}`,
  ].join('\n')
}

const paymentsCommand: CommandSpec = {
  path: ['payments'],
  summary: 'List payments sent by the node',
  options: NODE_OPTIONS,
  async run({ options, out }) {
    const payments = await (await nodeClient(options)).payments()
    out.result(payments, () =>
      payments.length
        ? payments
            .map(
              (p) =>
                `${p.status.padEnd(9)} ${p.paymentHash.slice(0, 16)}… ${formatMsat(p.amountMsat)} ` +
                `fee ${formatMsat(p.feeMsat)} ${p.route.length} hop(s)`,
            )
            .join('\n')
        : 'no payments',
    )
  },
}

const newAddressCommand: CommandSpec = {
  path: ['newaddress'],
  summary: "A new address of the node's on-chain wallet",
  options: NODE_OPTIONS,
  examples: ['lnsim chain fund $(lnsim newaddress --node .lnsim/alice) 1000000'],
  async run({ options, out }) {
    const r = await (await nodeClient(options)).newAddress()
    out.result(r, r.address)
  },
}

const balanceCommand: CommandSpec = {
  path: ['balance'],
  summary: 'On-chain wallet balance, funds still locked in closing channels, and channel balances',
  options: NODE_OPTIONS,
  async run({ options, out }) {
    const b = await (await nodeClient(options)).balance()
    out.result(b, () =>
      [
        `on chain:    ${b.confirmedSat.toLocaleString('en-US')} sat confirmed, ` +
          `${b.unconfirmedSat.toLocaleString('en-US')} sat unconfirmed`,
        `in channels: ${formatMsat(b.channelLocalMsat)}`,
        ...(b.pendingClaims.length
          ? [
              `locked:      ${b.pendingClaimsSat.toLocaleString('en-US')} sat`,
              ...b.pendingClaims.map(
                (c) => `  ${c.kind} ${c.amountSat} sat from block ${c.spendableFromHeight} (${c.txid.slice(0, 16)}…)`,
              ),
            ]
          : []),
      ].join('\n'),
    )
  },
}

const routeCommand: CommandSpec = {
  path: ['route'],
  summary: 'Show the route a payment to a node would take now, hop by hop with fees',
  positionals: [
    { name: 'NODEID', description: 'the payee' },
    { name: 'AMOUNT', description: 'what the payee should receive: msat, or with a unit (50000sat)' },
  ],
  options: NODE_OPTIONS,
  examples: ['lnsim route 03cd… 50000000 --node .lnsim/alice', 'lnsim route 03cd… 50000sat'],
  async run({ args, options, out }) {
    const r = await (await nodeClient(options)).route(args[0]!, parseAmountArg(args[1], 'msat', 'AMOUNT'))
    out.result(r, () =>
      [
        `${r.hops.length} hop(s): ${formatMsat(r.amountMsat)} + ${formatMsat(r.totalFeeMsat)} fee, ` +
          `first HTLC expires at block ${r.totalCltvExpiry}`,
        ...r.hops.map(
          (h, i) =>
            `  ${i + 1}. ${h.shortChannelId.padEnd(10)} → ${h.nodeId.slice(0, 16)}…  ` +
            `receives ${formatMsat(h.amountMsat)}${h.feeMsat > 0n ? `, keeps ${formatMsat(h.feeMsat)}` : ''}, ` +
            `cltv ${h.cltvExpiry}`,
        ),
      ].join('\n'),
    )
  },
}

const graphCommand: CommandSpec = {
  path: ['graph'],
  summary: 'List the network as this node knows it from gossip',
  options: NODE_OPTIONS,
  async run({ options, out }) {
    const g = await (await nodeClient(options)).graph()
    const alias = new Map(g.nodes.map((n) => [n.nodeId, n.alias ?? n.nodeId.slice(0, 16) + '…']))
    out.result(g, () =>
      [
        `${g.nodes.length} nodes, ${g.channels.length} channels`,
        ...g.channels.map((c) => {
          const p = (x: (typeof c.policies)[0]) =>
            x
              ? `${x.disabled ? 'disabled ' : ''}fee ${x.feeBaseMsat}+${x.feeProportionalMillionths}ppm ` +
                `cltv ${x.cltvExpiryDelta}`
              : 'no update'
          return (
            `  ${c.shortChannelId.padEnd(10)} ${alias.get(c.node1)} ↔ ${alias.get(c.node2)}  ` +
            `${c.capacitySat.toLocaleString('en-US')} sat  [${p(c.policies[0])}] [${p(c.policies[1])}]`
          )
        }),
      ].join('\n'),
    )
  },
}

export const nodeCommands: CommandSpec[] = [
  routeCommand,
  graphCommand,
  infoCommand,
  connectCommand,
  disconnectCommand,
  peersCommand,
  openCommand,
  channelsCommand,
  closeCommand,
  invoiceCommand,
  payCommand,
  keysendCommand,
  settleCommand,
  cancelCommand,
  paymentsCommand,
  newAddressCommand,
  balanceCommand,
]
