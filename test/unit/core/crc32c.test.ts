import { describe, expect, it } from 'vitest'
import { crc32c } from '../../../src/core/crc32c.js'

describe('crc32c', () => {
  // RFC 3720 appendix B.4 (https://www.rfc-editor.org/rfc/rfc3720#appendix-B.4): the CRCs of its four 32-byte
  // messages, there written byte by byte as sent (aa 36 91 8a is 0x8a9136aa)
  it('gives the CRCs of RFC 3720’s examples', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c)
  })

  it('gives the check value of CRC-32C, and one CRC for parts as for their concatenation', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
    const whole = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff)
    expect(crc32c(whole.subarray(0, 40), whole.subarray(40))).toBe(crc32c(whole))
    expect(crc32c()).toBe(0)
  })
})
