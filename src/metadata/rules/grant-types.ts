/**
 * Grant type rules that depend on the kind of client.
 * @see RFC 7591 §2, RFC 6749 §2.1, §4.4
 */
import { problemAt, type Rule } from './rule.js'

/**
 * Normalisation keeps only the grant types the service supports (RFC 7591 §3.2.1 lets the
 * server replace requested values); a client left with none can obtain no token at all.
 */
export const someGrantTypeIsSupported: Rule = {
  spec: 'RFC 7591 §2, §3.2.2',
  code: 'invalid_client_metadata',
  check: ({ grant_types = [] }, policy) =>
    grant_types.length === 0
      ? problemAt(
          'grant_types',
          `grant_types has no grant type this service supports (${policy.grantTypes.join(', ')})`,
        )
      : undefined,
}

/**
 * "The client credentials grant type MUST only be used by confidential clients." Normalisation
 * drops the grant from a public client that keeps another usable grant; a public client left
 * with nothing else is refused here.
 */
export const publicClientHasNoClientCredentials: Rule = {
  spec: 'RFC 6749 §4.4',
  code: 'invalid_client_metadata',
  check: ({ token_endpoint_auth_method, grant_types = [] }) =>
    token_endpoint_auth_method === 'none' && grant_types.includes('client_credentials')
      ? [
          {
            member: 'grant_types',
            index: grant_types.indexOf('client_credentials'),
            description:
              'grant_types client_credentials is for confidential clients only, and a client with token_endpoint_auth_method none has no other usable grant',
          },
        ]
      : undefined,
}
