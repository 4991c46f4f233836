/**
 * The network a client address belongs to, for per-network buckets: the address with every
 * bit past the prefix cleared, in CIDR notation. One host, or one office or one cloud
 * egress, holds many addresses of a prefix (an IPv6 site is usually handed a /48 to /56);
 * counting them together keeps a client from escaping its bucket by changing address.
 */
import { isIPv4, isIPv6 } from 'node:net'

/** Prefix lengths, bits. */
export interface NetworkPrefixLengths {
  /** @default 24 */
  ipv4: number
  /** @default 56 */
  ipv6: number
}

export const DEFAULT_NETWORK_PREFIX_LENGTHS: Readonly<NetworkPrefixLengths> = Object.freeze({
  ipv4: 24,
  ipv6: 56,
})

/** Keeps the first `bits` bits of each of `parts` (each `width` bits wide), clears the rest. */
function masked(parts: readonly number[], width: number, bits: number): number[] {
  return parts.map((part, index) => {
    const kept = Math.min(width, Math.max(0, bits - index * width))
    return kept === 0 ? 0 : part & (((1 << width) - 1) ^ ((1 << (width - kept)) - 1))
  })
}

function ipv4Parts(address: string): number[] {
  return address.split('.').map(Number)
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 §2.2, also with a trailing IPv4). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = ipv4Parts(dotted[1]!)
    text = `${text.slice(0, dotted.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail !== undefined) {
    const after = tail === '' ? [] : tail.split(':')
    groups.push(...Array<string>(8 - groups.length - after.length).fill('0'), ...after)
  }
  return groups.map((group) => parseInt(group, 16))
}

/**
 * The client network of an IP address, e.g. `203.0.113.0/24` or `2001:db8:0:ab00::/56`; an
 * IPv4-mapped IPv6 address (`::ffff:203.0.113.7`) counts as its IPv4 address. Undefined for
 * anything that is not an IP address.
 */
export function networkOf(address: string, prefixes: NetworkPrefixLengths): string | undefined {
  const unzoned = address.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(unzoned)?.[1]
  const ipv4 = mapped ?? unzoned
  if (isIPv4(ipv4)) {
    return `${masked(ipv4Parts(ipv4), 8, prefixes.ipv4).join('.')}/${prefixes.ipv4}`
  }
  if (!isIPv6(unzoned)) return undefined
  const groups = masked(ipv6Groups(unzoned), 16, prefixes.ipv6).map((group) => group.toString(16))
  // The cleared groups at the end are written `::`.
  let end = groups.length
  while (end > 0 && groups[end - 1] === '0') end--
  const text = end === groups.length ? groups.join(':') : `${groups.slice(0, end).join(':')}::`
  return `${text}/${prefixes.ipv6}`
}
