/**
 * A peer that goes silent with its connection still up (a frozen process) is
 * pinged, then disconnected; a peer that answers is kept. Short windows here;
 * the node's defaults are DEFAULT_LIVENESS.
 */
import type { Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { createLogger } from '../../../src/node/logger.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'
import { PeerConnection, type PeerConnectionEvents } from '../../../src/node/transport/peerConnection.js'
import { frameStream } from '../../../src/wire/framing.js'
import type { Init, Message } from '../../../src/wire/messages.js'

const LIVENESS = { pingAfterMs: 40, closeAfterMs: 150 }
const INIT: Init = { type: 'init', features: new Uint8Array(0), networks: [] }
const log = createLogger({ level: 'error', console: false, name: 'liveness' })
const OPTIONS = { limits: DEFAULT_NODE_LIMITS, peerLog: new PeerLogLimiter(log, 10), liveness: LIVENESS }

const streams: Stream[] = []
const connections: PeerConnection[] = []
afterEach(() => {
  for (const c of connections.splice(0)) c.close('test over')
  for (const s of streams.splice(0)) s.abort(new Error('test over'))
})

function watched(): { events: PeerConnectionEvents; closed: string[] } {
  const closed: string[] = []
  return {
    closed,
    events: {
      onInit: () => {},
      onMessage: () => {},
      onInvalidChannelMessage: () => {},
      onClose: (_c, reason) => closed.push(reason),
    },
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('peer liveness', () => {
  it('pings a silent peer, then disconnects it', async () => {
    const [rawA, rawB] = await streamPair()
    streams.push(rawA, rawB)
    const a = watched()
    const conn = new PeerConnection('b', rawA, 'us', a.events, log, OPTIONS)
    connections.push(conn)
    conn.start(INIT)
    // the other end reads everything and answers nothing, as a frozen process would
    const heard: Message['type'][] = []
    void (async () => {
      for await (const r of frameStream(rawB)) if (r.kind === 'message') heard.push(r.message.type)
    })().catch(() => {})
    for (let i = 0; i < 100 && a.closed.length === 0; i++) await sleep(10)
    expect(heard).toContain('ping')
    expect(a.closed).toHaveLength(1)
    expect(a.closed[0]).toMatch(/silent for \d+ s, even to a ping/)
    expect(conn.isOpen).toBe(false)
  })

  it('keeps a quiet peer that answers its pings', async () => {
    const [rawA, rawB] = await streamPair()
    streams.push(rawA, rawB)
    const a = watched()
    const b = watched()
    const connA = new PeerConnection('b', rawA, 'us', a.events, log, OPTIONS)
    const connB = new PeerConnection('a', rawB, 'them', b.events, log, OPTIONS)
    connections.push(connA, connB)
    connA.start(INIT)
    connB.start(INIT)
    await sleep(3 * LIVENESS.closeAfterMs)
    expect(a.closed).toEqual([])
    expect(b.closed).toEqual([])
    expect(connA.isOpen && connB.isOpen).toBe(true)
  })
})
