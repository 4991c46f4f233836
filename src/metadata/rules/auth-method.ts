/**
 * Client authentication rules: the method the service supports, the keys that go with it.
 * @see RFC 7591 §2, RFC 8705 §2.1.2, OIDC Core §9, §10.1
 */
import { symmetricAlgorithmMembers } from '../client-type.js'
import { problemAt, type Rule } from './rule.js'

/** The service decides which token endpoint auth methods it accepts. */
export const tokenEndpointAuthMethodIsSupported: Rule = {
  spec: 'RFC 7591 §2; RFC 7591 §3.2.2',
  code: 'invalid_client_metadata',
  check: ({ token_endpoint_auth_method: method }, policy) =>
    method === undefined || policy.tokenEndpointAuthMethods.includes(method)
      ? undefined
      : problemAt(
          'token_endpoint_auth_method',
          `token_endpoint_auth_method ${method} is not supported (supported: ${policy.tokenEndpointAuthMethods.join(', ')})`,
        ),
}

/** "The jwks_uri and jwks parameters MUST NOT both be present in the same request." */
export const jwksAndJwksUriAreExclusive: Rule = {
  spec: 'RFC 7591 §2',
  code: 'invalid_client_metadata',
  check: ({ jwks, jwks_uri }) =>
    jwks !== undefined && jwks_uri !== undefined
      ? problemAt('jwks_uri', 'jwks and jwks_uri must not both be present')
      : undefined,
}

const TLS_SUBJECT_MEMBERS = [
  'tls_client_auth_subject_dn',
  'tls_client_auth_san_dns',
  'tls_client_auth_san_uri',
  'tls_client_auth_san_ip',
  'tls_client_auth_san_email',
] as const

/** "A client using the tls_client_auth ... MUST use exactly one of" the subject members. */
export const tlsClientAuthHasOneSubject: Rule = {
  spec: 'RFC 8705 §2.1.2',
  code: 'invalid_client_metadata',
  check: (metadata) => {
    if (metadata.token_endpoint_auth_method !== 'tls_client_auth') return undefined
    const count = TLS_SUBJECT_MEMBERS.filter((name) => metadata[name] !== undefined).length
    return count === 1
      ? undefined
      : problemAt(
          'token_endpoint_auth_method',
          `token_endpoint_auth_method tls_client_auth needs exactly one of ${TLS_SUBJECT_MEMBERS.join(', ')} (got ${count})`,
        )
  },
}

/** Symmetric algorithms key off the client secret, which a public client does not have. */
export const publicClientUsesNoSymmetricAlgorithm: Rule = {
  spec: 'OIDC Core §10.1; OIDC Core §10.2',
  code: 'invalid_client_metadata',
  check: (metadata) => {
    if (metadata.token_endpoint_auth_method !== 'none') return undefined
    const members = symmetricAlgorithmMembers(metadata)
    if (members.length === 0) return undefined
    return members.map((member) => ({
      member,
      description: `${member} needs a client secret, which a client with token_endpoint_auth_method none has not`,
    }))
  },
}
