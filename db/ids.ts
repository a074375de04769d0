import { randomFillSync } from 'node:crypto'

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/**
 * A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits.
 * New rows land at the right-hand edge of the primary-key index instead of scattering over it.
 */
export function uuidv7 (now = Date.now()): string {
  const bytes = randomFillSync(new Uint8Array(16))
  bytes[0] = Math.floor(now / 2 ** 40) & 0xff
  bytes[1] = Math.floor(now / 2 ** 32) & 0xff
  bytes[2] = (now >>> 24) & 0xff
  bytes[3] = (now >>> 16) & 0xff
  bytes[4] = (now >>> 8) & 0xff
  bytes[5] = now & 0xff
  bytes[6] = 0x70 | (bytes[6]! & 0x0f)
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  let out = ''
  for (let i = 0; i < 16; i++) {
    out += HEX[bytes[i]!]
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-'
  }
  return out
}
