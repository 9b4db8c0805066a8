/**
 * Our dials racing the peer's own. When a peer we are redialling connects to
 * us first, our redial is called off. Had it arrived too, the tie-break (both
 * keep the stream the lower node id opened) could replace the peer's working
 * connection with it, and every channel with the peer would go through
 * channel_reestablish once more: a payment made in that window found no route
 * (fee-spike.yaml, after bob's restart, when alice's redial landed 40 ms after
 * bob's own connection). And a connect asked for while the peer's own
 * connection is still exchanging init waits for that one: its dial would lose
 * the tie-break and fail (a test failed so in CI).
 */
import type { Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { fromHex } from '../../../src/core/bytes.js'
import { createLogger } from '../../../src/node/logger.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'
import { PeerConnection } from '../../../src/node/transport/peerConnection.js'
import { PeerManager } from '../../../src/node/transport/peerManager.js'
import { peerRecords } from './peerRecordsFixture.js'
import type { Init } from '../../../src/wire/messages.js'

// node ids whose order matters: ours is the lower, so a stream we open wins a tie
const US = '02' + '11'.repeat(32)
const PEER = '03' + '22'.repeat(32)
const INIT: Init = { type: 'init', features: new Uint8Array(0), networks: [] }
const log = createLogger({ level: 'error', console: false, name: 'redial' })
const OPTIONS = { limits: DEFAULT_NODE_LIMITS, peerLog: new PeerLogLimiter(log, 10) }

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
async function until(what: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !what(); i++) await sleep(10)
  expect(what()).toBe(true)
}

/**
 * A node whose libp2p host holds every dial until the test lets it go, and a
 * channel peer it wants back. `honoursAbort: false` is a dial that completes
 * although it was called off (it was past the point of no return).
 */
async function redialling(honoursAbort: boolean) {
  const dials: Array<{ signal: AbortSignal; complete: () => Promise<Stream> }> = []
  let inbound: ((stream: Stream, connection: unknown) => void) | undefined
  const host = {
    handle: async (_p: string, handler: typeof inbound) => {
      inbound = handler
    },
    dialProtocol: (_ma: unknown, _p: string, { signal }: { signal: AbortSignal }) =>
      new Promise<Stream>((resolve, reject) => {
        if (honoursAbort) signal.addEventListener('abort', () => reject(new Error('the dial was aborted')))
        dials.push({
          signal,
          complete: async () => {
            const [ours, theirs] = await streamPair()
            cleanup.push(() => theirs.abort(new Error('test over')))
            resolve(ours)
            return ours
          },
        })
      }),
  } as unknown as Libp2p
  const store = peerRecords(PEER, `${PEER}@/ip4/127.0.0.1/tcp/9735`)
  const seen = { connected: 0, disconnected: 0 }
  const peers = new PeerManager(
    host,
    US,
    INIT,
    store,
    {
      onConnected: () => seen.connected++,
      onDisconnected: () => seen.disconnected++,
      onMessage: () => {},
      onInvalidChannelMessage: () => {},
      wantsReconnect: () => true,
      addressOf: () => undefined,
    },
    log,
    OPTIONS,
  )
  cleanup.push(() => peers.stop())
  await peers.start()
  await until(() => dials.length === 1)

  /** the peer dials us: its end of the stream runs as a real connection, which sends its init at once or when told */
  const peerConnectsIn = async (sendInit: 'now' | 'later' = 'now'): Promise<PeerConnection> => {
    const [ours, theirs] = await streamPair()
    const theirEnd = new PeerConnection(
      US,
      theirs,
      'us',
      { onInit: () => {}, onMessage: () => {}, onInvalidChannelMessage: () => {}, onClose: () => {} },
      log,
      OPTIONS,
    )
    cleanup.push(() => theirEnd.close('test over'))
    inbound!(ours, { remotePeer: { publicKey: { raw: fromHex(PEER) } } })
    if (sendInit === 'later') return theirEnd
    theirEnd.start(INIT)
    await until(() => peers.isConnected(PEER))
    return theirEnd
  }
  return { peers, dials, seen, peerConnectsIn }
}

describe('a redial the peer beat to it', () => {
  it('is called off when the peer connects in, and is not tried again', async () => {
    const { peers, dials, seen, peerConnectsIn } = await redialling(true)
    const theirEnd = await peerConnectsIn()
    expect(dials[0]!.signal.aborted).toBe(true)
    // an aborted redial is no failure: nothing backs off and dials again while the peer's connection lives
    await sleep(600)
    expect(dials).toHaveLength(1)
    expect(seen).toEqual({ connected: 1, disconnected: 0 })
    expect(peers.isConnected(PEER) && theirEnd.isOpen).toBe(true)
  })

  it('leaves the working connection alone when the called-off dial completes anyway', async () => {
    const { peers, dials, seen, peerConnectsIn } = await redialling(false)
    const theirEnd = await peerConnectsIn()
    const late = await dials[0]!.complete()
    await sleep(100)
    // before, our stream (the lower node id's) replaced the peer's: a disconnect, and channels re-established
    expect(seen).toEqual({ connected: 1, disconnected: 0 })
    expect(peers.isConnected(PEER) && theirEnd.isOpen).toBe(true)
    expect(late.writeStatus).not.toBe('writable') // ours closed, theirs ends with it
  })
})

describe('a connect asked for while the peer is connecting in', () => {
  it('waits for the peer’s connection to finish its init, and dials nothing', async () => {
    const { peers, dials, seen, peerConnectsIn } = await redialling(true)
    const theirEnd = await peerConnectsIn('later')
    let connected: string | undefined
    void peers.connect(`${PEER}@/ip4/127.0.0.1/tcp/9735`).then((id) => (connected = id))
    await sleep(100)
    expect(connected).toBeUndefined()
    theirEnd.start(INIT)
    await until(() => connected === PEER)
    // the redial from the start, called off by the peer's connection; the connect dialled nothing of its own
    expect(dials).toHaveLength(1)
    expect(seen).toEqual({ connected: 1, disconnected: 0 })
  })
})
