/**
 * Client metadata as it crosses the wire, in the spelling of its specs (snake_case).
 * @see RFC 7591 §2, OIDC DCR §2, RFC 8705 §2.1.2 and §3.4, RFC 9126 §6, RFC 9101 §10.5,
 *   RFC 9449 §5.2, JARM §3, OIDC CIBA §4, OIDC RP-Initiated Logout §3.1,
 *   OIDC Front-Channel Logout §2, OIDC Back-Channel Logout §2.2
 */

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JwkSet {
  keys: Record<string, unknown>[]
}

/**
 * Registered client metadata. Every member is optional on input; the engine stores the
 * effective metadata (defaults applied, unknown members dropped). Language-tagged
 * variants (`client_name#ja-Jpan-JP`, RFC 7591 §2.2) and a service's custom metadata
 * are carried as further string keys.
 */
export interface ClientMetadata {
  // RFC 7591 §2
  redirect_uris?: string[]
  token_endpoint_auth_method?: string
  grant_types?: string[]
  response_types?: string[]
  client_name?: string
  client_uri?: string
  logo_uri?: string
  scope?: string
  contacts?: string[]
  tos_uri?: string
  policy_uri?: string
  jwks_uri?: string
  jwks?: JwkSet
  software_id?: string
  software_version?: string
  software_statement?: string
  // OIDC DCR §2
  application_type?: 'web' | 'native'
  sector_identifier_uri?: string
  subject_type?: 'public' | 'pairwise'
  id_token_signed_response_alg?: string
  id_token_encrypted_response_alg?: string
  id_token_encrypted_response_enc?: string
  userinfo_signed_response_alg?: string
  userinfo_encrypted_response_alg?: string
  userinfo_encrypted_response_enc?: string
  request_object_signing_alg?: string
  request_object_encryption_alg?: string
  request_object_encryption_enc?: string
  token_endpoint_auth_signing_alg?: string
  default_max_age?: number
  require_auth_time?: boolean
  default_acr_values?: string[]
  initiate_login_uri?: string
  request_uris?: string[]
  // OIDC RP-Initiated, Front-Channel and Back-Channel Logout
  post_logout_redirect_uris?: string[]
  frontchannel_logout_uri?: string
  frontchannel_logout_session_required?: boolean
  backchannel_logout_uri?: string
  backchannel_logout_session_required?: boolean
  // RFC 8705 §2.1.2, §3.4
  tls_client_auth_subject_dn?: string
  tls_client_auth_san_dns?: string
  tls_client_auth_san_uri?: string
  tls_client_auth_san_ip?: string
  tls_client_auth_san_email?: string
  tls_client_certificate_bound_access_tokens?: boolean
  // RFC 9126 §6, RFC 9101 §10.5, RFC 9449 §5.2
  require_pushed_authorization_requests?: boolean
  require_signed_request_object?: boolean
  dpop_bound_access_tokens?: boolean
  // JARM §3
  authorization_signed_response_alg?: string
  authorization_encrypted_response_alg?: string
  authorization_encrypted_response_enc?: string
  // OIDC CIBA §4
  backchannel_token_delivery_mode?: 'poll' | 'ping' | 'push'
  backchannel_client_notification_endpoint?: string
  backchannel_authentication_request_signing_alg?: string
  backchannel_user_code_parameter?: boolean
  // RFC 9396 §10
  authorization_details_types?: string[]
  // language-tagged values and custom metadata
  [member: string]: unknown
}

/**
 * The client information response: the registered metadata plus what the server issued.
 * @see RFC 7591 §3.2.1, RFC 7592 §3
 */
export interface ClientInformation extends ClientMetadata {
  client_id: string
  /** Only for auth methods that need a secret. */
  client_secret?: string
  /** Seconds since the epoch. */
  client_id_issued_at: number
  /** Seconds since the epoch; 0 = never. Present whenever client_secret is. */
  client_secret_expires_at?: number
  registration_access_token: string
  registration_client_uri: string
}

/** Members the server manages; a client can never set them (RFC 7592 §2.2). */
export const SERVER_MANAGED_MEMBERS = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
] as const

/** Token endpoint auth methods that authenticate with a client secret (RFC 7591 §2, OIDC Core §9). */
export const SECRET_AUTH_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
]
