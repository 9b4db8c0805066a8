/**
 * `lnsim setchannelpolicy CHANNEL`: what this node charges to forward over one
 * of its channels (lncli `updatechanpolicy`, Core Lightning `setchannel`). It is
 * the policy a scenario sets with `feePolicy`: base fee, proportional fee, CLTV
 * delta and the HTLC limits; the node announces it in a new channel_update.
 */
import type { ChannelPolicyRequest } from '../../api/node/types.js'
import type { NodeClient } from '../../api/node/client.js'
import { CliError, parseAmountArg, parseIntegerOption, type CommandSpec, type OptionValues } from '../command.js'
import { NODE_OPTIONS, formatMsat, nodeClient } from './nodeTarget.js'

/** A channel id, or its short channel id as `lnsim channels` shows it (103x1x0). */
async function channelIdOf(client: NodeClient, ref: string): Promise<string> {
  if (/^[0-9a-fA-F]{64}$/.test(ref)) return ref.toLowerCase()
  if (/^[0-9]+x[0-9]+x[0-9]+$/.test(ref)) {
    const found = (await client.channels()).find((c) => c.shortChannelId === ref)
    if (found) return found.channelId
    throw new CliError(`this node has no channel ${ref}; \`lnsim channels\` lists them`, { code: 'UNKNOWN_CHANNEL' })
  }
  throw new CliError(
    `CHANNEL must be a channel id (64 hex characters) or a short channel id like 103x1x0, got ${ref}`,
    {
      exitCode: 2,
      code: 'USAGE',
    },
  )
}

function policyChange(options: OptionValues): ChannelPolicyRequest {
  const amount = (name: string): bigint | undefined =>
    options[name] === undefined ? undefined : parseAmountArg(options[name], 'msat', `--${name}`)
  const ppm = parseIntegerOption(options.ppm, 'ppm', { min: 0, max: 1_000_000 })
  const cltv = parseIntegerOption(options['cltv-delta'], 'cltv-delta', { min: 1, max: 2016 })
  const change: ChannelPolicyRequest = {
    ...(amount('base') !== undefined ? { feeBaseMsat: amount('base')! } : {}),
    ...(ppm !== undefined ? { feeProportionalMillionths: BigInt(ppm) } : {}),
    ...(cltv !== undefined ? { cltvExpiryDelta: cltv } : {}),
    ...(amount('htlc-min') !== undefined ? { htlcMinimumMsat: amount('htlc-min')! } : {}),
    ...(amount('htlc-max') !== undefined ? { htlcMaximumMsat: amount('htlc-max')! } : {}),
  }
  if (Object.keys(change).length === 0)
    throw new CliError('say what to change: --base, --ppm, --cltv-delta, --htlc-min or --htlc-max (see --help)', {
      exitCode: 2,
      code: 'USAGE',
    })
  if (change.htlcMinimumMsat !== undefined && change.htlcMinimumMsat < 1n)
    throw new CliError('--htlc-min must be at least 1 msat', { exitCode: 2, code: 'USAGE' })
  return change
}

export const setChannelPolicyCommand: CommandSpec = {
  path: ['setchannelpolicy'],
  summary: 'Set what this node charges to forward over one channel, and the HTLCs it forwards there',
  description:
    'The same policy a scenario sets with feePolicy. Options left out keep their value. The node announces the ' +
    'new policy to the network in a channel_update; payers see it once the gossip reaches them.',
  positionals: [{ name: 'CHANNEL', description: 'a channel id or short channel id, as `lnsim channels` shows it' }],
  options: [
    ...NODE_OPTIONS,
    {
      name: 'base',
      type: 'string',
      valueName: 'AMOUNT',
      description: 'fee_base_msat: fixed fee per HTLC (msat, 1sat…)',
    },
    { name: 'ppm', type: 'string', valueName: 'PPM', description: 'fee_proportional_millionths: fee per million' },
    { name: 'cltv-delta', type: 'string', valueName: 'BLOCKS', description: 'cltv_expiry_delta: blocks this hop adds' },
    { name: 'htlc-min', type: 'string', valueName: 'AMOUNT', description: 'the smallest HTLC forwarded (msat, 1sat)' },
    {
      name: 'htlc-max',
      type: 'string',
      valueName: 'AMOUNT',
      description: 'the largest HTLC forwarded, at most the capacity (msat, 100000sat…)',
    },
  ],
  examples: [
    'lnsim setchannelpolicy 103x1x0 --base 1000 --ppm 100 --node bob',
    'lnsim setchannelpolicy 103x1x0 --cltv-delta 80 --htlc-min 1sat --htlc-max 0.001btc',
  ],
  async run({ args, options, out }) {
    const change = policyChange(options)
    const client = await nodeClient(options)
    const channelId = await channelIdOf(client, args[0]!)
    const p = await client.setChannelPolicy(channelId, change)
    const max = p.htlcMaximumMsat === undefined ? 'the capacity' : formatMsat(p.htlcMaximumMsat)
    out.result({ channelId, ...p }, () =>
      [
        `channel ${channelId}:`,
        `  fee ${formatMsat(p.feeBaseMsat)} + ${p.feeProportionalMillionths} ppm, cltv delta ${p.cltvExpiryDelta}`,
        `  HTLCs from ${formatMsat(p.htlcMinimumMsat)} to ${max}`,
      ].join('\n'),
    )
  },
}
