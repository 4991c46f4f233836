/**
 * `registrar/client`: Dynamic Client Registration for an app or agent that needs
 * credentials at an authorization server it has never seen. Discover the server, register,
 * keep the credentials, and manage the registration. Nothing it receives or loads is
 * trusted unchecked: answers are size-capped and type-checked, and a registration access
 * token goes only to the registration endpoint's origin. It installs no process handlers.
 *
 * ```ts
 * const dcr = new DcrClient({ issuer, store: new FileCredentialStore('./credentials.json') })
 * const { client_id, client_secret } = await dcr.ensureRegistered({ client_name: 'agent', ... })
 * ```
 *
 * An agent with its own https client_id (a Client ID Metadata Document) lets the server
 * choose: ensureClientId() answers pre-registered credentials, else the document's URL
 * where the server resolves such client_ids, else a registration.
 *
 * ```ts
 * const dcr = new DcrClient({ issuer, clientIdMetadataDocumentUrl: 'https://agent.example/client.json' })
 * const { approach, credentials } = await dcr.ensureClientId({ client_name: 'agent', ... })
 * ```
 * @see RFC 7591; RFC 7592; RFC 8414; draft-ietf-oauth-client-id-metadata-document-02
 */
export { DcrClient, type DcrClientOptions, type EnsureRegisteredOptions } from './dcr-client.js'
export {
  supportsClientIdMetadataDocuments,
  type ClientIdApproach,
  type ClientIdDecision,
} from './client-id-approach.js'
export {
  clientIdUrlProblem,
  createClientIdMetadataDocument,
  serializeClientIdMetadataDocument,
  MAX_CLIENT_ID_METADATA_DOCUMENT_BYTES,
  type ClientIdMetadataDocument,
} from './client-id-metadata-document.js'
export {
  serveClientIdMetadataDocument,
  writeClientIdMetadataDocument,
  type ClientIdMetadataDocumentHandler,
  type ServeClientIdMetadataDocumentOptions,
  type WriteClientIdMetadataDocumentOptions,
} from './publish-client-id-metadata-document.js'
export { discover, discoveryUrls } from './discovery.js'
export {
  registerClient,
  readClient,
  updateClient,
  deleteClient,
  renewClientSecret,
} from './registration.js'
export { DEFAULT_SECRET_RENEWAL_MARGIN_SECONDS } from './secret-renewal.js'
export { MemoryCredentialStore, type CredentialStore } from './credential-store.js'
export { FileCredentialStore, type FileCredentialStoreOptions } from './file-credential-store.js'
export {
  DcrError,
  LOCAL_ERROR_CODES,
  emitProcessWarning,
  type LocalErrorCode,
  type DcrErrorOptions,
  type WarningCode,
  type WarningHandler,
} from './errors.js'
export type { HttpOptions } from './http.js'
export type {
  AuthorizationServerMetadata,
  ClientMetadata,
  ClientRegistrationResponse,
  RegisterOptions,
} from './types.js'
