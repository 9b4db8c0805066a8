/**
 * BOLT #4 Sphinx packets: building an onion at the origin node and peeling one
 * layer at each hop. Payloads here are opaque bytes; paymentOnion.ts gives
 * them their meaning.
 */
import { bytesEqual, concatBytes } from '../../core/bytes.js'
import { chacha20Stream, chacha20Xor } from '../../crypto/chacha20.js'
import { InvalidKeyError } from '../../crypto/errors.js'
import { hmacSha256, sha256 } from '../../crypto/hash.js'
import {
  ecdh,
  isValidPrivateKey,
  isValidPublicKey,
  pointMultiply,
  privateKeyMultiply,
  publicKeyOf,
} from '../../crypto/secp256k1.js'
import { WireDecodeError } from '../../wire/errors.js'
import { decodeBigSize, encodeBigSize } from '../../wire/bigsize.js'
import { HMAC_LENGTH, HOP_PAYLOADS_LENGTH, ONION_PACKET_LENGTH, ONION_VERSION, PUBLIC_KEY_LENGTH } from './constants.js'
import { OnionEncodeError, OnionError } from './errors.js'
import { FAILURE } from './failureCodes.js'
import { onionKey } from './keys.js'
import type { ReplayLog } from './replayLog.js'

export interface OnionHop {
  /** the hop's node id (33-byte compressed public key) */
  pubkey: Uint8Array
  /** the hop's payload without its length prefix (a TLV stream for payments) */
  payload: Uint8Array
}

export interface CreatedOnion {
  /** the 1366-byte onion_packet for the first hop */
  packet: Uint8Array
  /** one per hop, in route order: the origin keeps them to read the failure that may come back */
  sharedSecrets: Uint8Array[]
}

export interface PeeledOnion {
  payload: Uint8Array
  /** the packet to forward, or null when this node is the final one (the next HMAC is all zero) */
  nextPacket: Uint8Array | null
  /** kept with the HTLC to encrypt a failure on the way back */
  sharedSecret: Uint8Array
}

/** Refuse an onion seen before (BOLT #4 "Packet Forwarding"), remembering this one until the incoming HTLC's expiry. */
export interface ReplayCheck {
  log: ReplayLog
  cltvExpiry: number
}

const ZERO_HMAC = new Uint8Array(HMAC_LENGTH)
const HOP_PAYLOADS_OFFSET = 1 + PUBLIC_KEY_LENGTH
const HMAC_OFFSET = HOP_PAYLOADS_OFFSET + HOP_PAYLOADS_LENGTH
// BOLT #4 "Packet Structure": lengths 0 (the legacy realm format) and 1 are reserved
const MIN_PAYLOAD_LENGTH = 2

/**
 * Builds the onion for `hops` (in route order, the final node last), as in
 * BOLT #4 "Packet Construction". The session key must be fresh random bytes for
 * every onion; `associatedData` is the payment hash for payments.
 */
export function createOnion(sessionKey: Uint8Array, hops: OnionHop[], associatedData: Uint8Array): CreatedOnion {
  if (hops.length === 0) throw new OnionEncodeError('INVALID_HOP_PAYLOAD', 'an onion needs at least one hop')
  if (!isValidPrivateKey(sessionKey))
    throw new OnionEncodeError(
      'INVALID_SESSION_KEY',
      'the session key is not a valid private key: use 32 fresh random bytes (randomPrivateKey())',
    )
  const framed = hops.map((hop, i) => {
    if (hop.payload.length < MIN_PAYLOAD_LENGTH)
      throw new OnionEncodeError(
        'INVALID_HOP_PAYLOAD',
        `hop ${i}'s payload has ${hop.payload.length} bytes; BOLT #4 needs at least ${MIN_PAYLOAD_LENGTH}`,
        { hop: i },
      )
    return concatBytes(encodeBigSize(BigInt(hop.payload.length)), hop.payload)
  })
  const total = framed.reduce((sum, f) => sum + f.length + HMAC_LENGTH, 0)
  if (total > HOP_PAYLOADS_LENGTH) {
    throw new OnionEncodeError(
      'ONION_TOO_LARGE',
      `the hop payloads take ${total} bytes with their HMACs; an onion holds ${HOP_PAYLOADS_LENGTH}: ` +
        'use fewer hops or smaller payloads',
      { bytes: total },
    )
  }

  const { ephemeralKey, sharedSecrets } = routeSecrets(
    sessionKey,
    hops.map((h) => h.pubkey),
  )
  const rhoKeys = sharedSecrets.map((ss) => onionKey('rho', ss))
  const filler = generateFiller(rhoKeys, framed)

  // the starting state is pseudo-random so the unused tail reveals nothing about the route length
  let hopPayloads = chacha20Stream(onionKey('pad', sessionKey), HOP_PAYLOADS_LENGTH)
  let nextHmac: Uint8Array = ZERO_HMAC
  for (let i = hops.length - 1; i >= 0; i--) {
    const shifted = concatBytes(
      framed[i]!,
      nextHmac,
      hopPayloads.subarray(0, HOP_PAYLOADS_LENGTH - framed[i]!.length - HMAC_LENGTH),
    )
    hopPayloads = chacha20Xor(rhoKeys[i]!, shifted)
    if (i === hops.length - 1) hopPayloads.set(filler, HOP_PAYLOADS_LENGTH - filler.length)
    nextHmac = hmacSha256(onionKey('mu', sharedSecrets[i]!), hopPayloads, associatedData)
  }
  return { packet: concatBytes(Uint8Array.of(ONION_VERSION), ephemeralKey, hopPayloads, nextHmac), sharedSecrets }
}

/**
 * The shared secret with each hop and the first ephemeral public key: the
 * ephemeral key is blinded after every hop (BOLT #4 "Blinding Ephemeral Onion
 * Keys") so no two hops see the same one.
 */
function routeSecrets(
  sessionKey: Uint8Array,
  pubkeys: Uint8Array[],
): { ephemeralKey: Uint8Array; sharedSecrets: Uint8Array[] } {
  const sharedSecrets: Uint8Array[] = []
  let privateKey = sessionKey
  const ephemeralKey = publicKeyOf(sessionKey)
  let publicKey = ephemeralKey
  pubkeys.forEach((pubkey, i) => {
    const ss = hopSecret(privateKey, pubkey, i)
    sharedSecrets.push(ss)
    if (i < pubkeys.length - 1) {
      privateKey = privateKeyMultiply(privateKey, sha256(concatBytes(publicKey, ss)))
      publicKey = publicKeyOf(privateKey)
    }
  })
  return { ephemeralKey, sharedSecrets }
}

/** The ECDH secret with a hop; the multiplication itself checks the hop's key (the session key is checked before). */
function hopSecret(privateKey: Uint8Array, pubkey: Uint8Array, hop: number): Uint8Array {
  try {
    return ecdh(privateKey, pubkey)
  } catch (err) {
    if (err instanceof InvalidKeyError)
      throw new OnionEncodeError('INVALID_HOP_PAYLOAD', `hop ${hop}'s node id is not a valid public key`, { hop })
    throw err
  }
}

/**
 * BOLT #4 "Filler Generation": the bytes each hop's shift-and-decrypt will have
 * produced at the tail by the time the packet reaches the final node, which the
 * origin must reproduce for the HMACs to hold. The final hop adds none.
 */
function generateFiller(rhoKeys: Uint8Array[], framed: Uint8Array[]): Uint8Array {
  let filler: Uint8Array = new Uint8Array(0)
  for (let i = 0; i < framed.length - 1; i++) {
    const hopSize = framed[i]!.length + HMAC_LENGTH
    filler = concatBytes(filler, new Uint8Array(hopSize))
    const stream = chacha20Stream(rhoKeys[i]!, HOP_PAYLOADS_LENGTH + hopSize)
    const tail = stream.subarray(stream.length - filler.length)
    for (let j = 0; j < filler.length; j++) filler[j] ^= tail[j]!
  }
  return filler
}

/**
 * Peels this node's layer off an onion (BOLT #4 "Onion Decryption"): checks the
 * version, the ephemeral key and the HMAC, then reads this hop's payload and
 * the packet for the next hop. Throws OnionError with the failure to return.
 */
export function peelOnion(
  packet: Uint8Array,
  nodePrivateKey: Uint8Array,
  associatedData: Uint8Array,
  replay?: ReplayCheck,
): PeeledOnion {
  if (packet.length !== ONION_PACKET_LENGTH) {
    // the wire format fixes the length, so a packet of another length cannot be authenticated
    throw new OnionError(
      'INVALID_ONION_HMAC',
      FAILURE.INVALID_ONION_HMAC,
      `an onion packet is ${ONION_PACKET_LENGTH} bytes, got ${packet.length}`,
    )
  }
  if (packet[0] !== ONION_VERSION) {
    throw new OnionError(
      'INVALID_ONION_VERSION',
      FAILURE.INVALID_ONION_VERSION,
      `onion version ${packet[0]} is not supported (only ${ONION_VERSION})`,
      { version: packet[0] },
    )
  }
  const ephemeralKey = packet.subarray(1, HOP_PAYLOADS_OFFSET)
  if (!isValidPublicKey(ephemeralKey))
    throw new OnionError(
      'INVALID_ONION_KEY',
      FAILURE.INVALID_ONION_KEY,
      'the onion ephemeral key is not a point on secp256k1',
    )
  const hopPayloads = packet.subarray(HOP_PAYLOADS_OFFSET, HMAC_OFFSET)
  const sharedSecret = ecdh(nodePrivateKey, ephemeralKey)
  const expected = hmacSha256(onionKey('mu', sharedSecret), hopPayloads, associatedData)
  if (!bytesEqual(expected, packet.subarray(HMAC_OFFSET))) {
    throw new OnionError(
      'INVALID_ONION_HMAC',
      FAILURE.INVALID_ONION_HMAC,
      'the onion HMAC does not match: the packet was altered, carries other associated data, ' +
        'or is meant for another node',
    )
  }
  if (replay) checkReplay(sharedSecret, replay)

  // appending zeros before decrypting turns them into the next hop's pseudo-random tail (the filler)
  const opened = chacha20Xor(
    onionKey('rho', sharedSecret),
    concatBytes(hopPayloads, new Uint8Array(HOP_PAYLOADS_LENGTH)),
  )
  const { payloadStart, payloadEnd } = readPayloadBounds(opened, sharedSecret)
  const payload = opened.slice(payloadStart, payloadEnd)
  const nextHmac = opened.subarray(payloadEnd, payloadEnd + HMAC_LENGTH)
  if (bytesEqual(nextHmac, ZERO_HMAC)) return { payload, nextPacket: null, sharedSecret }

  const blindingFactor = sha256(concatBytes(ephemeralKey, sharedSecret))
  const nextPacket = concatBytes(
    Uint8Array.of(ONION_VERSION),
    pointMultiply(ephemeralKey, blindingFactor),
    opened.subarray(payloadEnd + HMAC_LENGTH, payloadEnd + HMAC_LENGTH + HOP_PAYLOADS_LENGTH),
    nextHmac,
  )
  return { payload, nextPacket, sharedSecret }
}

/** Records the onion's shared secret in the replay log, or throws ONION_REPLAYED if it is there already. */
export function checkReplay(sharedSecret: Uint8Array, replay: ReplayCheck): void {
  if (!replay.log.add(sharedSecret, replay.cltvExpiry)) {
    // the spec names no code for this; temporary_node_failure needs no data and says nothing about the route
    throw new OnionError(
      'ONION_REPLAYED',
      FAILURE.TEMPORARY_NODE_FAILURE,
      'this onion was already processed; a replay is refused',
      {},
      sharedSecret,
    )
  }
}

function readPayloadBounds(opened: Uint8Array, sharedSecret: Uint8Array): { payloadStart: number; payloadEnd: number } {
  const invalid = (why: string): OnionError =>
    new OnionError(
      'INVALID_ONION_PAYLOAD',
      FAILURE.INVALID_ONION_PAYLOAD,
      `this hop's onion payload ${why}`,
      { tlvType: '0', offset: 0 },
      sharedSecret,
    )
  let length: { value: bigint; length: number }
  try {
    length = decodeBigSize(opened)
  } catch (err) {
    if (err instanceof WireDecodeError) throw invalid(`has a malformed length (${err.message})`)
    throw err
  }
  const payloadEnd = length.length + Number(length.value)
  if (length.value < BigInt(MIN_PAYLOAD_LENGTH))
    throw invalid(`length ${length.value} is reserved (the legacy format is not supported)`)
  if (length.value > BigInt(HOP_PAYLOADS_LENGTH) || payloadEnd + HMAC_LENGTH > HOP_PAYLOADS_LENGTH)
    throw invalid(`length ${length.value} does not fit in the packet`)
  return { payloadStart: length.length, payloadEnd }
}
