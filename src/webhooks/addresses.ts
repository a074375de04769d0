import { isIP } from 'node:net'

/**
 * Which IP addresses a webhook may not reach unless an operator allows private networks: every
 * range that is not the public internet. An IPv6 address that carries an IPv4 one (mapped,
 * compatible, NAT64, 6to4) is judged by the IPv4 address it leads to.
 */
type Range = [prefix: number[], bits: number, name: string]

const IPV4_RANGES: Range[] = [
  [[0], 8, 'unspecified'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'shared (CGNAT)'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link-local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'reserved'],
  [[192, 0, 2], 24, 'documentation'],
  [[192, 88, 99], 24, 'reserved'],
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'benchmarking'],
  [[198, 51, 100], 24, 'documentation'],
  [[203, 0, 113], 24, 'documentation'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved']
]

const IPV6_RANGES: Range[] = [
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'discard'],
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'NAT64 (local use)'],
  [[0x20, 0x01, 0x00, 0x00], 32, 'Teredo'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'],
  [[0xfc], 7, 'unique-local'],
  [[0xfe, 0x80], 10, 'link-local'],
  [[0xfe, 0xc0], 10, 'site-local'],
  [[0xff], 8, 'multicast']
]

function inRange (bytes: number[], [prefix, bits]: Range): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const mask = 0x80 >> (bit % 8)
    if (((bytes[bit >> 3] ?? 0) & mask) !== ((prefix[bit >> 3] ?? 0) & mask)) return false
  }
  return true
}

function ipv4Bytes (text: string): number[] {
  return text.split('.').map(Number)
}

/** The 16 bytes of an IPv6 address that `isIP` accepted (`::`, embedded dotted quads, zone ids). */
export function ipv6Bytes (text: string): number[] {
  const address = text.replace(/%.*$/, '')
  const [head = '', tail] = address.split('::')
  const groups = (part: string): number[] => {
    if (part === '') return []
    const words: number[] = []
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(piece)
        words.push((a << 8) | b, (c << 8) | d)
      } else {
        words.push(parseInt(piece, 16))
      }
    }
    return words
  }
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  return words.flatMap((word) => [word >> 8, word & 0xff])
}

function classifyIpv4 (bytes: number[]): string | null {
  return IPV4_RANGES.find((range) => inRange(bytes, range))?.[2] ?? null
}

function classifyIpv6 (bytes: number[]): string | null {
  const zeroUpTo = (n: number): boolean => bytes.slice(0, n).every((byte) => byte === 0)
  if (zeroUpTo(15) && bytes[15] === 0) return 'unspecified'
  if (zeroUpTo(15) && bytes[15] === 1) return 'loopback'
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible) and 64:ff9b::a.b.c.d (NAT64) lead to a.b.c.d.
  const mapped = zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff
  const nat64 = inRange(bytes, [[0x00, 0x64, 0xff, 0x9b], 96, ''])
  if (mapped || zeroUpTo(12) || nat64) return classifyIpv4(bytes.slice(12))
  // 6to4: 2002:a.b.c.d::/48.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return classifyIpv4(bytes.slice(2, 6))
  return IPV6_RANGES.find((range) => inRange(bytes, range))?.[2] ?? null
}

/**
 * The kind of non-public range an address is in (`loopback`, `private`, `link-local`...), or
 * null for a public address. Anything that is not an IP address counts as not public.
 */
export function nonPublicRange (address: string): string | null {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  switch (isIP(text.replace(/%.*$/, ''))) {
    case 4: return classifyIpv4(ipv4Bytes(text))
    case 6: return classifyIpv6(ipv6Bytes(text))
    default: return 'not an IP address'
  }
}
