/**
 * Which client_id an agent uses at an authorization server, in the priority order the MCP
 * authorization spec gives clients that support all three approaches (Client
 * Registration, "Client Registration Approaches"): pre-registered client information;
 * else a Client ID Metadata Document when the server advertises support; else Dynamic
 * Client Registration. DcrClient.ensureClientId() applies the order; this module names its
 * answers and reads the server's side of it. (The spec's fourth step, asking the user, is
 * the app's: ensureClientId answers a DcrError `unsupported` when the server offers no
 * registration either.)
 */
import type { AuthorizationServerMetadata, ClientRegistrationResponse } from './types.js'

/**
 * How the client_id was obtained: configured out of band, the agent's own https URL
 * (draft-ietf-oauth-client-id-metadata-document-02), or registered (RFC 7591).
 */
export type ClientIdApproach =
  'pre_registered' | 'client_id_metadata_document' | 'dynamic_registration'

/** What DcrClient.ensureClientId() answers: the approach taken and the credentials to use. */
export interface ClientIdDecision {
  approach: ClientIdApproach
  /**
   * The client information to use: the pre-registered one; the Client ID Metadata Document
   * (its `client_id` is the URL); or the stored or new registration.
   */
  credentials: ClientRegistrationResponse
}

/**
 * Whether the server says it fetches client metadata from https client_ids; only the JSON
 * value `true` counts (the member is a boolean, absent means no).
 * @see draft-ietf-oauth-client-id-metadata-document-02 §6
 */
export function supportsClientIdMetadataDocuments(metadata: AuthorizationServerMetadata): boolean {
  return metadata.client_id_metadata_document_supported === true
}
