/**
 * Attacks on a live node, one row each. alice runs as a real process with a
 * channel to bob (a real node too); every row gets its own hostile peer (see
 * test/helpers/testPeer.ts) with a fresh channel from alice, attacks, and then
 * the four things that matter are checked:
 *
 *   1. alice's process is alive;
 *   2. the attacked channel ends in the state the row expects (NORMAL after a
 *      rule break that warrants only a warning: alice warns, may hang up, and the
 *      channel re-establishes; CLOSING after one that fails the channel);
 *   3. alice's channel to bob still pays;
 *   4. money is conserved: alice, bob and the hostile peers hold, to the msat,
 *      what the faucet gave out minus the fees mined (a closed channel counted
 *      once alice has swept it).
 *
 * A new attack is one more row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { concatBytes, fromHex, u16be } from '../../../src/core/bytes.js'
import { DEFAULT_CHANNEL_CONFIG } from '../../../src/channel/constants.js'
import { moneyCheck } from '../../helpers/conservation.js'
import { TestNetwork } from '../../helpers/network.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { openChannelsTo, TestPeer } from '../../helpers/testPeer.js'

/** 0x02 then 32 zero bytes: the shape of a point, but x = 0 is on no secp256k1 point. */
const OFF_CURVE = Uint8Array.of(2, ...new Uint8Array(32))
/** How much alice pushes to an attacker by default: what it can put in HTLCs. */
const DEFAULT_PUSH_MSAT = 100_000_000n
const FLOOD = 3_000

interface Attack {
  peer: TestPeer
  /** the attacked channel */
  channelId: string
  /** alice's channel to bob: someone else's channel, as the attacker sees it */
  bobChannelId: string
  net: TestNetwork
}

interface AttackRow {
  name: string
  /**
   * what alice pushes to the attacker at opening (default DEFAULT_PUSH_MSAT); a channel that will close gets none, see
   * moneyHeldByPeers
   */
  pushMsat?: bigint
  /** lies set up before the channel opens, for attacks on the opening messages */
  beforeOpen?: (peer: TestPeer) => void
  /** the attack; what it returns is checked once the channel has settled (on chain, for one that closes) */
  attack: (a: Attack) => Promise<void | (() => Promise<void>)>
  /** the warning or error alice answers with: its text contains this */
  answer?: { warning: string } | { error: string }
  /** alice hangs up on the attacker (which then reconnects) */
  hangsUp?: boolean
  /** the attacked channel as alice reports it, once things settle */
  channel: 'NORMAL' | 'CLOSING'
}

const ROWS: AttackRow[] = [
  {
    name: 'an HTLC of 0 msat',
    attack: async ({ peer }) => peer.inject(peer.craftAdd({ amountMsat: 0n })),
    answer: { warning: 'HTLC_BELOW_MINIMUM' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'an HTLC of more than the peer has',
    attack: async ({ peer }) => peer.inject(peer.craftAdd({ amountMsat: DEFAULT_PUSH_MSAT + 1n })),
    answer: { warning: 'INSUFFICIENT_BALANCE' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'an HTLC of 2^64-1 msat',
    attack: async ({ peer }) => peer.inject(peer.craftAdd({ amountMsat: 2n ** 64n - 1n })),
    answer: { warning: 'HTLC_VALUE_IN_FLIGHT_EXCEEDED' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'an HTLC whose cltv_expiry is 0',
    attack: async ({ peer }) => peer.inject(peer.craftAdd({ cltvExpiry: 0 })),
    answer: { warning: 'INVALID_CLTV_EXPIRY' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'a duplicate HTLC id (the same update_add_htlc twice)',
    attack: async ({ peer }) => {
      peer.addHtlc(2_000_000n, { sign: false })
      await peer.replay('update_add_htlc', peer.sent.filter((m) => m.type === 'update_add_htlc').length)
    },
    answer: { warning: 'HTLC_ID_OUT_OF_ORDER' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'a commitment signature that does not verify',
    attack: async ({ peer }) => {
      peer.rewrite('commitment_signed', { signature: new Uint8Array(64).fill(3) }, { nth: 1 })
      // after reconnection the peer sends its HTLC again, signed properly; alice fails it back (its onion is zeros)
      peer.addHtlc(3_000_000n)
    },
    answer: { warning: 'INVALID_COMMITMENT_SIGNATURE' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'a revocation secret that does not match',
    attack: async ({ peer, net }) => {
      peer.autoSettle = true
      peer.rewrite('revoke_and_ack', (m) => ({ perCommitmentSecret: m.perCommitmentSecret.map((b) => b ^ 1) }), {
        nth: 1,
      })
      const paying = net.node('alice').client.pay({ invoice: peer.invoice(4_000_000n), timeoutSeconds: 30 })
      // after reconnection the right secret goes through, and the peer, the payee, settles
      return async () => expect((await paying).status).toBe('succeeded')
    },
    answer: { warning: 'INVALID_REVOCATION_SECRET' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'a garbage frame (a truncated update_add_htlc)',
    attack: async ({ peer }) => peer.sendRawFrame(peer.encoded(peer.craftAdd()).subarray(0, 100)),
    answer: { warning: 'TRUNCATED' },
    channel: 'NORMAL',
  },
  {
    name: 'a garbage frame of an unknown even type',
    attack: async ({ peer }) => peer.sendRawFrame(concatBytes(u16be(32768), new Uint8Array(40).fill(0xee))),
    answer: { warning: 'UNKNOWN_EVEN_TYPE' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'an oversized frame (70,000 bytes)',
    attack: async ({ peer }) => peer.sendRawFrame(new Uint8Array(70_000)),
    answer: { warning: 'FRAME_TOO_LARGE' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: "an update_add_htlc for someone else's channel (alice–bob)",
    attack: async ({ peer, bobChannelId }) => peer.inject(peer.craftAdd({ channelId: fromHex(bobChannelId), id: 0n })),
    answer: { warning: 'unknown channel' },
    channel: 'NORMAL',
  },
  {
    name: "an error naming someone else's channel (alice–bob)",
    attack: async ({ peer, bobChannelId }) =>
      peer.inject({ type: 'error', channelId: fromHex(bobChannelId), data: new TextEncoder().encode('close it') }),
    channel: 'NORMAL',
  },
  {
    name: 'a commitment_signed for a channel that does not exist',
    attack: async ({ peer }) =>
      peer.inject({
        type: 'commitment_signed',
        channelId: new Uint8Array(32).fill(0xab),
        signature: new Uint8Array(64),
        htlcSignatures: [],
      }),
    answer: { warning: 'unknown channel' },
    channel: 'NORMAL',
  },
  {
    // BOLT #1 lets a node ignore pings that come too often; alice answers a burst, then hangs up on a peer far beyond
    // it
    name: `a flood of ${FLOOD} pings asking for small pongs`,
    attack: async ({ peer }) => {
      for (let i = 0; i < FLOOD; i++) void peer.inject({ type: 'ping', numPongBytes: 16, ignored: new Uint8Array(16) })
    },
    answer: { warning: 'too many pings' },
    hangsUp: true,
    channel: 'NORMAL',
  },
  {
    name: 'pings asking for the largest pongs, from a peer that never reads them',
    attack: async ({ peer, net }) => {
      peer.stopReading()
      await peer.sendMany(
        Array.from({ length: 2_000 }, () => ({
          type: 'ping' as const,
          numPongBytes: 65_531,
          ignored: new Uint8Array(0),
        })),
      )
      // the warning it would read is stuck behind the pong it does not read: alice's view says she hung up
      await waitFor(
        'alice to hang up on the peer that does not read',
        async () => !(await net.node('alice').client.peers()).find((p) => p.nodeId === peer.nodeId)?.connected,
      )
      await peer.reconnect()
    },
    channel: 'NORMAL',
  },
  {
    name: 'open_channel spam: far more openings than alice keeps pending',
    attack: async ({ peer, net }) => {
      await peer.sendMany(peer.openChannelMessages(net.node('alice').nodeId, 300))
      await peer.waitFor(
        'alice to refuse the openings past her limit',
        () => peer.errors().filter((e) => e.includes('TOO_MANY_PENDING_CHANNELS')).length >= 290,
      )
      const pending = (await net.node('alice').client.channels()).filter(
        (c) => c.remoteNodeId === peer.nodeId && c.state !== 'NORMAL' && c.state !== 'CLOSED',
      )
      expect(pending.length).toBeLessThanOrEqual(10)
    },
    channel: 'NORMAL',
  },
  {
    name: `a flood of ${FLOOD} messages for unknown channels`,
    attack: async ({ peer }) => {
      const before = peer.warnings().length
      for (let i = 0; i < FLOOD; i++)
        void peer.inject({
          type: 'update_fee',
          channelId: concatBytes(new Uint8Array(28).fill(0xcd), u16be(i), u16be(i)),
          feeratePerKw: 1000,
        })
      await peer.waitFor('a warning for each', () => peer.warnings().length - before === FLOOD)
    },
    channel: 'NORMAL',
  },
  {
    name: 'a channel_ready whose second_per_commitment_point is off the curve',
    pushMsat: 0n,
    beforeOpen: (peer) => peer.rewrite('channel_ready', { secondPerCommitmentPoint: OFF_CURVE }),
    attack: async () => {},
    answer: { error: 'INVALID_POINT' },
    channel: 'CLOSING',
  },
  {
    name: 'a revoke_and_ack whose next_per_commitment_point is off the curve',
    pushMsat: 0n,
    attack: async ({ peer, net }) => {
      peer.rewrite('revoke_and_ack', { nextPerCommitmentPoint: OFF_CURVE })
      let status: string | undefined
      void net
        .node('alice')
        .client.pay({ invoice: peer.invoice(5_000_000n), timeoutSeconds: 60 })
        .then(
          (p) => (status = p.status),
          (err: Error) => (status = err.message),
        )
      // alice's commitment on chain is the one before the HTLC: once it confirms, nothing can pay the peer
      return async () => expect(await waitFor('the payment to the peer to end', async () => status)).toBe('failed')
    },
    answer: { error: 'INVALID_POINT' },
    channel: 'CLOSING',
  },
]

describe('a node under attack by a hostile peer', () => {
  const net = new TestNetwork()
  const live = ROWS
  const peers = new Map<AttackRow, TestPeer>()
  const channels = new Map<AttackRow, string>()
  /** attackers whose channel alice closed */
  const closedPeers = new Set<TestPeer>()
  let bobChannelId = ''
  let chainHash: Uint8Array

  /** A hostile peer for the row, connected to alice, with the row's lies in the opening in place. */
  async function attacker(row: AttackRow): Promise<TestPeer> {
    // a short to_self_delay on alice's side: a channel she closes is swept, and counted, within a few blocks
    const peer = new TestPeer(chainHash, 0x80 + ROWS.indexOf(row), {
      ...DEFAULT_CHANNEL_CONFIG,
      minimumDepth: 1,
      toSelfDelay: 6,
    })
    row.beforeOpen?.(peer)
    await peer.start()
    await peer.connect(net.node('alice').address)
    return peer
  }

  beforeAll(async () => {
    await net.start('alice', 'bob')
    await net.fund('alice', 20_000_000n)
    await net.connect('alice', 'bob')
    bobChannelId = await net.openChannel('alice', 'bob', 2_000_000n)
    chainHash = fromHex((await net.chain<{ chainHash: string }>('GET', '/info')).chainHash)
    // every channel that opens honestly is opened now, together: one mining for all
    const honest = live.filter((r) => !r.beforeOpen)
    for (const row of honest) peers.set(row, await attacker(row))
    const ids = await openChannelsTo(
      net,
      'alice',
      honest.map((row) => ({ peer: peers.get(row)!, pushMsat: row.pushMsat ?? DEFAULT_PUSH_MSAT })),
    )
    honest.forEach((row, i) => channels.set(row, ids[i]!))
  }, 60_000)

  afterAll(async () => {
    await Promise.all([...peers.values()].map((p) => p.stop().catch(() => {})))
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  /** Mines, block by block or up to a claim's height, until alice has closed the channel and swept what it gave her. */
  async function settleOnChain(channelId: string): Promise<void> {
    await waitFor(
      'alice to close the channel and sweep her outputs',
      async () => {
        const [channel, balance, info] = await Promise.all([
          net.channel('alice', channelId),
          net.node('alice').client.balance(),
          net.chain<{ height: number; mempoolSize: number }>('GET', '/info'),
        ])
        if (channel?.state === 'CLOSED' && balance.pendingClaims.length === 0 && info.mempoolSize === 0) return true
        const waiting = balance.pendingClaims.map((c) => c.spendableFromHeight).filter((h) => h > info.height + 1)
        await net.mine(waiting.length > 0 ? Math.min(...waiting) - info.height - 1 : 1)
        return false
      },
      30_000,
      50,
    )
  }

  /**
   * What the attackers hold in channels alice has not closed; an attacker whose channel closed held nothing (checked),
   * since no one sweeps for it.
   */
  function moneyHeldByPeers(): bigint {
    return [...peers.values()].filter((p) => !closedPeers.has(p)).reduce((sum, p) => sum + p.heldMsat(), 0n)
  }

  async function run(row: AttackRow): Promise<void> {
    expect(net.node('alice').online, 'alice died in an earlier row').toBe(true)
    if (row.beforeOpen) {
      peers.set(row, await attacker(row))
      const [id] = await openChannelsTo(net, 'alice', [
        { peer: peers.get(row)!, pushMsat: row.pushMsat ?? DEFAULT_PUSH_MSAT },
      ])
      channels.set(row, id!)
    }
    const peer = peers.get(row)!
    const channelId = channels.get(row)!
    const alice = net.node('alice')
    if (!row.beforeOpen) {
      await peer.waitFor('the channel to be NORMAL for the peer', () => peer.data?.state === 'NORMAL')
      await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)
    }
    peer.blockHeight = (await net.chain<{ height: number }>('GET', '/info')).height
    // a lie in the opening messages has been answered already
    const heard = row.beforeOpen ? 0 : peer.received.length

    const afterwards = await row.attack({ peer, channelId, bobChannelId, net })

    if (row.answer) {
      const [kind, text] =
        'warning' in row.answer ? (['warning', row.answer.warning] as const) : (['error', row.answer.error] as const)
      await peer.waitFor(`a ${kind} with ${text}`, () =>
        peer.received.slice(heard).some((m) => m.type === kind && new TextDecoder().decode(m.data).includes(text)),
      )
    }
    if (row.hangsUp) {
      await peer.waitFor('alice to hang up', () => !peer.connected)
      await peer.reconnect()
    } else {
      // alice read all of it, and kept the connection
      await peer.sync()
    }

    // 2. the attacked channel
    if (row.channel === 'NORMAL') {
      await waitFor('the attacked channel to be NORMAL and quiet on both ends', async () => {
        const c = await net.channel('alice', channelId)
        return c?.state === 'NORMAL' && c.active && c.pendingHtlcs.length === 0 && peer.isQuiet()
      })
    } else {
      await waitFor(
        'alice to close the attacked channel',
        async () => (await net.channel('alice', channelId))?.state === 'CLOSING',
      )
      expect(peer.heldMsat()).toBe(0n)
      closedPeers.add(peer)
      await settleOnChain(channelId)
    }
    if (afterwards) await afterwards()

    // 1. alive, and answering
    expect(alice.online).toBe(true)
    expect((await alice.client.info()).nodeId).toBe(alice.nodeId)

    // 3. her other channel pays
    expect((await net.pay('alice', 'bob', 1_000_000n)).status).toBe('succeeded')
    // money is counted at a quiet moment: bob's commitment updated too
    await waitFor('alice–bob to be quiet', async () => {
      const [a, b] = await Promise.all([net.channel('alice', bobChannelId), net.channel('bob', bobChannelId)])
      return a?.pendingHtlcs.length === 0 && b?.pendingHtlcs.length === 0 && a.localBalanceMsat === b.remoteBalanceMsat
    })

    // 4. money
    const m = await moneyCheck(net)
    expect(m.heldMsat + moneyHeldByPeers()).toBe(m.expectedMsat)
  }

  for (const row of ROWS) {
    it(row.name, () => run(row))
  }
})
