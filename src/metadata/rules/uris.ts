/**
 * Rules for the URIs other than redirect URIs: web pages are http(s), and the URIs OIDC
 * requires to use TLS use https.
 * @see RFC 7591 §2, OIDC DCR §2, OIDC Core §6.2, §8.1
 */
import type { ClientMetadata } from '../../wire/index.js'
import { splitLanguageTag } from '../fields.js'
import { DANGEROUS_SCHEMES, uriParts } from '../redirect-uris.js'
import type { Rule } from './rule.js'

/** Members (and their language-tagged variants) whose value is a web page or document. */
const WEB_URI_MEMBERS = [
  'client_uri',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'jwks_uri',
  'frontchannel_logout_uri',
  'backchannel_logout_uri',
]

const schemeOf = (uri: string) => uriParts(uri)?.protocol

function firstMember(
  metadata: ClientMetadata,
  names: (name: string) => boolean,
  refused: (uri: string) => boolean,
): string | undefined {
  for (const [name, value] of Object.entries(metadata)) {
    if (!names(name)) continue
    const uris = Array.isArray(value) ? value : [value]
    const uri = uris.find((candidate) => typeof candidate === 'string' && refused(candidate))
    if (uri !== undefined) return `${name} ${uri}`
  }
  return undefined
}

/** Display and document URIs are URLs of web resources (RFC 7591 §2: "URL of a web page"). */
export const webUrisUseHttp: Rule = {
  spec: 'RFC 7591 §2; OIDC Front-Channel Logout §2; OIDC Back-Channel Logout §2.2',
  code: 'invalid_client_metadata',
  check: (metadata) => {
    const found = firstMember(
      metadata,
      (name) => WEB_URI_MEMBERS.includes(splitLanguageTag(name).base),
      (uri) => !['http:', 'https:'].includes(schemeOf(uri) ?? ''),
    )
    return found === undefined ? undefined : `${found} must be an http or https URL`
  },
}

function httpsOnly(name: string, spec: string): Rule {
  return {
    spec,
    code: 'invalid_client_metadata',
    check: (metadata) => {
      const found = firstMember(
        metadata,
        (member) => member === name,
        (uri) => schemeOf(uri) !== 'https:',
      )
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
    const found = firstMember(
      metadata,
      (name) => name === 'post_logout_redirect_uris',
      (uri) => DANGEROUS_SCHEMES.includes(schemeOf(uri) ?? ''),
    )
    return found === undefined ? undefined : `${found} must not use a dangerous scheme`
  },
}
