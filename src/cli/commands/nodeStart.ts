import { resolve } from 'node:path'
import { DEFAULT_NODE_LIMITS, type NodeLimits } from '../../api/node/limits.js'
import { fromHex } from '../../core/bytes.js'
import { nodeNameProblem } from '../../core/nodeName.js'
import { DEFAULT_NODE_OPTIONS, parseLogLevel, startNode } from '../../node/startNode.js'
import { DEFAULT_CHAIN_URL } from '../../api/chain/index.js'
import {
  CliError,
  parseAmountArg,
  parseIntegerOption,
  requireString,
  type CommandSpec,
  type OptionValues,
} from '../command.js'
import { curveWarning } from '../curveWarning.js'
import { hostFrom, hostOptionSpec } from '../hostOption.js'
import { multiaddr } from '@multiformats/multiaddr'
import { HtlcPolicySpec } from '../../api/node/htlcPolicySpec.js'
import { isIPv6 } from 'node:net'

/** --htlc-policy: a kind (`reputation`) or a JSON object (`{"kind":"reputation",...}`). */
function htlcPolicyFrom(value: unknown): HtlcPolicySpec {
  const text = typeof value === 'string' ? value.trim() : 'default'
  let given: unknown = { kind: text }
  if (text.startsWith('{'))
    try {
      given = JSON.parse(text)
    } catch (err) {
      throw new CliError(`--htlc-policy: not JSON (${(err as Error).message})`, { exitCode: 2, code: 'USAGE' })
    }
  const kind = (given as { kind?: unknown } | null)?.kind
  if (kind !== 'default' && kind !== 'reputation')
    throw new CliError(`--htlc-policy: unknown kind ${JSON.stringify(kind)}: default or reputation`, {
      exitCode: 2,
      code: 'USAGE',
    })
  const r = HtlcPolicySpec.safeParse(given)
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new CliError(`--htlc-policy: ${issue.path.join('.') || 'the policy'}: ${issue.message}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  }
  return r.data
}

function interceptDefaultFrom(value: unknown): 'resume' | 'fail' {
  const v = typeof value === 'string' ? value : 'resume'
  if (v !== 'resume' && v !== 'fail')
    throw new CliError(`--intercept-default must be resume or fail, got ${JSON.stringify(v)}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  return v
}

/** libp2p's listen address on the node's bind address, any free port. */
function listenOn(host: string): string {
  return `/${isIPv6(host) ? 'ip6' : 'ip4'}/${host}/tcp/0`
}

function announceFrom(options: OptionValues): string[] {
  if (typeof options.announce !== 'string') return []
  const list = options.announce
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
  for (const a of list) {
    try {
      multiaddr(a)
    } catch {
      throw new CliError(`--announce: ${JSON.stringify(a)} is not a multiaddr (e.g. /ip4/10.0.0.5/tcp/9735)`, {
        exitCode: 2,
        code: 'USAGE',
      })
    }
  }
  return list
}

export const nodeStartCommand: CommandSpec = {
  path: ['node', 'start'],
  summary: 'Run a Lightning node in the foreground (one process per node)',
  description:
    'Starts a node with its own key, wallet and channels in DATA_DIR, connected to a running mock chain. ' +
    'It listens for peers over libp2p and serves its control API on 127.0.0.1 (or --host); the API URL and token ' +
    'are written to DATA_DIR/api.url and DATA_DIR/api.token. Every API request must carry that token, on ' +
    'loopback or beyond it. ' +
    'Stop it with Ctrl-C (or SIGTERM): it finishes writing its state first.',
  options: [
    { name: 'name', type: 'string', valueName: 'ALIAS', description: 'the node alias (required)' },
    {
      name: 'data-dir',
      type: 'string',
      valueName: 'DIR',
      description: 'where the node keeps its key and state',
      default: '.lnsim/<name>',
    },
    {
      name: 'chain',
      type: 'string',
      valueName: 'URL',
      description: `the mock chain daemon (default: $LNSIM_CHAIN or ${DEFAULT_CHAIN_URL})`,
    },
    {
      name: 'listen',
      type: 'string',
      valueName: 'MULTIADDR',
      description: 'libp2p listen address (default: /ip4/HOST/tcp/0, any free port on --host)',
    },
    hostOptionSpec(
      'the node (control API, and libp2p unless --listen says otherwise)',
      'Beyond loopback the control API still answers only requests that carry the token of DATA_DIR/api.token.',
    ),
    {
      name: 'announce',
      type: 'string',
      valueName: 'MULTIADDR,…',
      description:
        'addresses to announce to peers instead of the listen addresses, comma-separated ' +
        '(default: the listen addresses, routable ones before loopback)',
    },
    {
      name: 'api-port',
      type: 'string',
      valueName: 'N',
      description: 'control API port (0 picks a free one)',
      default: '0',
    },
    {
      name: 'seed',
      type: 'string',
      valueName: 'HEX',
      description: '32-byte hex seed for a repeatable node key (first start only)',
    },
    { name: 'testing', type: 'boolean', description: 'allow test-only hooks (cheat, fault injection)' },
    {
      name: 'fsync',
      type: 'boolean',
      description: 'fsync the state file every turn: survive power loss, not only the node being killed (slower)',
    },
    {
      name: 'log-level',
      type: 'string',
      valueName: 'LEVEL',
      description: 'debug, info, warn or error',
      default: 'info',
    },
    {
      name: 'fee-base',
      type: 'string',
      valueName: 'AMOUNT',
      description: 'forwarding fee base (msat, or 1sat, …)',
      default: '1000',
    },
    {
      name: 'fee-ppm',
      type: 'string',
      valueName: 'PPM',
      description: 'forwarding fee rate, parts per million',
      default: '1',
    },
    {
      name: 'cltv-delta',
      type: 'string',
      valueName: 'BLOCKS',
      description: 'cltv_expiry_delta for forwards',
      default: '40',
    },
    {
      name: 'htlc-minimum',
      type: 'string',
      valueName: 'AMOUNT',
      description: 'the smallest HTLC this node forwards or accepts (msat, or 1sat, …)',
      default: '1',
    },
    {
      name: 'htlc-maximum',
      type: 'string',
      valueName: 'AMOUNT',
      description: "the largest HTLC this node forwards over any channel (default: each channel's capacity)",
    },
    {
      name: 'max-dust-exposure',
      type: 'string',
      valueName: 'AMOUNT',
      description:
        'the most value in dust HTLCs (trimmed from the commitments, at a feerate with margin) on one channel; ' +
        "an HTLC past it is refused with temporary_channel_failure (as Core Lightning's max-dust-htlc-exposure-msat)",
      default: `${DEFAULT_NODE_OPTIONS.feeLimits.maxDustExposureMsat / 1000n}sat`,
    },
    {
      name: 'update-fee-threshold',
      type: 'string',
      valueName: 'PERCENT',
      description:
        "as funder, send update_fee when the chain's fee-rate estimate moves this far from a channel's feerate " +
        '(LND and Eclair: 10%)',
      default: String(DEFAULT_NODE_OPTIONS.feeLimits.updateFeeMinChangePercent),
    },
    {
      name: 'max-feerate-multiplier',
      type: 'string',
      valueName: 'N',
      description:
        "a peer's update_fee above N times our estimate fails the channel (Core Lightning's max-fee-multiplier, " +
        "Eclair's ratio-high: 10); below half of it too",
      default: String(DEFAULT_NODE_OPTIONS.feeLimits.maxFeerateMultiplier),
    },
    {
      name: 'max-pending-channels-per-peer',
      type: 'string',
      valueName: 'N',
      description: 'channels one peer may open to this node that are not confirmed yet',
      default: String(DEFAULT_NODE_LIMITS.maxPendingChannelsPerPeer),
    },
    {
      name: 'max-pending-channels',
      type: 'string',
      valueName: 'N',
      description: 'channels all peers together may open to this node that are not confirmed yet',
      default: String(DEFAULT_NODE_LIMITS.maxPendingChannels),
    },
    {
      name: 'mpp-timeout',
      type: 'string',
      valueName: 'SECONDS',
      description: 'the parts of a payment to this node that do not add up in time all fail (mpp_timeout)',
      default: String(DEFAULT_NODE_OPTIONS.mppTimeoutMs / 1000),
    },
    {
      name: 'htlc-policy',
      type: 'string',
      valueName: 'KIND|JSON',
      description:
        'which forwards to take on: default (all the channel accepts) or reputation (lightning/bolts#1280 local ' +
        'resource conservation); settings as JSON, e.g. \'{"kind":"reputation","resolutionPeriodSeconds":10}\'',
      default: 'default',
    },
    {
      name: 'upgrade-accountability',
      type: 'boolean',
      description:
        "put the onion's upgrade_accountability in our payments (lightning/bolts#1280): forwarding nodes may then " +
        'mark them accountable, and give them their congestion or protected resources',
    },
    {
      name: 'intercept-timeout',
      type: 'string',
      valueName: 'SECONDS',
      description: 'how long an intercepted HTLC waits for an interceptor to answer before the default applies',
      default: String(DEFAULT_NODE_OPTIONS.interceptTimeoutMs / 1000),
    },
    {
      name: 'intercept-default',
      type: 'string',
      valueName: 'resume|fail',
      description: 'what an intercepted HTLC gets without an answer in time, or when its interceptor disconnects',
      default: DEFAULT_NODE_OPTIONS.interceptDefault,
    },
    {
      name: 'opening-timeout',
      type: 'string',
      valueName: 'SECONDS',
      description: 'an opening that waits this long for the peer is aborted',
      default: String(DEFAULT_NODE_LIMITS.openingTimeoutMs / 1000),
    },
    {
      name: 'max-outgoing-queue',
      type: 'string',
      valueName: 'BYTES',
      description: 'bytes waiting for one peer to read them before it is disconnected',
      default: String(DEFAULT_NODE_LIMITS.maxOutgoingQueueBytes),
    },
    {
      name: 'gossip-burst',
      type: 'string',
      valueName: 'N',
      description: 'gossip messages taken from one peer at once',
      default: String(DEFAULT_NODE_LIMITS.gossipBurst),
    },
    {
      name: 'gossip-rate',
      type: 'string',
      valueName: 'N',
      description: 'gossip messages per second taken from one peer after the burst; the rest are dropped',
      default: String(DEFAULT_NODE_LIMITS.gossipPerSecond),
    },
    {
      name: 'gossip-broadcast-interval',
      type: 'string',
      valueName: 'MS',
      description:
        'relayed gossip is flushed to peers once per interval, newest per channel direction (Core Lightning: 60000, ' +
        'LND: 90000)',
      default: String(DEFAULT_NODE_OPTIONS.gossip.broadcastIntervalMs),
    },
    {
      name: 'gossip-stale-after',
      type: 'string',
      valueName: 'SECONDS',
      description: 'a channel without a channel_update from one of its ends for this long is forgotten (BOLT #7)',
      default: String(DEFAULT_NODE_OPTIONS.gossip.staleChannelMs / 1000),
    },
    {
      name: 'no-gossip-queries',
      type: 'boolean',
      description: 'neither offer nor use gossip queries: peers exchange their whole graph on connection',
    },
    {
      name: 'log-max-size',
      type: 'string',
      valueName: 'BYTES',
      description: 'node.log is rotated at this size (node.log.1, node.log.2, …)',
      default: String(DEFAULT_NODE_LIMITS.logMaxBytes),
    },
    {
      name: 'log-files',
      type: 'string',
      valueName: 'N',
      description: 'log files kept, node.log included',
      default: String(DEFAULT_NODE_LIMITS.logFiles),
    },
  ],
  examples: [
    `lnsim node start --name alice --chain ${DEFAULT_CHAIN_URL}`,
    'lnsim node start --name carol --fee-base 1sat --fee-ppm 100',
    'lnsim node start --name bob --data-dir /tmp/bob --api-port 9001 --json',
  ],
  async run({ options, json, out, signal }) {
    const name = requireString(options, 'name')
    const nameProblem = nodeNameProblem(name)
    if (nameProblem) throw new CliError(`--name ${nameProblem}`, { exitCode: 2, code: 'USAGE' })
    const dataDir = resolve(
      typeof options['data-dir'] === 'string' && options['data-dir'] !== '.lnsim/<name>'
        ? options['data-dir']
        : `.lnsim/${name}`,
    )
    const chainUrl = typeof options.chain === 'string' ? options.chain : process.env.LNSIM_CHAIN || DEFAULT_CHAIN_URL
    const logLevel = parseLogLevel(String(options['log-level']))
    if (!logLevel) throw new CliError('--log-level must be debug, info, warn or error', { exitCode: 2 })
    let seed: Uint8Array | undefined
    if (typeof options.seed === 'string') {
      try {
        seed = fromHex(options.seed, 32)
      } catch {
        throw new CliError('--seed must be 64 hex characters', { exitCode: 2 })
      }
    }
    const htlcMinimumMsat = parseAmountArg(options['htlc-minimum'], 'msat', '--htlc-minimum')
    if (htlcMinimumMsat < 1n)
      throw new CliError('--htlc-minimum must be at least 1 msat', { exitCode: 2, code: 'USAGE' })
    const htlcMaximumMsat =
      options['htlc-maximum'] === undefined
        ? undefined
        : parseAmountArg(options['htlc-maximum'], 'msat', '--htlc-maximum')
    if (htlcMaximumMsat !== undefined && htlcMaximumMsat < htlcMinimumMsat)
      throw new CliError('--htlc-maximum must not be below --htlc-minimum', { exitCode: 2, code: 'USAGE' })
    const warning = curveWarning()
    if (warning) process.stderr.write(warning + '\n')
    // a bug in one promise must not take a whole simulated node down mid-run: log it loudly instead
    process.on('unhandledRejection', (err) =>
      process.stderr.write(
        `lnsim node ${name}: unexpected error (please report): ${(err as Error)?.stack ?? String(err)}\n`,
      ),
    )
    const host = hostFrom(options)
    const node = await startNode({
      name,
      dataDir,
      chainUrl,
      listen: [typeof options.listen === 'string' ? options.listen : listenOn(host)],
      apiHost: host,
      announce: announceFrom(options),
      apiPort: parseIntegerOption(options['api-port'], 'api-port', { min: 0, max: 65535 })!,
      ...(seed ? { seed } : {}),
      testing: options.testing === true,
      fsync: options.fsync === true,
      logLevel,
      logToConsole: !json && process.stderr.isTTY === true,
      policy: {
        feeBaseMsat: parseAmountArg(options['fee-base'], 'msat', '--fee-base'),
        feeProportionalMillionths: BigInt(
          parseIntegerOption(options['fee-ppm'], 'fee-ppm', { min: 0, max: 1_000_000 })!,
        ),
        cltvExpiryDelta: parseIntegerOption(options['cltv-delta'], 'cltv-delta', { min: 1, max: 2016 })!,
        htlcMinimumMsat,
        ...(htlcMaximumMsat !== undefined ? { htlcMaximumMsat } : {}),
      },
      channelConfig: { htlcMinimumMsat },
      feeLimits: {
        ...DEFAULT_NODE_OPTIONS.feeLimits,
        maxDustExposureMsat: parseAmountArg(options['max-dust-exposure'], 'msat', '--max-dust-exposure'),
        updateFeeMinChangePercent: parseIntegerOption(options['update-fee-threshold'], 'update-fee-threshold', {
          min: 1,
          max: 1000,
        })!,
        maxFeerateMultiplier: parseIntegerOption(options['max-feerate-multiplier'], 'max-feerate-multiplier', {
          min: 2,
          max: 1000,
        })!,
      },
      limits: limitsFrom(options),
      mppTimeoutMs: parseIntegerOption(options['mpp-timeout'], 'mpp-timeout', { min: 1, max: 86_400 })! * 1000,
      htlcPolicy: htlcPolicyFrom(options['htlc-policy']),
      interceptTimeoutMs:
        parseIntegerOption(options['intercept-timeout'], 'intercept-timeout', { min: 1, max: 86_400 })! * 1000,
      interceptDefault: interceptDefaultFrom(options['intercept-default']),
      upgradeAccountability: options['upgrade-accountability'] === true,
      gossip: {
        broadcastIntervalMs: parseIntegerOption(options['gossip-broadcast-interval'], 'gossip-broadcast-interval', {
          min: 10,
          max: 3_600_000,
        })!,
        staleChannelMs:
          parseIntegerOption(options['gossip-stale-after'], 'gossip-stale-after', { min: 1, max: 10 * 365 * 86_400 })! *
          1000,
        queries: options['no-gossip-queries'] !== true,
      },
    })
    const ready = {
      event: 'ready',
      nodeId: node.nodeId,
      alias: node.alias,
      apiUrl: node.apiUrl,
      listen: node.listen,
      dataDir: node.dataDir,
    }
    if (json) process.stdout.write(JSON.stringify(ready) + '\n')
    else
      out.info(
        `node ${name} (${node.nodeId}) ` +
          `is running\n  ` +
          `peers:   ${node.listen.map((l) => `${node.nodeId}@${l.replace(/\/p2p\/.*$/, '')}`).join(', ')}\n  ` +
          `api:     ${node.apiUrl}\n  data:    ${node.dataDir}\nPress Ctrl-C to stop.`,
      )
    // Ctrl-C, SIGTERM, or `lnsim stop` (POST /v1/stop)
    const stopping = AbortSignal.any([signal, node.stopRequested])
    await new Promise<void>((done) => {
      if (stopping.aborted) return done()
      stopping.addEventListener('abort', () => done(), { once: true })
    })
    out.info(`stopping node ${name}…`)
    await node.stop()
  },
}

/** The limits given as flags; the rest keep their defaults. */
function limitsFrom(options: Record<string, string | boolean | undefined>): Partial<NodeLimits> {
  const n = (name: string, min: number): number | undefined => parseIntegerOption(options[name], name, { min })
  const limits: Partial<NodeLimits> = {}
  const set = <K extends keyof NodeLimits>(key: K, value: NodeLimits[K] | undefined): void => {
    if (value !== undefined) limits[key] = value
  }
  set('maxPendingChannelsPerPeer', n('max-pending-channels-per-peer', 0))
  set('maxPendingChannels', n('max-pending-channels', 0))
  const timeout = n('opening-timeout', 1)
  set('openingTimeoutMs', timeout === undefined ? undefined : timeout * 1000)
  set('maxOutgoingQueueBytes', n('max-outgoing-queue', 65_536))
  set('gossipBurst', n('gossip-burst', 1))
  set('gossipPerSecond', n('gossip-rate', 1))
  set('logMaxBytes', n('log-max-size', 4096))
  set('logFiles', n('log-files', 1))
  return limits
}
