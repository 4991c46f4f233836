/**
 * The rules of a service's policy document (wire/policy.ts): what the operator allows beyond
 * what the specs do. Each names its field as `policy.<field>`, so a refusal says which
 * setting to change. Lists the document shares with the settings (grant types, response
 * types, auth methods, scopes) are enforced by the rules of those members.
 */
import { redirectKind, uriParts } from '../redirect-uris.js'
import { SIGNING_MEMBERS } from './algorithms.js'
import { itemProblems, problemAt, withProblem, type Problem, type Rule } from './rule.js'

/** Whether a host is on a list; `*.example.com` names every subdomain, not the domain itself. */
function hostIsListed(host: string, hosts: readonly string[]): boolean {
  return hosts.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
  )
}

const loopbackProblem = (uri: string) =>
  redirectKind(uri) === 'loopback' ? `loopback redirect URIs are not allowed: ${uri}` : undefined

/** With the switch off, no RFC 8252 §7.3 loopback redirect. */
export const loopbackRedirectIsAllowed: Rule = {
  spec: 'policy.redirectUris.loopback',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }, policy) => {
    if (policy.loopbackRedirects) return undefined
    return itemProblems('redirect_uris', redirect_uris, loopbackProblem, undefined)
  },
}

function schemeProblem(uri: string, schemes: readonly string[]): string | undefined {
  const scheme = uriParts(uri)?.protocol.slice(0, -1).toLowerCase()
  return scheme === undefined || !schemes.includes(scheme)
    ? `redirect URI scheme not allowed (allowed: ${schemes.join(', ')}): ${uri}`
    : undefined
}

/** Every redirect URI uses a scheme the policy lists. */
export const redirectUriSchemeIsAllowed: Rule = {
  spec: 'policy.redirectUris.schemes',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }, { redirectSchemes: schemes }) => {
    if (schemes === undefined) return undefined
    return itemProblems('redirect_uris', redirect_uris, schemeProblem, schemes)
  },
}

function hostProblem(uri: string, hosts: readonly string[]): string | undefined {
  const parts = uriParts(uri)
  const web = parts?.kind === 'https' || parts?.kind === 'http'
  return web && !hostIsListed(parts.hostname, hosts)
    ? `redirect URI host not allowed: ${uri}`
    : undefined
}

/** Every https (or plain http) redirect URI off loopback names a host the policy lists. */
export const redirectUriHostIsAllowed: Rule = {
  spec: 'policy.redirectUris.hosts',
  code: 'invalid_redirect_uri',
  check: ({ redirect_uris = [] }, { redirectHosts: hosts }) => {
    if (hosts === undefined) return undefined
    return itemProblems('redirect_uris', redirect_uris, hostProblem, hosts)
  },
}

/** Every signing member names an algorithm the policy lists. */
export const signingAlgorithmIsAllowed: Rule = {
  spec: 'policy.signingAlgorithms',
  code: 'invalid_client_metadata',
  check: (metadata, { signingAlgorithms: allowed }) => {
    if (allowed === undefined) return undefined
    let problems: Problem[] | undefined
    for (const member of SIGNING_MEMBERS) {
      const value = metadata[member]
      if (typeof value === 'string' && !allowed.includes(value)) {
        const description = `${member} ${value} is not allowed (allowed: ${allowed.join(', ')})`
        problems = withProblem(problems, { member, description })
      }
    }
    return problems
  },
}

/**
 * With the policy's senderConstrainedTokens, a client asks for DPoP-bound (RFC 9449 §5.2) or
 * certificate-bound (RFC 8705 §3.4) access tokens, as the FAPI 2.0 Security Profile requires.
 */
export const accessTokensAreSenderConstrained: Rule = {
  spec: 'policy.senderConstrainedTokens',
  code: 'invalid_client_metadata',
  check: (metadata, { senderConstrainedTokens }) =>
    !senderConstrainedTokens ||
    metadata.dpop_bound_access_tokens === true ||
    metadata.tls_client_certificate_bound_access_tokens === true
      ? undefined
      : problemAt(
          'dpop_bound_access_tokens',
          'dpop_bound_access_tokens or tls_client_certificate_bound_access_tokens must be true',
        ),
}

/** An empty string or list registers nothing. */
const isEmpty = (value: unknown) =>
  value === undefined || value === '' || (Array.isArray(value) && value.length === 0)

/** Every member the policy requires is registered. */
export const requiredMembersArePresent: Rule = {
  spec: 'policy.requiredMembers',
  code: 'invalid_client_metadata',
  check: (metadata, { requiredMembers }) => {
    let problems: Problem[] | undefined
    for (const member of requiredMembers) {
      if (isEmpty(metadata[member])) {
        problems = withProblem(problems, {
          member,
          description: `${member} is required by this service`,
        })
      }
    }
    return problems
  },
}
