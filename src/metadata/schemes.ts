/**
 * URI schemes that are never a redirect target. A redirect hands the authorization code (or
 * tokens) to whatever the scheme opens; a scheme registered for something other than an app's
 * own redirect opens a script, a local resource, another program or a message to a third
 * party. Private-use schemes of apps (RFC 8252 §7.1) are not listed and stay acceptable.
 * @see RFC 6749 §10.6, §10.15, RFC 8252 §8.1, RFC 9700 §4.1
 */

/** Refused schemes, lower case without the colon, each with why. */
export const REFUSED_SCHEMES: ReadonlyMap<string, string> = new Map([
  // Run code in the origin of the page that redirects (XSS).
  ['javascript', 'runs script'],
  ['vbscript', 'runs script'],
  // An inline document: script, HTML or a phishing page with no origin of its own.
  ['data', 'is an inline document'],
  // Local or in-memory resources of the user's machine or browser.
  ['file', 'opens local files'],
  ['blob', "opens an object of the browser's memory"],
  ['filesystem', "opens the browser's sandboxed file system"],
  // Browser-internal pages; about:blank inherits the opener's origin.
  ['about', 'opens a browser-internal page'],
  ['chrome', 'opens a browser-internal page'],
  ['edge', 'opens a browser-internal page'],
  ['opera', 'opens a browser-internal page'],
  ['brave', 'opens a browser-internal page'],
  ['vivaldi', 'opens a browser-internal page'],
  ['resource', 'opens a browser-internal resource'],
  ['devtools', 'opens the browser developer tools'],
  ['chrome-devtools', 'opens the browser developer tools'],
  // Wrap another URL: the code ends up in view-source or an archive's content as same-origin.
  ['view-source', 'shows another URL as source'],
  ['jar', 'opens an archive entry as same-origin content'],
  ['mhtml', 'opens an archived page'],
  // Not navigable by a user agent: a redirect there is never an app receiving a code.
  ['ws', 'is a WebSocket endpoint, not a redirect target'],
  ['wss', 'is a WebSocket endpoint, not a redirect target'],
  // File transfer without TLS, and network shares that leak the user's Windows credentials.
  ['ftp', 'is file transfer'],
  ['sftp', 'is file transfer'],
  ['smb', 'opens a network share'],
  ['nfs', 'opens a network share'],
  // Hand the URI, code included, to a mail, phone or messaging app that sends it on.
  ['mailto', 'sends a message'],
  ['tel', 'places a call'],
  ['sms', 'sends a message'],
  ['mms', 'sends a message'],
  ['callto', 'places a call'],
  ['facetime', 'places a call'],
  ['facetime-audio', 'places a call'],
  ['skype', 'places a call'],
  ['im', 'sends a message'],
  ['xmpp', 'sends a message'],
  ['irc', 'joins a chat'],
  ['news', 'posts to a newsgroup'],
  ['nntp', 'posts to a newsgroup'],
  // Operating system handlers: settings, shells, search, installers, app launchers.
  ['shell', 'opens a Windows shell folder'],
  ['search', 'runs a Windows search'],
  ['search-ms', 'runs a Windows search'],
  ['x-apple.systempreferences', 'opens macOS settings'],
  ['itms-services', 'installs an iOS app'],
  ['intent', 'starts an arbitrary Android component'],
  ['android-app', 'starts an arbitrary Android component'],
  ['x-exec', 'runs a program'],
])

/**
 * Prefixes of families of operating system handlers, each with why: `ms-settings`,
 * `ms-msdt` (CVE-2022-30190), `ms-officecmd`, `ms-word` and dozens more run Windows
 * components with arguments taken from the URI.
 */
const REFUSED_PREFIXES: ReadonlyMap<string, string> = new Map([
  ['ms-', 'opens a Windows component'],
])

/**
 * Why a scheme is never acceptable as a redirect target, or undefined. `scheme` is
 * case-insensitive (RFC 3986 §3.1) and may end with a colon (`new URL().protocol`).
 */
export function refusedSchemeReason(scheme: string): string | undefined {
  const name = (scheme.endsWith(':') ? scheme.slice(0, -1) : scheme).toLowerCase()
  const reason = REFUSED_SCHEMES.get(name)
  if (reason !== undefined) return reason
  for (const [prefix, why] of REFUSED_PREFIXES) if (name.startsWith(prefix)) return why
  return undefined
}
