/**
 * The crypto part of the lower bound. The curve operations a payment needs are
 * counted by running the real code (channel core, onion, invoice) with a
 * recording secp256k1 backend, then the recorded calls are replayed against
 * the backend alone and timed: the cost of the crypto with nothing around it.
 *
 * Hashes (SHA-256, HMAC, ChaCha20) are not counted: they cost a microsecond or
 * two each, and leaving them out keeps the bound a bound.
 */
import { fromHex } from '../../../src/core/bytes.js'
import { SeededRng } from '../../../src/core/rng.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { currentBackend, publicKeyOf, useBackend } from '../../../src/crypto/secp256k1.js'
import type { Secp256k1Backend } from '../../../src/crypto/backend.js'
import { decodeInvoice, encodeInvoice } from '../../../src/invoice/index.js'
import { createPaymentOnion, peelPaymentOnion, type PaymentHop } from '../../../src/routing/onion/index.js'
import { newPayment, openPair, pay } from '../../../test/unit/channel/harness.js'

type Call = { op: string; args: unknown[] }

export interface CryptoWork {
  /** curve operations by name */
  counts: Record<string, number>
  /** time to run exactly these operations with the crypto backend alone */
  ms: number
}

/** Runs `work` with a backend that records every call, `runs` times, and returns the calls of one run. */
function record(work: () => void, runs = 1): Call[] {
  const inner = currentBackend()
  const calls: Call[] = []
  const recording = { ...inner } as Record<string, unknown>
  for (const [op, fn] of Object.entries(inner)) {
    if (typeof fn !== 'function') continue
    recording[op] = (...args: unknown[]) => {
      calls.push({ op, args })
      return (fn as (...a: unknown[]) => unknown).apply(inner, args)
    }
  }
  useBackend(recording as unknown as Secp256k1Backend)
  try {
    for (let i = 0; i < runs; i++) work()
  } finally {
    useBackend(inner)
  }
  return calls.slice(0, Math.round(calls.length / runs))
}

function replay(calls: Call[]): CryptoWork {
  const backend = currentBackend() as unknown as Record<string, (...a: unknown[]) => unknown>
  const counts: Record<string, number> = {}
  for (const c of calls) counts[c.op] = (counts[c.op] ?? 0) + 1
  const run = (): void => {
    for (const c of calls) backend[c.op]!(...c.args)
  }
  for (let i = 0; i < 50; i++) run()
  const times: number[] = []
  for (let r = 0; r < 7; r++) {
    const n = 200
    const t = performance.now()
    for (let i = 0; i < n; i++) run()
    times.push((performance.now() - t) / n)
  }
  times.sort((a, b) => a - b)
  return { counts, ms: times[3]! }
}

/**
 * One payment over one channel, both ends: add, commitment_signed and revoke_and_ack
 * each way, fulfill, the same again: four commitments, each signed by one end and
 * checked by the other. Each end derives the commitment's keys itself, as two node
 * processes do: each end has its own signer, and so its own memory of derived keys.
 * An amount above the dust limit adds the HTLC signatures (BOLT #2): one made and
 * checked for each commitment that has the HTLC's output.
 */
export function channelUpdateWork(amountMsat = 1000n): CryptoWork {
  const pair = openPair({ fundingSat: 100_000_000n, pushMsat: 50_000_000_000n })
  pair.checking = false
  const rng = new SeededRng('lower bound')
  // warm the key caches, as a running node's are
  for (let i = 0; i < 50; i++) pay(pair, pair.alice, newPayment(rng, 1000n))
  return replay(record(() => pay(pair, pair.alice, newPayment(rng, amountMsat)), 20))
}

function route(hops: number): { keys: Uint8Array[]; hops: PaymentHop[] } {
  const keys = Array.from({ length: hops }, (_, i) => sha256(new Uint8Array([i + 1])))
  return {
    keys,
    hops: keys.map((k, i): PaymentHop => ({
      pubkey: publicKeyOf(k),
      payload:
        i < hops - 1
          ? { amtToForward: 100_000n, outgoingCltvValue: 800_000, shortChannelId: BigInt(i + 1) }
          : {
              amtToForward: 100_000n,
              outgoingCltvValue: 800_000,
              paymentData: { paymentSecret: fromHex('ab'.repeat(32)), totalMsat: 100_000n },
            },
    })),
  }
}

/** The payer's part: decode the invoice (payee key recovered from the signature) and build the onion. */
export function payerWork(hops: number): CryptoWork {
  const { hops: path } = route(hops)
  const payeeKey = sha256(new TextEncoder().encode('payee'))
  const invoice = encodeInvoice(
    {
      network: 'bcrt',
      amountMsat: 100_000n,
      timestamp: 1_700_000_000,
      paymentHash: sha256(new Uint8Array(32)),
      paymentSecret: sha256(new Uint8Array(1)),
      description: 'bound',
      expiry: 600,
      minFinalCltvExpiryDelta: 40,
    },
    payeeKey,
  )
  return replay(
    record(() => {
      decodeInvoice(invoice)
      createPaymentOnion(sha256(new Uint8Array(3)), path, sha256(new Uint8Array(32)))
    }),
  )
}

/** One hop's part of the onion: peel a layer (ECDH, blinding the ephemeral key). */
export function peelWork(): CryptoWork {
  const { keys, hops } = route(3)
  const paymentHash = sha256(new Uint8Array(32))
  const { packet } = createPaymentOnion(sha256(new Uint8Array(3)), hops, paymentHash)
  return replay(record(() => peelPaymentOnion(packet, keys[0]!, paymentHash)))
}

export interface PaymentCryptoBound {
  ms: number
  counts: Record<string, number>
}

/**
 * The curve work of a payment over `hops` channels: payer, one peel per hop, one channel update (four commitments) per
 * hop.
 */
export function paymentCryptoBound(hops: number, perChannel: CryptoWork, perPeel: CryptoWork): PaymentCryptoBound {
  return batchedPaymentCryptoBound(hops, perChannel, perPeel, 4 * hops)
}

/**
 * The curve work of a payment over `hops` channels when many are in flight: the
 * channels then sign several HTLCs under one commitment_signed, so a payment costs
 * the payer's work and one peel per hop, plus its share of the commitments the
 * channels actually signed (`commitmentsPerPayment`, all channels and both ends;
 * perChannel covers four).
 */
export function batchedPaymentCryptoBound(
  hops: number,
  perChannel: CryptoWork,
  perPeel: CryptoWork,
  commitmentsPerPayment: number,
): PaymentCryptoBound {
  const payer = payerWork(hops)
  const counts: Record<string, number> = {}
  const add = (w: CryptoWork, times: number): void => {
    for (const [op, n] of Object.entries(w.counts)) counts[op] = (counts[op] ?? 0) + Math.round(n * times * 100) / 100
  }
  add(payer, 1)
  add(perPeel, hops)
  add(perChannel, commitmentsPerPayment / 4)
  return { ms: payer.ms + hops * perPeel.ms + (commitmentsPerPayment / 4) * perChannel.ms, counts }
}
