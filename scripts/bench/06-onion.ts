/**
 * BOLT #4 onion costs on one core: building a payment onion (one ECDH and one
 * key blinding per hop), peeling one layer (one ECDH, one point multiply),
 * and a failure's round trip (created at the last hop, wrapped by every hop
 * back, attributed at the origin: no curve maths, only ChaCha20 and HMACs).
 */
import { fromHex } from '../../src/core/bytes.js'
import { currentBackend, publicKeyOf } from '../../src/crypto/secp256k1.js'
import {
  attributeFailure,
  createFailure,
  createPaymentOnion,
  FAILURE,
  MemoryReplayLog,
  obfuscateFailure,
  peelPaymentOnion,
  type PaymentHop,
} from '../../src/routing/onion/index.js'
import type { Bench } from './harness.js'

export const title = 'Onion routing (src/routing/onion): build, peel, failure round trip'

function route(length: number): { keys: Uint8Array[]; hops: PaymentHop[] } {
  const keys = Array.from({ length }, (_, i) => fromHex((i + 1).toString(16).padStart(2, '0').repeat(32)))
  const hops = keys.map((k, i): PaymentHop => ({
    pubkey: publicKeyOf(k),
    payload:
      i < length - 1
        ? { amtToForward: 100_000n, outgoingCltvValue: 800_000, shortChannelId: BigInt(i + 1) }
        : {
            amtToForward: 100_000n,
            outgoingCltvValue: 800_000,
            paymentData: { paymentSecret: fromHex('ab'.repeat(32)), totalMsat: 100_000n },
          },
  }))
  return { keys, hops }
}

export async function run(bench: Bench): Promise<void> {
  const sessionKey = fromHex('41'.repeat(32))
  const paymentHash = fromHex('42'.repeat(32))
  bench.log(`secp256k1 backend: ${currentBackend().name}`)

  for (const length of [3, 6]) {
    const { hops } = route(length)
    bench.figure(
      `create onion, ${length} hops`,
      bench.opsPerSecond(() => createPaymentOnion(sessionKey, hops, paymentHash), 1000),
      'ops/s',
    )
  }

  const { keys, hops } = route(6)
  const { packet, sharedSecrets } = createPaymentOnion(sessionKey, hops, paymentHash)
  bench.figure(
    'peel one layer (intermediate hop)',
    bench.opsPerSecond(() => peelPaymentOnion(packet, keys[0]!, paymentHash), 1000),
    'ops/s',
  )
  const log = new MemoryReplayLog()
  let expiry = 0
  // each peel must look fresh to the log, so the packet's entry is dropped again: this measures the log's bookkeeping
  // on top
  bench.figure(
    'peel one layer with replay log',
    bench.opsPerSecond(() => {
      peelPaymentOnion(packet, keys[0]!, paymentHash, { log, cltvExpiry: ++expiry })
      log.expire(expiry)
    }, 1000),
    'ops/s',
  )

  const failure = { code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: 100_000n, height: 800_000 }
  bench.figure(
    'failure create + attribute (6 hops, fails at the last)',
    bench.opsPerSecond(() => {
      let reason = createFailure(sharedSecrets[5]!, failure)
      for (let i = 4; i >= 0; i--) reason = obfuscateFailure(sharedSecrets[i]!, reason)
      attributeFailure(sharedSecrets, reason)
    }, 1000),
    'ops/s',
  )
}
