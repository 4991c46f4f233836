/**
 * Rules for the URIs other than redirect URIs: web pages are http(s), and the URIs OIDC
 * requires to use TLS use https.
 * @see RFC 7591 §2, OIDC DCR §2, OIDC Core §6.2, §8.1
 */
import { isPrivateNetworkHost } from '../private-network.js'
import { uriParts } from '../redirect-uris.js'
import { refusedSchemeReason } from '../schemes.js'
import { withProblem, type Problem, type Rule } from './rule.js'

/** Members (and their language-tagged variants) whose value is a web page or document. */
const WEB_URI_MEMBERS: ReadonlySet<string> = new Set([
  'client_uri',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'jwks_uri',
  'frontchannel_logout_uri',
  'backchannel_logout_uri',
])

const schemeOf = (uri: string) => uriParts(uri)?.protocol

/**
 * Adds a problem `name uri <why>` for each refused URI of a member's value (a URI or a list of
 * them).
 */
function addRefusedUris(
  problems: Problem[] | undefined,
  name: string,
  value: unknown,
  refused: (uri: string) => boolean,
  why: string,
): Problem[] | undefined {
  if (typeof value === 'string') {
    return refused(value)
      ? withProblem(problems, { member: name, description: `${name} ${value} ${why}` })
      : problems
  }
  if (!Array.isArray(value)) return problems
  for (let index = 0; index < value.length; index++) {
    const candidate: unknown = value[index]
    if (typeof candidate === 'string' && refused(candidate)) {
      const description = `${name} ${candidate} ${why}`
      problems = withProblem(problems, { member: name, index, description })
    }
  }
  return problems
}

/** The member name without its language tag (`logo_uri#ja` is `logo_uri`). */
function baseName(name: string): string {
  const hash = name.indexOf('#')
  return hash < 0 ? name : name.slice(0, hash)
}

const isNotWebScheme = (uri: string) => {
  const scheme = schemeOf(uri)
  return scheme !== 'http:' && scheme !== 'https:'
}

/** Display and document URIs are URLs of web resources (RFC 7591 §2: "URL of a web page"). */
export const webUrisUseHttp: Rule = {
  spec: 'RFC 7591 §2; OIDC Front-Channel Logout §2; OIDC Back-Channel Logout §2.2',
  code: 'invalid_client_metadata',
  check: (metadata) => {
    // Language-tagged variants have names of their own, so every member is looked at once.
    let problems: Problem[] | undefined
    for (const name of Object.keys(metadata)) {
      if (!WEB_URI_MEMBERS.has(baseName(name))) continue
      const why = 'must be an http or https URL'
      problems = addRefusedUris(problems, name, metadata[name], isNotWebScheme, why)
    }
    return problems
  },
}

const isNotHttps = (uri: string) => schemeOf(uri) !== 'https:'

function httpsOnly(name: string, spec: string): Rule {
  return {
    spec,
    code: 'invalid_client_metadata',
    check: (metadata) =>
      addRefusedUris(undefined, name, metadata[name], isNotHttps, 'must use the https scheme'),
  }
}

/** sector_identifier_uri is an https URL of a JSON array of redirect URIs. */
export const sectorIdentifierUriIsHttps = httpsOnly(
  'sector_identifier_uri',
  'OIDC Core §8.1; OIDC DCR §2',
)

/** initiate_login_uri must use the https scheme. */
export const initiateLoginUriIsHttps = httpsOnly('initiate_login_uri', 'OIDC DCR §2; OIDC Core §4')

/** request_uris are fetched by the server, over https. */
export const requestUrisAreHttps = httpsOnly('request_uris', 'OIDC DCR §2; OIDC Core §6.2')

/**
 * The server fetches the client's keys from jwks_uri; trust in the keys is no better than
 * the channel they came over, so the channel is TLS, as RFC 8414 §2 requires of the server's
 * own jwks_uri.
 */
export const jwksUriIsHttps = httpsOnly('jwks_uri', 'RFC 7517 §9.1; RFC 8414 §2')

/**
 * Members whose URI the authorization server itself requests: jwks_uri (RFC 7591 §2),
 * sector_identifier_uri (OIDC Core §8.1: the OP retrieves it), request_uris (OIDC Core §6.2),
 * backchannel_logout_uri (OIDC Back-Channel Logout §2.5: the OP POSTs to it),
 * backchannel_client_notification_endpoint (OIDC CIBA §10.2: the OP POSTs to it) and
 * logo_uri (OIDC DCR §2: the server displays it, and consent pages often proxy or cache it).
 * client_uri, policy_uri, tos_uri, initiate_login_uri, front-channel logout and redirect URIs
 * are opened by the user's browser, not by the server.
 */
const FETCHED_MEMBERS: ReadonlySet<string> = new Set([
  'jwks_uri',
  'sector_identifier_uri',
  'request_uris',
  'backchannel_logout_uri',
  'backchannel_client_notification_endpoint',
  'logo_uri',
])

const isOnPrivateNetwork = (uri: string) => {
  const hostname = uriParts(uri)?.hostname
  return hostname !== undefined && isPrivateNetworkHost(hostname)
}

/**
 * A URI the server fetches does not point into its own network (SSRF): loopback, private,
 * link-local and other special-purpose IP literals and localhost names are refused, unless
 * the service allows them (allowPrivateNetworkUris). Names are not resolved here.
 */
export const fetchedUrisArePublic: Rule = {
  spec: 'RFC 6890; RFC 9101 §10.4',
  code: 'invalid_client_metadata',
  check: (metadata, policy) => {
    if (policy.allowPrivateNetworkUris) return undefined
    let problems: Problem[] | undefined
    for (const name of Object.keys(metadata)) {
      if (!FETCHED_MEMBERS.has(baseName(name))) continue
      const why =
        'points into a private, loopback or link-local network, which this service does not allow'
      problems = addRefusedUris(problems, name, metadata[name], isOnPrivateNetwork, why)
    }
    return problems
  },
}

const hasDangerousScheme = (uri: string) => refusedSchemeReason(schemeOf(uri) ?? '') !== undefined

/** Post-logout redirects are redirects too: no script, data or local-file schemes. */
export const postLogoutRedirectUriSchemeIsNotDangerous: Rule = {
  spec: 'OIDC RP-Initiated Logout §3.1; RFC 6749 §10.6',
  code: 'invalid_client_metadata',
  check: (metadata) =>
    addRefusedUris(
      undefined,
      'post_logout_redirect_uris',
      metadata.post_logout_redirect_uris,
      hasDangerousScheme,
      'must not use a dangerous scheme',
    ),
}
