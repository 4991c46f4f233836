/**
 * Grant type rules that depend on the kind of client.
 * @see RFC 6749 §2.1, §4.4
 */
import type { Rule } from './rule.js'

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
      ? 'grant_types client_credentials is for confidential clients only, and a client with token_endpoint_auth_method none has no other usable grant'
      : undefined,
}
