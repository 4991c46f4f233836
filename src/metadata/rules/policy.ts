/**
 * The rules of a service's policy document (wire/policy.ts): what the operator allows beyond
 * what the specs do. Each names its field as `policy.<field>`, so a refusal says which
 * setting to change. Lists the document shares with the settings (grant types, response
 * types, auth methods, scopes) are enforced by the rules of those members.
 */
import { redirectKind, uriParts } from '../redirect-uris.js'
import { SIGNING_MEMBERS } from './algorithms.js'
import type { Rule } from './rule.js'

/** Whether a host is on a list; `*.example.com` names every subdomain, not the domain itself. */
function hostIsListed(host: string, hosts: readonly string[]): boolean {
  return hosts.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
  )
}

/** With the switch off, no RFC 8252 §7.3 loopback redirect. */
export const loopbackRedirectIsAllowed: Rule = {
  spec: 'policy.redirectUris.loopback',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }, policy) => {
    if (policy.loopbackRedirects) return undefined
    const uri = redirect_uris.find((candidate) => redirectKind(candidate) === 'loopback')
    return uri === undefined ? undefined : `loopback redirect URIs are not allowed: ${uri}`
  },
}

/** Every redirect URI uses a scheme the policy lists. */
export const redirectUriSchemeIsAllowed: Rule = {
  spec: 'policy.redirectUris.schemes',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }, { redirectSchemes: schemes }) => {
    if (schemes === undefined) return undefined
    const uri = redirect_uris.find((candidate) => {
      const scheme = uriParts(candidate)?.protocol.slice(0, -1).toLowerCase()
      return scheme === undefined || !schemes.includes(scheme)
    })
    return uri === undefined
      ? undefined
      : `redirect URI scheme not allowed (allowed: ${schemes.join(', ')}): ${uri}`
  },
}

/** Every https (or plain http) redirect URI off loopback names a host the policy lists. */
export const redirectUriHostIsAllowed: Rule = {
  spec: 'policy.redirectUris.hosts',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }, { redirectHosts: hosts }) => {
    if (hosts === undefined) return undefined
    const uri = redirect_uris.find((candidate) => {
      const parts = uriParts(candidate)
      const web = parts?.kind === 'https' || parts?.kind === 'http'
      return web && !hostIsListed(parts.hostname, hosts)
    })
    return uri === undefined ? undefined : `redirect URI host not allowed: ${uri}`
  },
}

/** Every signing member names an algorithm the policy lists. */
export const signingAlgorithmIsAllowed: Rule = {
  spec: 'policy.signingAlgorithms',
  code: 'invalid_client_metadata',
  check: (metadata, { signingAlgorithms: allowed }) => {
    if (allowed === undefined) return undefined
    for (const member of SIGNING_MEMBERS) {
      const value = metadata[member]
      if (typeof value === 'string' && !allowed.includes(value)) {
        return `${member} ${value} is not allowed (allowed: ${allowed.join(', ')})`
      }
    }
    return undefined
  },
}

/**
 * With the policy's senderConstrainedTokens, a client asks for DPoP-bound (RFC 9449 §5.2) or
 * certificate-bound (RFC 8705 §3.4) access tokens, as the FAPI 2.0 Security Profile requires of its authorization servers.
 */
export const accessTokensAreSenderConstrained: Rule = {
  spec: 'policy.senderConstrainedTokens',
  code: 'invalid_client_metadata',
  check: (metadata, { senderConstrainedTokens }) =>
    !senderConstrainedTokens ||
    metadata.dpop_bound_access_tokens === true ||
    metadata.tls_client_certificate_bound_access_tokens === true
      ? undefined
      : 'dpop_bound_access_tokens or tls_client_certificate_bound_access_tokens must be true',
}

/** An empty string or list registers nothing. */
const isEmpty = (value: unknown) =>
  value === undefined || value === '' || (Array.isArray(value) && value.length === 0)

/** Every member the policy requires is registered. */
export const requiredMembersArePresent: Rule = {
  spec: 'policy.requiredMembers',
  code: 'invalid_client_metadata',
  check: (metadata, { requiredMembers }) => {
    const missing = requiredMembers.find((member) => isEmpty(metadata[member]))
    return missing === undefined ? undefined : `${missing} is required by this service`
  },
}
