import type {
  AuthleteClient,
  ClientCredentials,
  ClientOrphanReport,
  ClientSecretResult,
  MetadataDocumentVersions,
  ReissuedTokenAnswer,
} from '../wire/index.js'
import { segment, type Transport } from './transport.js'
import type { ClientId, ClientList, Range, ServiceId } from './types.js'

/**
 * Client management: `/api/{serviceId}/client/*`.
 * @see Authlete's API
 */
export class ClientsApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** Server-assigned members (`clientId`, `clientSecret`, ...) in the body are ignored. */
  async create(serviceId: ServiceId, client: AuthleteClient = {}): Promise<AuthleteClient> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/create`,
      body: client,
    })) as AuthleteClient
  }

  /**
   * A client by its numeric id; on a service with clientIdMetadataDocumentSupported, also an
   * https client_id, answered from its Client ID Metadata Document (the URL in clientIdAlias,
   * number 0, and as clientId the document client's own stable number, below every
   * registered client's id). A document that cannot be used is a RegistrarError (400) saying why.
   */
  async get(serviceId: ServiceId, clientId: ClientId): Promise<AuthleteClient> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/client/get/${segment(clientId)}`,
    })) as AuthleteClient
  }

  /** One page of the service's clients, optionally only those of one developer. */
  async list(
    serviceId: ServiceId,
    options: Range & { developer?: string } = {},
  ): Promise<ClientList> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/client/get/list`,
      query: { developer: options.developer, start: options.start, end: options.end },
    })) as ClientList
  }

  /**
   * The stored versions of the Client ID Metadata Document at `url`, oldest first, the
   * approved one (used while a change is held: clientIdMetadataDocumentChangeApproval) marked.
   */
  async metadataDocumentVersions(
    serviceId: ServiceId,
    url: string,
  ): Promise<MetadataDocumentVersions> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/client/metadata-document/versions`,
      query: { url },
    })) as MetadataDocumentVersions
  }

  /**
   * Approves a stored version of the document at `url`: the service uses it from now on. A
   * RegistrarError (404) for an unknown url or version. Answers the versions.
   */
  async approveMetadataDocument(
    serviceId: ServiceId,
    url: string,
    version: number,
  ): Promise<MetadataDocumentVersions> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/metadata-document/approve`,
      body: { url, version },
    })) as MetadataDocumentVersions
  }

  /** Send the whole client (get, modify, update). */
  async update(
    serviceId: ServiceId,
    clientId: ClientId,
    client: AuthleteClient,
  ): Promise<AuthleteClient> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/update/${segment(clientId)}`,
      body: client,
    })) as AuthleteClient
  }

  /**
   * The client whose credentials an authorization server received (a client secret, or a
   * JWT client assertion with its type), without its secret; a RegistrarApiError with status
   * 401 alike for wrong credentials, an expired secret and an unknown client.
   * @see RFC 6749 §2.3.1, RFC 7523 §2.2
   */
  async authenticate(
    serviceId: ServiceId,
    credentials: ClientCredentials,
  ): Promise<AuthleteClient> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/authenticate`,
      body: credentials,
    })) as AuthleteClient
  }

  /**
   * Issues the client a new registration access token, shown in this answer only; every
   * earlier one stops working. For a client whose tokens were revoked after reuse of a
   * rotated one (service setting `registrationAccessTokenRotation`), or that lost its token.
   * @see RFC 7592 §3
   */
  async reissueRegistrationToken(
    serviceId: ServiceId,
    clientId: ClientId,
  ): Promise<ReissuedTokenAnswer> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/registration-token/${segment(clientId)}`,
    })) as ReissuedTokenAnswer
  }

  /**
   * Gives the client a new secret drawn by the server; the old one stays accepted for the
   * service's `clientSecretRotationOverlap` seconds. Answers `newClientSecret` and
   * `oldClientSecret`.
   * @see Authlete `client/secret/refresh`
   */
  async refreshSecret(serviceId: ServiceId, clientId: ClientId): Promise<ClientSecretResult> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/secret/refresh/${segment(clientId)}`,
    })) as ClientSecretResult
  }

  /**
   * Sets the secret you chose (1 to 86 characters of the base64url alphabet), as
   * refreshSecret does.
   * @see Authlete `client/secret/update`
   */
  async updateSecret(
    serviceId: ServiceId,
    clientId: ClientId,
    clientSecret: string,
  ): Promise<ClientSecretResult> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/secret/update/${segment(clientId)}`,
      body: { clientSecret },
    })) as ClientSecretResult
  }

  async delete(serviceId: ServiceId, clientId: ClientId): Promise<void> {
    await this.#transport.send({
      method: 'DELETE',
      path: `api/${segment(serviceId)}/client/delete/${segment(clientId)}`,
    })
  }

  /**
   * Brings back a client deleted or reaped within the service's `clientRestoreWindow`, its
   * secret and registration access token working again; a RegistrarApiError with status
   * 404 for a live or unknown client, or one deleted longer ago than the window.
   * @see README, Lifecycle
   */
  async restore(serviceId: ServiceId, clientId: ClientId): Promise<AuthleteClient> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/restore/${segment(clientId)}`,
    })) as AuthleteClient
  }

  /**
   * The service's clients that look abandoned: never used and older than `olderThan`
   * seconds (default a day), and groups sharing a software_id, client_name or redirect set.
   * @see README, Lifecycle
   */
  async orphans(
    serviceId: ServiceId,
    options: { olderThan?: number; limit?: number } = {},
  ): Promise<ClientOrphanReport> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/client/orphans`,
      query: { olderThan: options.olderThan, limit: options.limit },
    })) as ClientOrphanReport
  }
}
