/**
 * The node's identity: one secp256k1 key, kept in the data directory (0600).
 * The Lightning node id is its public key, and the libp2p peer id is derived
 * from the very same key, so the Noise handshake proves the node id.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { fromHex, toHex } from '../core/bytes.js'
import { PRIVATE_FILE_MODE, restrictToOwner } from '../core/privateFile.js'
import { hmacSha256 } from '../crypto/hash.js'
import { isValidPrivateKey, publicKeyOf, randomPrivateKey } from '../crypto/secp256k1.js'
import { utf8 } from '../core/bytes.js'
import { NodeError } from './errors.js'

export const NODE_KEY_FILE = 'node.key'

export interface NodeIdentity {
  /** 32 bytes: the node key, and the root every other secret of the node derives from */
  secret: Uint8Array
  nodeId: Uint8Array
  nodeIdHex: string
  libp2pKey: PrivateKey
  peerId: PeerId
}

export function identityFromSecret(secret: Uint8Array): NodeIdentity {
  const nodeId = publicKeyOf(secret)
  const libp2pKey = privateKeyFromRaw(secret)
  return { secret, nodeId, nodeIdHex: toHex(nodeId), libp2pKey, peerId: peerIdFromPrivateKey(libp2pKey) }
}

/** Loads the key, or creates it on first start (from `seed` when given, so seeded runs get the same ids). */
export async function loadOrCreateIdentity(dataDir: string, seed?: Uint8Array): Promise<NodeIdentity> {
  const path = join(dataDir, NODE_KEY_FILE)
  // a key left readable by others (copied in, or made under another umask) is closed first
  restrictToOwner(path)
  let text: string | undefined
  try {
    text = (await readFile(path, 'utf8')).trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text !== undefined) {
    let secret: Uint8Array
    try {
      secret = fromHex(text, 32)
    } catch {
      throw new NodeError(
        'BAD_NODE_KEY',
        `${path} does not hold a 32-byte hex key; restore it or remove it to make a new node`,
      )
    }
    if (!isValidPrivateKey(secret)) throw new NodeError('BAD_NODE_KEY', `${path} holds an invalid secp256k1 key`)
    return identityFromSecret(secret)
  }
  let secret = seed ? hmacSha256(seed, utf8('lnsim/node-key')) : randomPrivateKey()
  while (!isValidPrivateKey(secret)) secret = hmacSha256(secret, utf8('retry'))
  await writeFile(path, toHex(secret) + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  return identityFromSecret(secret)
}

/** The libp2p peer id that a Lightning node id stands for. */
export function peerIdOfNodeId(nodeId: Uint8Array): PeerId {
  return peerIdFromPublicKey(publicKeyFromRaw(nodeId))
}

/** A secret derived from the node key for one purpose (channel seeds, wallet keys, preimages). */
export function deriveSecret(identity: NodeIdentity, purpose: string): Uint8Array {
  return hmacSha256(identity.secret, utf8(`lnsim/${purpose}`))
}
