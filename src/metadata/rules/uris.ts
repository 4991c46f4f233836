/**
 * Rules for the URIs other than redirect URIs: web pages are http(s), and the URIs OIDC
 * requires to use TLS use https.
 * @see RFC 7591 §2, OIDC DCR §2, OIDC Core §6.2, §8.1
 */
import { DANGEROUS_SCHEMES, uriParts } from '../redirect-uris.js'
import type { Rule } from './rule.js'

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

/** `name uri` for the first refused URI of a member's value (a URI or a list of them). */
function refusedUri(
  name: string,
  value: unknown,
  refused: (uri: string) => boolean,
): string | undefined {
  if (!Array.isArray(value)) {
    return typeof value === 'string' && refused(value) ? `${name} ${value}` : undefined
  }
  for (const candidate of value) {
    if (typeof candidate === 'string' && refused(candidate)) return `${name} ${candidate}`
  }
  return undefined
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
    for (const name of Object.keys(metadata)) {
      if (!WEB_URI_MEMBERS.has(baseName(name))) continue
      const found = refusedUri(name, metadata[name], isNotWebScheme)
      if (found !== undefined) return `${found} must be an http or https URL`
    }
    return undefined
  },
}

const isNotHttps = (uri: string) => schemeOf(uri) !== 'https:'

function httpsOnly(name: string, spec: string): Rule {
  return {
    spec,
    code: 'invalid_client_metadata',
    check: (metadata) => {
      const found = refusedUri(name, metadata[name], isNotHttps)
      return found === undefined ? undefined : `${found} must use the https scheme`
    },
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

/** Post-logout redirects are redirects too: no script, data or local-file schemes. */
export const postLogoutRedirectUriSchemeIsNotDangerous: Rule = {
  spec: 'OIDC RP-Initiated Logout §3.1; RFC 6749 §10.6',
  code: 'invalid_client_metadata',
  check: (metadata) => {
    const found = refusedUri(
      'post_logout_redirect_uris',
      metadata.post_logout_redirect_uris,
      (uri) => DANGEROUS_SCHEMES.includes(schemeOf(uri) ?? ''),
    )
    return found === undefined ? undefined : `${found} must not use a dangerous scheme`
  },
}
