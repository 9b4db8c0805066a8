/**
 * lncli-style commands against a running node, all through its control API.
 * Every one prints a readable summary, or the API's JSON with --json.
 */
import { CliError, parseBigintArg, type CommandSpec } from '../command.js'
import { NODE_OPTIONS, formatMsat, nodeClient } from './nodeTarget.js'

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
        `  peers:    ${info.listenAddresses.map((a) => `${info.nodeId}@${a.replace(/\/p2p\/.*$/, '')}`).join('\n            ')}`,
        `  chain:    ${info.chain.url} at height ${info.chain.blockHeight}`,
        `  channels: ${info.channels.active} active, ${info.channels.pending} pending, ${info.channels.closing} closing, ${info.channels.inactive} inactive; ${info.peers} peers connected`,
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
    'Returns once the funding transaction is broadcast. The channel becomes active once it has the confirmations the peer asked for (mine blocks with `lnsim chain mine`).',
  positionals: [
    { name: 'NODEID', description: "the peer's node id" },
    { name: 'SAT', description: 'channel capacity in satoshi' },
  ],
  options: [
    ...NODE_OPTIONS,
    {
      name: 'push',
      type: 'string',
      valueName: 'MSAT',
      description: 'give the peer this much of the capacity at opening',
    },
    { name: 'private', type: 'boolean', description: 'do not announce the channel' },
  ],
  examples: ['lnsim open 03cd… 1000000 --node .lnsim/alice', 'lnsim open 03cd… 500000 --push 100000000'],
  async run({ args, options, out }) {
    const amountSat = parseBigintArg(args[1], 'SAT')
    const pushMsat = typeof options.push === 'string' ? parseBigintArg(options.push, '--push') : 0n
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
                `${c.channelId.slice(0, 16)}… ${(c.shortChannelId ?? '-').padEnd(10)} ${c.state.padEnd(26)} ${c.remoteNodeId.slice(0, 16)}…  local ${formatMsat(c.localBalanceMsat)}  remote ${formatMsat(c.remoteBalanceMsat)}${c.pendingHtlcs.length ? `  ${c.pendingHtlcs.length} HTLCs` : ''}`,
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
  positionals: [{ name: 'AMOUNT_MSAT', description: 'amount in millisatoshi (0 for any amount)' }],
  options: [
    ...NODE_OPTIONS,
    { name: 'memo', type: 'string', valueName: 'TEXT', description: 'description shown to the payer' },
    { name: 'expiry', type: 'string', valueName: 'SECONDS', description: 'how long it can be paid', default: '3600' },
  ],
  examples: ['lnsim invoice 50000000 --memo coffee --node .lnsim/bob'],
  async run({ args, options, out }) {
    const amountMsat = parseBigintArg(args[0], 'AMOUNT_MSAT')
    const expiry = Number(options.expiry)
    if (!Number.isSafeInteger(expiry) || expiry <= 0)
      throw new CliError('--expiry must be a positive number of seconds', { exitCode: 2 })
    const inv = await (
      await nodeClient(options)
    ).createInvoice({
      ...(amountMsat > 0n ? { amountMsat } : {}),
      memo: typeof options.memo === 'string' ? options.memo : '',
      expirySeconds: expiry,
    })
    out.result(inv, inv.invoice)
  },
}

const payCommand: CommandSpec = {
  path: ['pay'],
  summary: 'Pay a BOLT #11 invoice; waits for the result',
  positionals: [{ name: 'INVOICE', description: 'the lnbcrt… invoice' }],
  options: [
    ...NODE_OPTIONS,
    { name: 'amount', type: 'string', valueName: 'MSAT', description: 'amount, for an invoice without one' },
    { name: 'timeout', type: 'string', valueName: 'SECONDS', description: 'give up after this long', default: '60' },
  ],
  async run({ args, options, out }) {
    const timeoutSeconds = Number(options.timeout)
    if (!Number.isSafeInteger(timeoutSeconds) || timeoutSeconds <= 0)
      throw new CliError('--timeout must be a positive number of seconds', { exitCode: 2 })
    const p = await (
      await nodeClient(options)
    ).pay({
      invoice: args[0]!,
      timeoutSeconds,
      ...(typeof options.amount === 'string' ? { amountMsat: parseBigintArg(options.amount, '--amount') } : {}),
    })
    out.result(p, () =>
      p.status === 'succeeded'
        ? `paid ${formatMsat(p.amountMsat)} (fee ${formatMsat(p.feeMsat)}) in ${p.latencyMs} ms over ${p.route.length} hop(s): ${p.route.map((h) => h.shortChannelId).join(' → ')}\npreimage ${p.preimage}`
        : `payment failed after ${p.attempts} attempt(s): ${p.failure?.message ?? 'unknown reason'}`,
    )
    if (p.status !== 'succeeded') return 1
  },
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
                `${p.status.padEnd(9)} ${p.paymentHash.slice(0, 16)}… ${formatMsat(p.amountMsat)} fee ${formatMsat(p.feeMsat)} ${p.route.length} hop(s)`,
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
        `on chain:    ${b.confirmedSat.toLocaleString('en-US')} sat confirmed, ${b.unconfirmedSat.toLocaleString('en-US')} sat unconfirmed`,
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
    { name: 'AMOUNT_MSAT', description: 'what the payee should receive' },
  ],
  options: NODE_OPTIONS,
  examples: ['lnsim route 03cd… 50000000 --node .lnsim/alice'],
  async run({ args, options, out }) {
    const r = await (await nodeClient(options)).route(args[0]!, parseBigintArg(args[1], 'AMOUNT_MSAT'))
    out.result(r, () =>
      [
        `${r.hops.length} hop(s): ${formatMsat(r.amountMsat)} + ${formatMsat(r.totalFeeMsat)} fee, first HTLC expires at block ${r.totalCltvExpiry}`,
        ...r.hops.map(
          (h, i) =>
            `  ${i + 1}. ${h.shortChannelId.padEnd(10)} → ${h.nodeId.slice(0, 16)}…  receives ${formatMsat(h.amountMsat)}${h.feeMsat > 0n ? `, keeps ${formatMsat(h.feeMsat)}` : ''}, cltv ${h.cltvExpiry}`,
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
              ? `${x.disabled ? 'disabled ' : ''}fee ${x.feeBaseMsat}+${x.feeProportionalMillionths}ppm cltv ${x.cltvExpiryDelta}`
              : 'no update'
          return `  ${c.shortChannelId.padEnd(10)} ${alias.get(c.node1)} ↔ ${alias.get(c.node2)}  ${c.capacitySat.toLocaleString('en-US')} sat  [${p(c.policies[0])}] [${p(c.policies[1])}]`
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
  paymentsCommand,
  newAddressCommand,
  balanceCommand,
]
