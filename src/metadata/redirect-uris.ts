/**
 * What kind of redirect URI a string is. Registrar validates each redirect URI on its own
 * kind (corpus rule 4): an https web URI, a loopback http URI, or a private-use scheme.
 * @see RFC 8252 §7.1 - §7.3, RFC 6749 §3.1.2
 */

/** Schemes never acceptable as a redirect target, as node-oidc-provider refuses them. */
export const DANGEROUS_SCHEMES: readonly string[] = [
  'javascript:',
  'data:',
  'vbscript:',
  'file:',
  'blob:',
  'about:',
]

/** Host names that are loopback (RFC 8252 §7.3, §8.3). */
const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '[::1]', 'localhost']

export type RedirectKind = 'https' | 'loopback' | 'http' | 'private-use' | 'dangerous' | 'invalid'

/** Parses an absolute URI; undefined when it is relative, unparseable or holds spaces. */
export function parseAbsoluteUri(value: string): URL | undefined {
  // RFC 3986 §2 has no whitespace or control characters; WHATWG URL would percent-encode them.
  if ([...value].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f)) {
    return undefined
  }
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** http on 127.0.0.1, [::1] or localhost, with any port or none. @see RFC 8252 §7.3 */
export function isLoopbackRedirect(value: string): boolean {
  const url = parseAbsoluteUri(value)
  return url?.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname)
}

/**
 * The kind of a redirect URI. Private-use covers the reverse-DNS form
 * (`net.openid.appauthdemo:/cb`, RFC 8252 §7.1) and host-bearing forms (`cursor://host/cb`).
 */
export function redirectKind(value: string): RedirectKind {
  const url = parseAbsoluteUri(value)
  if (url === undefined) return 'invalid'
  if (DANGEROUS_SCHEMES.includes(url.protocol)) return 'dangerous'
  if (url.protocol === 'https:') return 'https'
  if (url.protocol === 'http:') return isLoopbackRedirect(value) ? 'loopback' : 'http'
  return 'private-use'
}

/**
 * Whether every redirect URI is one only a native app can receive: loopback or private-use.
 * False for an empty list.
 * @see RFC 8252 §7, corpus rule 3
 */
export function hasOnlyNativeRedirects(redirectUris: readonly string[] | undefined): boolean {
  if (redirectUris === undefined || redirectUris.length === 0) return false
  return redirectUris.every((uri) => ['loopback', 'private-use'].includes(redirectKind(uri)))
}
