/**
 * What kind of redirect URI a string is. Registrar validates each redirect URI on its own
 * kind (corpus rule 4): an https web URI, a loopback http URI, or a private-use scheme.
 * @see RFC 8252 §7.1 - §7.3, RFC 6749 §3.1.2
 */
import { refusedSchemeReason } from './schemes.js'
import { hostProblem, parseRfc3986, type Rfc3986Uri } from './uri-syntax.js'

/** Host names that are loopback (RFC 8252 §7.3, §8.3). */
const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '[::1]', 'localhost']

export type RedirectKind = 'https' | 'loopback' | 'http' | 'private-use' | 'dangerous' | 'invalid'

/** Whether a string holds whitespace or a control character (RFC 3986 §2 has none). */
function hasSpaceOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code <= 0x20 || code === 0x7f) return true
  }
  return false
}

/** Parses an absolute URI; undefined when it is relative, unparseable or holds spaces. */
function parseAbsoluteUri(value: string): URL | undefined {
  // RFC 3986 §2 has no whitespace or control characters; WHATWG URL would percent-encode them.
  if (hasSpaceOrControl(value)) return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** What the rules read of a parsed URI; immutable, so one parse can be shared. */
interface UriParts {
  readonly protocol: string
  readonly hostname: string
  readonly host: string
  readonly kind: RedirectKind
  /** The RFC 3986 reading, undefined when the string is not an RFC 3986 URI (uri-syntax.ts). */
  readonly rfc3986: Rfc3986Uri | undefined
  /**
   * hostProblem of the RFC 3986 reading, undefined when there is none or no such reading.
   * Judged once with the parse, not by each host rule on each request: the register
   * benchmark's five URIs spent about 0.8 µs a registration in the two host rules.
   */
  readonly hostProblem: string | undefined
}

/** The kind of a parsed redirect URI (see redirectKind). */
function kindOf(url: URL | undefined): RedirectKind {
  if (url === undefined) return 'invalid'
  if (refusedSchemeReason(url.protocol) !== undefined) return 'dangerous'
  if (url.protocol === 'https:') return 'https'
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.includes(url.hostname) ? 'loopback' : 'http'
  return 'private-use'
}

/**
 * Recent parses, so a URI judged by shapes, defaults and several rules is parsed once. The
 * parts are a pure function of the string; the table is bounded and simply cleared when full.
 * Anyone may send URIs, so a long one is not kept: the table holds at most 256 URIs of at
 * most 2,048 characters, whatever the requests.
 */
const PARTS = new Map<string, UriParts | undefined>()
const PARTS_LIMIT = 256
const PARTS_LONGEST_URI = 2048

/** The parts of an absolute URI (see parseAbsoluteUri), parsed once and shared. */
export function uriParts(value: string): UriParts | undefined {
  let parts = PARTS.get(value)
  if (parts !== undefined || PARTS.has(value)) return parts
  const url = parseAbsoluteUri(value)
  const rfc3986 = url === undefined ? undefined : parseRfc3986(value)
  parts =
    url === undefined
      ? undefined
      : Object.freeze({
          protocol: url.protocol,
          hostname: url.hostname,
          host: url.host,
          kind: kindOf(url),
          rfc3986,
          hostProblem: rfc3986 === undefined ? undefined : hostProblem(rfc3986, url.hostname),
        })
  if (value.length > PARTS_LONGEST_URI) return parts
  if (PARTS.size >= PARTS_LIMIT) PARTS.clear()
  PARTS.set(value, parts)
  return parts
}

/** http on 127.0.0.1, [::1] or localhost, with any port or none. @see RFC 8252 §7.3 */
export function isLoopbackRedirect(value: string): boolean {
  return uriParts(value)?.kind === 'loopback'
}

/**
 * The kind of a redirect URI. Private-use covers the reverse-DNS form
 * (`net.openid.appauthdemo:/cb`, RFC 8252 §7.1) and host-bearing forms (`cursor://host/cb`).
 */
export function redirectKind(value: string): RedirectKind {
  return uriParts(value)?.kind ?? 'invalid'
}

/**
 * Whether every redirect URI is one only a native app can receive: loopback or private-use.
 * False for an empty list.
 * @see RFC 8252 §7, corpus rule 3
 */
export function hasOnlyNativeRedirects(redirectUris: readonly string[] | undefined): boolean {
  if (redirectUris === undefined || redirectUris.length === 0) return false
  for (const uri of redirectUris) {
    const kind = redirectKind(uri)
    if (kind !== 'loopback' && kind !== 'private-use') return false
  }
  return true
}
