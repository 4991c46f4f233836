/**
 * URIs as RFC 3986 defines them. The WHATWG URL parser (what `new URL` implements) repairs
 * what it reads: it turns `\` into `/`, percent-encodes spaces, quotes and braces, and reads
 * `0x7f.1` or `2130706433` as 127.0.0.1. Servers, browsers and apps that parse the same string
 * another way then disagree on where it points, so a URI we store must match the RFC 3986
 * grammar exactly, and both parsers must read the same host.
 * @see RFC 3986 §3, Appendix A
 */

// RFC 3986 Appendix A, as regular expression sources.
const UNRESERVED = 'A-Za-z0-9\\-._~'
const SUB_DELIMS = "!$&'()*+,;="
const PCT_ENCODED = '%[0-9A-Fa-f]{2}'
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT_ENCODED})`
const SCHEME = '[A-Za-z][A-Za-z0-9+\\-.]*'
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT_ENCODED})*`
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])'
const IPV4 = `${DEC_OCTET}(?:\\.${DEC_OCTET}){3}`
const H16 = '[0-9A-Fa-f]{1,4}'
const LS32 = `(?:${H16}:${H16}|${IPV4})`
const IPV6 = `(?:${[
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|')})`
const IPV_FUTURE = `v[0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+`
const IP_LITERAL = `\\[(?:${IPV6}|${IPV_FUTURE})\\]`
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT_ENCODED})*`
const HOST = `(?:${IP_LITERAL}|${REG_NAME})` // IPv4address is a reg-name too
const SEGMENT = `${PCHAR}*`
const SEGMENT_NZ = `${PCHAR}+`
const PATH_ABEMPTY = `(?:/${SEGMENT})*`
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:/${SEGMENT})*`
const QUERY = `(?:${PCHAR}|[/?])*`

/** URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ] (RFC 3986 §3). */
const URI = new RegExp(
  `^(?<scheme>${SCHEME}):` +
    `(?:(?://(?:(?<userinfo>${USERINFO})@)?(?<host>${HOST})(?::(?<port>[0-9]*))?${PATH_ABEMPTY})` +
    `|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)` +
    `(?:\\?${QUERY})?(?:#${QUERY})?$`,
)

/** The components of an RFC 3986 URI that the rules read. */
export interface Rfc3986Uri {
  /** Lower case: schemes are case-insensitive (RFC 3986 §3.1). */
  readonly scheme: string
  /** Undefined when the URI has no authority. */
  readonly userinfo: string | undefined
  /** As written; undefined when the URI has no authority, `''` when the authority is empty. */
  readonly host: string | undefined
}

/**
 * The components of a URI that matches the RFC 3986 grammar (Appendix A), or undefined for
 * anything else: a relative reference, a backslash, a space, `"`, `{`, `}`, `|`, `<`, `>`, `^`,
 * a backquote, a bad percent-encoding, a non-ASCII character.
 * @see RFC 3986 §3, §2.1, Appendix A
 */
export function parseRfc3986(value: string): Rfc3986Uri | undefined {
  const groups = URI.exec(value)?.groups
  if (groups === undefined) return undefined
  return {
    scheme: (groups.scheme as string).toLowerCase(),
    userinfo: groups.userinfo,
    host: groups.host,
  }
}

/** A DNS name: letters, digits, `-`, `.`, `_`, `~`; no sub-delims (`*`), no percent-encoding. */
const NAME = /^[A-Za-z0-9\-._~]+$/

/** Schemes whose URLs always name a host (RFC 9110 §4.2.1, §4.2.2). */
const HOST_REQUIRED: readonly string[] = ['http', 'https']

/**
 * Why the host of a URI is not a plain host name or IP literal that the WHATWG URL parser reads
 * the same way, or undefined. `hostname` is what `new URL(value).hostname` gives.
 * Wildcards, sub-delims and percent-encoded hosts are legal RFC 3986 reg-names, but no DNS name
 * has them, and redirect URIs are compared as exact strings, never as patterns (RFC 9700
 * §4.1.3); numeric shorthands (`127.1`, `0x7f.0.0.1`) are read as addresses by some parsers only.
 * @see RFC 3986 §3.2.2, RFC 9110 §4.2.1
 */
export function hostProblem(uri: Rfc3986Uri, hostname: string): string | undefined {
  const { host, scheme } = uri
  // `https:evil.example/cb` has no authority in RFC 3986, but WHATWG URL reads a host in it.
  if (host === undefined || host === '') {
    if (HOST_REQUIRED.includes(scheme)) return 'must name a host after "//"'
    return hostname === ''
      ? undefined
      : `has a host that URL parsers read differently (${hostname})`
  }
  if (host.startsWith('[')) return undefined // an IP literal, which the grammar checked
  if (!NAME.test(host)) {
    return 'must have a host name of letters, digits, "-" and "." (no wildcard, sub-delims or percent-encoding)'
  }
  if (host.toLowerCase() !== hostname.toLowerCase()) {
    return `has a host that URL parsers read differently (${host} is read as ${hostname})`
  }
  return undefined
}
