/**
 * Whether a client holds a secret: its auth method uses one, or it registered a symmetric
 * JOSE algorithm, whose key OIDC derives from the client secret.
 */
import { SECRET_AUTH_METHODS, type ClientMetadata } from '../wire/index.js'

/** Members naming a JWS or JWE algorithm (OIDC DCR §2, JARM §3, OIDC CIBA §4). */
const ALGORITHM_MEMBERS = [
  'token_endpoint_auth_signing_alg',
  'id_token_signed_response_alg',
  'id_token_encrypted_response_alg',
  'userinfo_signed_response_alg',
  'userinfo_encrypted_response_alg',
  'request_object_signing_alg',
  'request_object_encryption_alg',
  'authorization_signed_response_alg',
  'authorization_encrypted_response_alg',
  'backchannel_authentication_request_signing_alg',
] as const

/** HMAC signatures and symmetric key management. @see OIDC Core §10.1, §10.2 */
function isSymmetricAlgorithm(alg: unknown): boolean {
  return typeof alg === 'string' && /^(HS\d+|dir|A\d+KW|A\d+GCMKW)$/.test(alg)
}

/** The algorithm members of a client that name a symmetric algorithm. */
export function symmetricAlgorithmMembers(metadata: ClientMetadata): string[] {
  return ALGORITHM_MEMBERS.filter((name) => isSymmetricAlgorithm(metadata[name]))
}

/**
 * True when the client needs a client secret: client_secret_basic, client_secret_post and
 * client_secret_jwt authenticate with it (RFC 7591 §2), and symmetric algorithms use it as
 * their key (OIDC Core §10.1, §10.2). A public client (`none`) never gets one.
 * @see RFC 7591 §2, OIDC Core §9, §10.1
 */
export function needsSecret(metadata: ClientMetadata): boolean {
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic'
  if (SECRET_AUTH_METHODS.includes(method)) return true
  return method !== 'none' && symmetricAlgorithmMembers(metadata).length > 0
}

/**
 * Authlete's clientType: PUBLIC for the auth method `none`, else CONFIDENTIAL.
 * @see RFC 6749 §2.1, Authlete's API clientType
 */
export function clientTypeOf(metadata: ClientMetadata): 'PUBLIC' | 'CONFIDENTIAL' {
  return metadata.token_endpoint_auth_method === 'none' ? 'PUBLIC' : 'CONFIDENTIAL'
}
