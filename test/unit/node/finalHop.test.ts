/**
 * The final hop's rules for payments to us, with the switch and the channels
 * replaced by a recorder: each incoming HTLC ends fulfilled or failed with the
 * BOLT #4 code a real node sends (multi-part sets, keysend, hold invoices).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { FAILURE } from '../../../src/routing/onion/failureCodes.js'
import type { FailureMessage } from '../../../src/routing/onion/failureMessage.js'
import type { HopPayload } from '../../../src/routing/onion/hopPayload.js'
import type { UpdateAddHtlc } from '../../../src/wire/messages.js'
import { EventBus } from '../../../src/node/eventBus.js'
import { createLogger } from '../../../src/node/logger.js'
import { FinalHop, HOLD_EXPIRY_MARGIN_BLOCKS } from '../../../src/node/payments/receive/finalHop.js'
import { InvoiceRegistry, type InvoiceRecord } from '../../../src/node/payments/receive/invoiceRegistry.js'
import type { HtlcRecord, SettleCommand } from '../../../src/node/payments/switch/htlcRecord.js'
import type { Settlements } from '../../../src/node/payments/switch/settlements.js'
import { DurableStore } from '../../../src/node/store/durableStore.js'

const HEIGHT = 100
const MPP_TIMEOUT_MS = 60_000

/** What the final hop told the channels to do with each HTLC, by HTLC id. */
type Resolution = { fulfilled: Uint8Array } | { failed: number }

let dir: string
let durable: DurableStore
let resolutions: Map<bigint, Resolution>
let hop: FinalHop
let invoices: InvoiceRegistry
let nextId: bigint
let received: Array<{ amountMsat: bigint; parts: number }>

async function makeHop(): Promise<void> {
  const htlcs = durable.kv<HtlcRecord>('htlc')
  const bus = new EventBus('us', 'us')
  bus.subscribe((e) => e.type === 'payment_received' && received.push({ amountMsat: e.amountMsat, parts: e.parts }))
  const settlements = {
    settle: (_channel: string, command: SettleCommand) => {
      if (command.type === 'fulfill_htlc') resolutions.set(command.id, { fulfilled: command.preimage })
    },
    fail: (_channel: string, add: { id: bigint }, _secret: Uint8Array, failure: FailureMessage) =>
      resolutions.set(add.id, { failed: failure.code }),
  } as unknown as Settlements
  invoices = new InvoiceRegistry(durable.kv('invoice'), new Uint8Array(32).fill(7), () => 'lnbcrt1…', 18)
  hop = new FinalHop({
    log: createLogger({ level: 'error', console: false, name: 'test' }),
    bus,
    invoices,
    htlcs,
    preimages: durable.kv('preimage'),
    settlements,
    tip: { height: HEIGHT },
    minFinalCltvExpiryDelta: 18,
    mppTimeoutMs: MPP_TIMEOUT_MS,
  })
}

beforeEach(async () => {
  vi.useFakeTimers()
  dir = await mkdtemp(join(tmpdir(), 'lnsim-finalhop-'))
  durable = await DurableStore.open(join(dir, 'state.log'))
  resolutions = new Map()
  received = []
  nextId = 0n
  await makeHop()
})

afterEach(async () => {
  hop.stop()
  vi.useRealTimers()
  await durable.close()
  await rm(dir, { recursive: true, force: true })
})

/** An HTLC paying `amountMsat` of a payment of `totalMsat` to the invoice (its secret), as the onion delivers it. */
function part(
  paymentHash: Uint8Array,
  amountMsat: bigint,
  payload: Partial<HopPayload> & { totalMsat?: bigint; secret?: Uint8Array },
): bigint {
  const id = nextId++
  const add = {
    type: 'update_add_htlc',
    channelId: new Uint8Array(32),
    id,
    amountMsat,
    paymentHash,
    cltvExpiry: HEIGHT + 40,
    onionRoutingPacket: new Uint8Array(0),
  } as unknown as UpdateAddHtlc
  const { totalMsat, secret, ...rest } = payload
  hop.accept(
    'chan',
    add,
    {
      amtToForward: amountMsat,
      outgoingCltvValue: HEIGHT + 40,
      ...(secret ? { paymentData: { paymentSecret: secret, totalMsat: totalMsat ?? amountMsat } } : {}),
      ...rest,
    },
    new Uint8Array(32),
  )
  return id
}

const payInvoice = (inv: InvoiceRecord, amountMsat: bigint, totalMsat: bigint): bigint =>
  part(inv.paymentHash, amountMsat, { secret: inv.paymentSecret, totalMsat })

const failed = (code: number): Resolution => ({ failed: code })
const UNKNOWN = FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS

describe('the final hop', () => {
  it('holds the parts of a payment until they add up, then settles all of them at once', () => {
    const inv = invoices.create(100_000n, 'three parts', 3600)
    const ids = [payInvoice(inv, 30_000n, 100_000n), payInvoice(inv, 30_000n, 100_000n)]
    expect(resolutions.size).toBe(0)
    ids.push(payInvoice(inv, 40_000n, 100_000n))
    for (const id of ids) expect(resolutions.get(id)).toEqual({ fulfilled: inv.preimage })
    expect(invoices.get(inv.paymentHash)).toMatchObject({ status: 'paid', paidMsat: 100_000n })
    expect(received).toEqual([{ amountMsat: 100_000n, parts: 3 }])
  })

  it('fails every part with mpp_timeout when they do not add up in time, and a late part after that', () => {
    const inv = invoices.create(100_000n, 'never whole', 3600)
    const ids = [payInvoice(inv, 30_000n, 100_000n), payInvoice(inv, 30_000n, 100_000n)]
    vi.advanceTimersByTime(MPP_TIMEOUT_MS - 1)
    expect(resolutions.size).toBe(0)
    vi.advanceTimersByTime(1)
    for (const id of ids) expect(resolutions.get(id)).toEqual(failed(FAILURE.MPP_TIMEOUT))
    // the late part starts a new set, which times out in turn: nothing is paid for a set that never adds up
    const late = payInvoice(inv, 40_000n, 100_000n)
    vi.advanceTimersByTime(MPP_TIMEOUT_MS)
    expect(resolutions.get(late)).toEqual(failed(FAILURE.MPP_TIMEOUT))
    expect(invoices.get(inv.paymentHash)?.status).toBe('open')
  })

  it('fails the whole set when a part names another total_msat', () => {
    const inv = invoices.create(100_000n, 'inconsistent', 3600)
    const first = payInvoice(inv, 50_000n, 100_000n)
    const odd = payInvoice(inv, 50_000n, 120_000n)
    expect(resolutions.get(first)).toEqual(failed(UNKNOWN))
    expect(resolutions.get(odd)).toEqual(failed(UNKNOWN))
  })

  it('refuses a total below the invoice or above twice it, and a part that overpays its set', () => {
    const inv = invoices.create(100_000n, 'amounts', 3600)
    expect(resolutions.get(payInvoice(inv, 90_000n, 90_000n))).toEqual(failed(UNKNOWN))
    expect(resolutions.get(payInvoice(inv, 50_000n, 200_001n))).toEqual(failed(UNKNOWN))
    const a = payInvoice(inv, 60_000n, 100_000n)
    const over = payInvoice(inv, 60_000n, 100_000n)
    expect(resolutions.get(over)).toEqual(failed(UNKNOWN))
    expect(resolutions.has(a)).toBe(false)
    const rest = payInvoice(inv, 40_000n, 100_000n)
    expect(resolutions.get(a)).toEqual({ fulfilled: inv.preimage })
    expect(resolutions.get(rest)).toEqual({ fulfilled: inv.preimage })
  })

  it('refuses a part after its set was paid, and a wrong payment secret', () => {
    const inv = invoices.create(100_000n, 'once', 3600)
    payInvoice(inv, 100_000n, 100_000n)
    expect(resolutions.get(payInvoice(inv, 100_000n, 100_000n))).toEqual(failed(UNKNOWN))
    const other = invoices.create(100_000n, 'secret', 3600)
    const id = part(other.paymentHash, 100_000n, { secret: new Uint8Array(32), totalMsat: 100_000n })
    expect(resolutions.get(id)).toEqual(failed(UNKNOWN))
  })

  it('takes a keysend payment whose preimage matches its hash, and refuses one whose does not', () => {
    const preimage = new Uint8Array(32).fill(9)
    const ok = part(sha256(preimage), 5_000n, { keysendPreimage: preimage })
    expect(resolutions.get(ok)).toEqual({ fulfilled: preimage })
    const wrong = part(sha256(new Uint8Array(32).fill(1)), 5_000n, { keysendPreimage: preimage })
    expect(resolutions.get(wrong)).toEqual(failed(UNKNOWN))
    // a keysend to the hash of an invoice would settle it with a preimage the payee never gave out
    const inv = invoices.create(5_000n, 'not for keysend', 3600)
    expect(resolutions.get(part(inv.paymentHash, 5_000n, { keysendPreimage: inv.preimage! }))).toEqual(failed(UNKNOWN))
  })

  it('holds a hold invoice until settled, and fails back a cancelled one', () => {
    const kept = invoices.create(100_000n, 'settle me', 3600, {})
    const a = payInvoice(kept, 50_000n, 100_000n)
    const b = payInvoice(kept, 50_000n, 100_000n)
    expect(invoices.get(kept.paymentHash)?.status).toBe('accepted')
    expect(resolutions.size).toBe(0)
    hop.settle(kept.preimage!)
    expect(resolutions.get(a)).toEqual({ fulfilled: kept.preimage })
    expect(resolutions.get(b)).toEqual({ fulfilled: kept.preimage })
    expect(invoices.get(kept.paymentHash)?.status).toBe('paid')

    const preimage = new Uint8Array(32).fill(3)
    const dropped = invoices.create(100_000n, 'cancel me', 3600, { paymentHash: sha256(preimage) })
    expect(dropped.preimage).toBeNull()
    const c = payInvoice(dropped, 100_000n, 100_000n)
    invoices.cancel(toHex(dropped.paymentHash))
    expect(hop.cancel(toHex(dropped.paymentHash))).toBe(1)
    expect(resolutions.get(c)).toEqual(failed(UNKNOWN))
    expect(resolutions.get(payInvoice(dropped, 100_000n, 100_000n))).toEqual(failed(UNKNOWN))
    expect(() => hop.settle(preimage)).toThrow(/no payment of hash/)
  })

  it('fails a held payment back before its HTLCs expire', () => {
    const inv = invoices.create(100_000n, 'held too long', 3600, {})
    const id = payInvoice(inv, 100_000n, 100_000n)
    hop.onBlock(HEIGHT + 40 - HOLD_EXPIRY_MARGIN_BLOCKS - 1)
    expect(resolutions.has(id)).toBe(false)
    hop.onBlock(HEIGHT + 40 - HOLD_EXPIRY_MARGIN_BLOCKS)
    expect(resolutions.get(id)).toEqual(failed(UNKNOWN))
    expect(invoices.get(inv.paymentHash)?.status).toBe('open')
  })

  it('picks its held parts up again after a restart', async () => {
    const inv = invoices.create(100_000n, 'across a restart', 3600)
    const first = payInvoice(inv, 60_000n, 100_000n)
    await durable.flush()
    hop.stop()
    await durable.close()
    durable = await DurableStore.open(join(dir, 'state.log'))
    await makeHop()
    hop.start()
    const rest = payInvoice(invoices.get(inv.paymentHash)!, 40_000n, 100_000n)
    expect(resolutions.get(first)).toEqual({ fulfilled: inv.preimage })
    expect(resolutions.get(rest)).toEqual({ fulfilled: inv.preimage })
  })
})
