/**
 * node-oidc-provider's form of a client read from Registrar: RFC 7591 metadata, which
 * metadata/ already derives from Authlete's Client object, plus what the server issued.
 */
import { authleteToClientMetadata } from '../metadata/index.js'
import type { AuthleteClient, ClientMetadata } from '../wire/index.js'

/**
 * The client metadata node-oidc-provider builds its Client from. Members it does not
 * recognise (language-tagged names, software_statement, custom metadata) are left for it
 * to strip, so a provider configured with `extraClientMetadata` still sees its own.
 * Values pass as registered: one the provider's configuration does not support (a scope
 * outside its `scopes`, a grant type whose feature is off) makes it refuse the client with
 * invalid_client_metadata. That fails closed, where dropping a scope would widen the client
 * to every scope; keep the service's policy within the provider's configuration.
 * @see RFC 7591 §2 (metadata names), §3.2.1 (client_id, client_secret, client_id_issued_at)
 */
export function oidcClientMetadataOf(client: AuthleteClient): ClientMetadata {
  const metadata = authleteToClientMetadata(client)
  // A Client ID Metadata Document's client has no registration (number 0): its client_id is
  // its URL, which Registrar answers as its alias (engine/client-id-metadata.ts).
  const documentUrl = client.number === 0 ? client.clientIdAlias : undefined
  if (documentUrl !== undefined) metadata.client_id = documentUrl
  else if (client.clientId !== undefined) metadata.client_id = String(client.clientId)
  // A public client (token_endpoint_auth_method none) has no secret (RFC 7591 §3.2.1).
  if (client.clientSecret !== undefined) metadata.client_secret = client.clientSecret
  // The provider refuses a secret past it (RFC 7591 §3.2.1); 0 is never.
  if (client.clientSecretExpiresAt !== undefined) {
    metadata.client_secret_expires_at = client.clientSecretExpiresAt
  }
  if (client.createdAt !== undefined) {
    metadata.client_id_issued_at = Math.floor(client.createdAt / 1000)
  }
  return metadata
}
