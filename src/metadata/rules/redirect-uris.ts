/**
 * Redirect URI rules. Each URI is judged on its own kind (corpus rule 4): https, loopback
 * http and private-use schemes are all acceptable to web and native clients alike; only
 * fragments, dangerous schemes and plain http off loopback are refused.
 * @see RFC 6749 §3.1.2, RFC 7591 §2, RFC 8252 §7, OIDC DCR §2
 */
import { isLoopbackHost } from '../private-network.js'
import { redirectKind, uriParts } from '../redirect-uris.js'
import { itemProblems, problemAt, type Rule } from './rule.js'

/** Secret-less methods: such a client cannot be identified by a secret at the token endpoint. */
const isPublic = (method: string | undefined) => method === 'none'

/**
 * Redirect URIs are required of clients using the implicit grant and of public clients of
 * the code flow; a confidential code-flow client may register them later.
 */
export const redirectUrisPresentWhenRequired: Rule = {
  spec: 'RFC 6749 §3.1.2.2; RFC 7591 §2',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [], grant_types = [], token_endpoint_auth_method }) => {
    if (redirect_uris.length > 0) return undefined
    if (grant_types.includes('implicit')) {
      return problemAt('redirect_uris', 'redirect_uris is required for the implicit grant')
    }
    if (grant_types.includes('authorization_code') && isPublic(token_endpoint_auth_method)) {
      return problemAt(
        'redirect_uris',
        'redirect_uris is required for a public client of the authorization_code grant',
      )
    }
    return undefined
  },
}

const fragmentProblem = (uri: string) =>
  uri.includes('#') ? `redirect_uris must not contain a fragment: ${uri}` : undefined

/** A redirection URI must not include a fragment component. */
export const redirectUriHasNoFragment: Rule = {
  spec: 'RFC 6749 §3.1.2; RFC 7591 §2',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }) =>
    itemProblems('redirect_uris', redirect_uris, fragmentProblem, undefined),
}

const dangerousSchemeProblem = (uri: string) =>
  redirectKind(uri) === 'dangerous'
    ? `redirect_uris must not use a dangerous scheme: ${uri}`
    : undefined

/** Schemes that run code or read local data are never a redirect target. */
export const redirectUriSchemeIsNotDangerous: Rule = {
  spec: 'RFC 6749 §10.6; RFC 8252 §8.1',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }) =>
    itemProblems('redirect_uris', redirect_uris, dangerousSchemeProblem, undefined),
}

const plainHttpProblem = (uri: string) =>
  redirectKind(uri) === 'http'
    ? `redirect_uris may use http only on a loopback host (127.0.0.1, [::1], localhost): ${uri}`
    : undefined

/**
 * Plain http is only for loopback redirects: web clients must use https (OIDC DCR §2
 * application_type) and native apps may use http only on the loopback interface (RFC 8252 §7.3,
 * §8.3).
 */
export const httpRedirectIsLoopback: Rule = {
  spec: 'RFC 8252 §7.3; OIDC DCR §2',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }) =>
    itemProblems('redirect_uris', redirect_uris, plainHttpProblem, undefined),
}

function notHttpsOffLoopbackProblem(uri: string): string | undefined {
  const parts = uriParts(uri)
  return parts?.protocol !== 'https:' || isLoopbackHost(parts.hostname)
    ? `redirect_uris of a web client using the implicit grant must be https and not on localhost: ${uri}`
    : undefined
}

/**
 * "Web Clients using the OAuth Implicit Grant Type MUST only register URLs using the https
 * scheme as redirect_uris; they MUST NOT use localhost as the hostname." Loopback IP literals
 * are localhost by another name (RFC 8252 §8.3). The effective application_type is read, so
 * a client stored as native (corpus rule 3) is judged as native.
 */
export const implicitWebClientUsesHttpsRedirects: Rule = {
  spec: 'OIDC DCR §2',
  code: 'invalid_redirect_uri',
  check: ({ application_type, grant_types = [], redirect_uris = [] }) => {
    if (application_type === 'native' || !grant_types.includes('implicit')) return undefined
    return itemProblems('redirect_uris', redirect_uris, notHttpsOffLoopbackProblem, undefined)
  },
}
