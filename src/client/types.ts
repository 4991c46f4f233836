import type { ClientInformation, ClientMetadata } from '../wire/index.js'

/**
 * An authorization server's metadata document; only the members this client uses are
 * named, the rest pass through.
 * @see RFC 8414 §2; OpenID Connect Discovery 1.0 §3
 */
export interface AuthorizationServerMetadata {
  issuer: string
  registration_endpoint?: string
  authorization_endpoint?: string
  token_endpoint?: string
  jwks_uri?: string
  scopes_supported?: string[]
  response_types_supported?: string[]
  grant_types_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  /** Whether https client_ids are resolved (draft-ietf-oauth-client-id-metadata-document-02 §6). */
  client_id_metadata_document_supported?: boolean
  [member: string]: unknown
}

/**
 * The client information response: the registered metadata echoed back plus what the
 * server issued. Only `client_id` is certain; the rest depends on the server and the
 * auth method (no `client_secret` for `token_endpoint_auth_method: none`). Registrar's
 * own answers are the stricter ClientInformation of src/wire.
 * @see RFC 7591 §3.2.1; RFC 7592 §3
 */
export interface ClientRegistrationResponse extends ClientMetadata {
  client_id: ClientInformation['client_id']
  client_secret?: ClientInformation['client_secret']
  /** Seconds since the epoch. */
  client_id_issued_at?: ClientInformation['client_id_issued_at']
  /** Seconds since the epoch; 0 = never. */
  client_secret_expires_at?: ClientInformation['client_secret_expires_at']
  registration_access_token?: ClientInformation['registration_access_token']
  registration_client_uri?: ClientInformation['registration_client_uri']
}

export type { ClientMetadata }

/** What a registration adds to the metadata. @see RFC 7591 §3.1 */
export interface RegisterOptions {
  /** Sent as `Authorization: Bearer` to a server that requires one (RFC 7591 §3). */
  initialAccessToken?: string
  /** A signed JWT of metadata claims, sent as `software_statement` (RFC 7591 §2.3). */
  softwareStatement?: string
}
