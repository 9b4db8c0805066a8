/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as RFC 3720 appendix B.4 specifies it: BOLT #7 checksums
 * channel_updates with it so that peers can tell which updates differ without sending them.
 */
const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** The CRC-32C of the parts, as if they were one byte string. */
export function crc32c(...parts: Uint8Array[]): number {
  let crc = 0xffffffff
  for (const bytes of parts) for (const b of bytes) crc = TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
