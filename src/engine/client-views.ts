/**
 * The two ways a client record is shown: the RFC 7591 client information response
 * (snake_case) and Authlete's Client object (camelCase).
 */
import { clientMetadataToAuthlete } from '../metadata/index.js'
import type { AuthleteClient, ClientInformation } from '../wire/index.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'

/**
 * The client configuration endpoint URL: the service's management endpoint, else its
 * registration endpoint, else Registrar's own, plus the client id (Authlete's API).
 * @see RFC 7592 §3
 */
export function registrationClientUri(
  context: EngineContext,
  service: ServiceRecord,
  clientId: number,
): string {
  const { registrationManagementEndpoint, registrationEndpoint } = service.settings
  const base =
    registrationManagementEndpoint ||
    registrationEndpoint ||
    `${context.baseUrl}/${service.apiKey}/register`
  return `${base.replace(/\/+$/, '')}/${clientId}`
}

/** Seconds since the epoch at which the client id was issued (RFC 7591 §3.2.1). */
export function issuedAtSeconds(record: ClientRecord): number {
  return Math.floor(record.createdAt / 1000)
}

/**
 * The client information response: what the server issued, then every registered
 * member. No member is null: absent means omitted.
 * @see RFC 7591 §3.2.1, RFC 7592 §3
 */
export function clientInformation(
  context: EngineContext,
  service: ServiceRecord,
  record: ClientRecord,
  registrationAccessToken: string,
): ClientInformation {
  const issued: ClientInformation = {
    client_id: String(record.clientId),
    client_id_issued_at: issuedAtSeconds(record),
    registration_access_token: registrationAccessToken,
    registration_client_uri: registrationClientUri(context, service, record.clientId),
  }
  if (record.clientSecret !== undefined) {
    issued.client_secret = record.clientSecret
    issued.client_secret_expires_at = record.clientSecretExpiresAt
  }
  // Object.assign, not a spread: this is on every read's hot path.
  return Object.assign(issued, record.metadata)
}

/** Authlete's Client object for a record. */
export function toAuthleteClient(service: ServiceRecord, record: ClientRecord): AuthleteClient {
  const mapped = clientMetadataToAuthlete(record.metadata)
  const client: AuthleteClient = {
    clientIdAliasEnabled: false,
    ...mapped,
    ...record.extras,
    number: record.number,
    serviceNumber: service.number,
    clientId: record.clientId,
    developer: record.developer,
    dynamicallyRegistered: record.dynamicallyRegistered,
    createdAt: record.createdAt,
    modifiedAt: record.modifiedAt,
  }
  if (mapped.extension || record.extras.extension) {
    client.extension = { ...mapped.extension, ...record.extras.extension }
  }
  if (record.clientSecret !== undefined) {
    client.clientSecret = record.clientSecret
    client.clientSecretExpiresAt = record.clientSecretExpiresAt
  }
  if (record.lastUsedAt !== undefined) client.lastUsedAt = record.lastUsedAt
  // The administrator's cue to reissue a token (token-reissue.ts).
  const revokedAt = record.registrationAccessTokenRevokedAt
  if (revokedAt !== undefined) client.registrationAccessTokenRevokedAt = revokedAt
  return client
}
