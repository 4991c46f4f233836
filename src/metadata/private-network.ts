/**
 * Hosts on private, loopback and link-local networks, told from the URI alone: IP literals in
 * the special-purpose ranges and the names that always mean this machine. Names are never
 * resolved here (a name can resolve differently at fetch time anyway); the authorization
 * server still has to fetch through a client that checks the address it connects to.
 * @see RFC 6890, RFC 6761 §6.3, RFC 9101 §10.4 (fetching request_uri)
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'

/** IPv4 ranges, each with why it is not a public host. @see RFC 6890 §2.2.2 */
const IPV4_RANGES: readonly (readonly [network: string, prefix: number])[] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on most systems
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT, shared address space (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, where cloud metadata services answer
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking networks (RFC 2544)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
]

/** IPv6 ranges, each with why it is not a public host. @see RFC 6890 §2.2.3 */
const IPV6_RANGES: readonly (readonly [network: string, prefix: number])[] = [
  ['::', 128], // unspecified, reaches the local host
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated): embeds an IPv4 address
  ['::ffff:0:0', 96], // IPv4-mapped: embeds an IPv4 address
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address (RFC 6052)
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['2002::', 16], // 6to4: embeds an IPv4 address (RFC 3056)
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, RFC 3879)
  ['ff00::', 8], // multicast
]

/**
 * One list per family: a BlockList matches an IPv4 address against IPv6 rules through its
 * IPv4-mapped form, so ::ffff:0:0/96 in a shared list would block every IPv4 address.
 */
function blockList(ranges: typeof IPV4_RANGES, family: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList()
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family)
  return list
}

const BLOCKED = { ipv4: blockList(IPV4_RANGES, 'ipv4'), ipv6: blockList(IPV6_RANGES, 'ipv6') }

/** 127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6. */
const LOOPBACK = {
  ipv4: blockList([['127.0.0.0', 8]], 'ipv4'),
  ipv6: blockList(
    [
      ['::1', 128],
      ['::ffff:127.0.0.0', 104],
    ],
    'ipv6',
  ),
}

/** The host without brackets, a trailing dot or upper case. */
function bare(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** `localhost` and names under `.localhost` always mean this machine (RFC 6761 §6.3). */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost')

/** Whether an address is in the list of its family. */
function listed(lists: { ipv4: BlockList; ipv6: BlockList }, host: string): boolean {
  if (isIPv4(host)) return lists.ipv4.check(host, 'ipv4')
  return isIPv6(host) && lists.ipv6.check(host, 'ipv6')
}

/**
 * Whether a host, as `new URL().hostname` gives it, is this machine: a localhost name or a
 * loopback address.
 * @see RFC 6761 §6.3, RFC 8252 §8.3
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname)
  return isLocalhostName(host) || listed(LOOPBACK, host)
}

/**
 * Whether a host, as `new URL().hostname` gives it (IPv6 in brackets, IPv4 shorthands already
 * read as dotted decimal), is loopback, private, link-local or otherwise not a public host.
 * Localhost names count too.
 */
export function isPrivateNetworkHost(hostname: string): boolean {
  const host = bare(hostname)
  return isLocalhostName(host) || listed(BLOCKED, host)
}
