/**
 * BOLT #11 invoices: decoding (checksum, fields, and the signature: payee key
 * recovery, or verification against `n`) and encoding (signing) per second, on
 * both secp256k1 backends. An lnbcrt invoice as lnsim nodes write them.
 */
import { sha256 } from '../../src/crypto/hash.js'
import { loadNativeBackend } from '../../src/crypto/nativeBackend.js'
import { nobleBackend } from '../../src/crypto/nobleBackend.js'
import { currentBackend, publicKeyOf, useBackend } from '../../src/crypto/secp256k1.js'
import { decodeInvoice, encodeInvoice, type InvoiceFields } from '../../src/invoice/index.js'
import type { Bench } from './harness.js'

export const title = 'BOLT #11 invoices (src/invoice): decode and encode per second'

export async function run(bench: Bench): Promise<void> {
  const key = sha256(new TextEncoder().encode('bench payee'))
  const fields: InvoiceFields = {
    network: 'bcrt',
    amountMsat: 25_000_000n,
    timestamp: 1_700_000_000,
    paymentHash: sha256(new Uint8Array(32)),
    paymentSecret: sha256(new Uint8Array(1)),
    description: 'lnsim benchmark: 1 cup of coffee',
    expiry: 600,
    minFinalCltvExpiryDelta: 40,
    routeHints: [
      [
        {
          nodeId: publicKeyOf(sha256(new Uint8Array(2))),
          shortChannelId: (105n << 40n) | (1n << 16n),
          feeBaseMsat: 1000n,
          feeProportionalMillionths: 100,
          cltvExpiryDelta: 40,
        },
      ],
    ],
  }
  const recovered = encodeInvoice(fields, key)
  const named = encodeInvoice({ ...fields, payeeNodeId: publicKeyOf(key) }, key)
  bench.log(`invoice: ${recovered.length} characters (${named.length} with n)`)
  const selected = currentBackend()
  const native = loadNativeBackend()
  for (const backend of native ? [nobleBackend, native] : [nobleBackend]) {
    useBackend(backend)
    bench.figure(
      `decode, payee recovered [${backend.name}]`,
      bench.opsPerSecond(() => decodeInvoice(recovered), 700),
      'invoices/s',
    )
    bench.figure(
      `decode, payee in n (verify) [${backend.name}]`,
      bench.opsPerSecond(() => decodeInvoice(named), 700),
      'invoices/s',
    )
    bench.figure(
      `encode and sign [${backend.name}]`,
      bench.opsPerSecond(() => encodeInvoice(fields, key), 700),
      'invoices/s',
    )
  }
  useBackend(selected)
  bench.log(`default backend: ${selected.name}`)
}
