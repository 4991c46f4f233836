/**
 * createEngine: the engine's one entry point. It binds storage, the base URL, the clock and
 * randomness once, and offers every decision Registrar makes.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto'
import {
  boundedWindow,
  type AuthleteClient,
  type ApiTokenCreateBody,
  type ApiTokenInfo,
  type AuthleteService,
  type ClientCredentials,
  type ClientOrphanReport,
  type CreatedWebhook,
  type PageWindow,
  type WebhookCreateBody,
} from '../wire/index.js'
import * as accessTokens from './access-tokens.js'
import type {
  AuditAnchor,
  AuditQuery,
  AuditTrail,
  AuditVerification,
  RequestOrigin,
  StoredAuditEvent,
} from './audit.js'
import { failedApiAuthenticationEvent, recordRefusalEvent } from './audit-events.js'
import * as history from './client-history.js'
import type { ClientVersion } from './client-history.js'
import type { InitialAccessTokenRequest, Principal } from './access-tokens.js'
import { toAuthleteClient } from './client-views.js'
import { authenticateClientCredentials } from './client-credentials.js'
import { reissueRegistrationAccessToken, type ReissuedToken } from './token-reissue.js'
import * as clients from './clients.js'
import * as lifecycle from './client-lifecycle.js'
import type { ClientSweepReport } from './client-lifecycle.js'
import { clientOrphans, type OrphanRequest } from './client-orphans.js'
import {
  approveMetadataDocumentVersion,
  listMetadataDocumentVersions,
  type MetadataDocumentVersionView,
} from './metadata-document-approval.js'
import type { EngineContext } from './context.js'
import { discoveryDocument } from './discovery.js'
import type { Decision } from './decision.js'
import { DEFAULT_IDEMPOTENCY_WINDOW_MILLISECONDS, IdempotencyKeys } from './idempotency.js'
import { DEFAULT_NETWORK_PREFIX_LENGTHS, type NetworkPrefixLengths } from './network-prefix.js'
import type { ClientRecord, InitialAccessTokenRecord, Page, ServiceRecord } from './records.js'
import * as registration from './registration.js'
import * as secretRotation from './secret-rotation.js'
import type { ClientSecretRotation } from './secret-rotation.js'
import { RemoteKeySets } from './remote-key-sets.js'
import {
  ClientIdMetadataDocuments,
  numberedDocumentUrl,
  resolvesDocument,
} from './client-id-metadata.js'
import { GenerationalCache } from './generational-cache.js'
import type { ClientConfigurationRequest, RegisterRequest, UpdateRequest } from './registration.js'
import { pooledRandomBytes, type RandomBytes } from './secrets.js'
import { ServiceCache } from './service-cache.js'
import * as services from './services.js'
import type { ServiceWithSecret } from './services.js'
import type { Store } from './store.js'
import { LocalBuckets, type RateLimiter, type RateLimitMode } from './token-bucket.js'
import {
  DEFAULT_WEBHOOK_DELIVERY,
  dispatchWebhooks,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
  type WebhookDispatchReport,
} from './webhook-dispatch.js'
import type { WebhookDeliveryRecord, WebhookRecord } from './webhook-store.js'
import * as webhooks from './webhooks.js'

export interface EngineOptions {
  store: Store
  /**
   * Public base URL used in issuer and endpoint URLs, e.g. `https://dcr.example.com`. A
   * function is asked on every use: a server on a free port knows its URL only once listening.
   */
  baseUrl: string | (() => string)
  /**
   * Milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number
  /**
   * Random bytes for ids, secrets and tokens.
   * @default crypto.randomBytes, drawn a pool at a time
   */
  randomBytes?: RandomBytes
  /**
   * How long a service read from the store is reused: changes made through this engine are
   * seen at once, those of other nodes after at most this long. 0 reads it every time.
   * @default 1000
   */
  serviceCacheMilliseconds?: number
  /**
   * How many services (and unknown service ids) are kept in memory at most; the least
   * recently used goes first.
   * @default 10000
   */
  serviceCacheSize?: number
  /**
   * How long a registration's Idempotency-Key is remembered: a repeat within it answers the
   * same client; after it, the key registers anew.
   * @default 86400000 (24 hours)
   */
  idempotencyWindowMilliseconds?: number
  /**
   * Keeps the token buckets of the services' `rateLimits` policies: shared by every node
   * (store's RedisBuckets) or this process's own.
   * @default LocalBuckets holding `rateLimitKeys` buckets, on `now`
   */
  rateLimiter?: RateLimiter
  /**
   * Buckets kept at most by the default rate limiter; those unused longest go first.
   * @default 100000
   */
  rateLimitKeys?: number
  /**
   * How client addresses group into networks for `rateLimits.perNetwork`.
   * @default { ipv4: 24, ipv6: 56 }
   */
  networkPrefixLengths?: NetworkPrefixLengths
  /**
   * How webhook messages are posted and retried (webhook-dispatch.ts).
   * @default DEFAULT_WEBHOOK_DELIVERY, globalThis.fetch and a random node id
   */
  webhooks?: WebhookDeliveryOptions
  /**
   * Where the audit history is kept (the store's KyselyAuditTrail, or one of your own).
   * @default none: no events are kept, and the history's calls answer invalid_request
   */
  audit?: AuditTrail
  /**
   * Lets fetches of what clients name (their Client ID Metadata Document, jwks_uri) reach private, loopback and
   * link-local addresses: for tests and private networks only (`--cimd-allow-private`).
   * @default false
   */
  allowPrivateFetch?: boolean
}

/**
 * Every decision Registrar makes, by what it serves. Service and client ids are the numeric
 * `apiKey` and `clientId`, as in Authlete's API.
 */
export interface Engine {
  // Registration: what a client asks of its own registration (RFC 7591, RFC 7592).

  /**
   * Registers a client from its metadata, checking the initial access token presented; with
   * an idempotency key, once per key (a repeat answers the same client). A registration over
   * a bucket of the service's `rateLimits` rejects with OAuthError too_many_requests (429,
   * Retry-After) instead of answering a Decision: no Authlete action stands for it.
   * @see RFC 7591 §3.1, §3.2, RFC 6585 §4; draft-ietf-httpapi-idempotency-key-header §2
   */
  register(service: ServiceRecord, request: RegisterRequest): Promise<Decision>
  /**
   * Reads a client's current configuration with its registration access token.
   * @see RFC 7592 §2.1
   */
  read(service: ServiceRecord, request: ClientConfigurationRequest): Promise<Decision>
  /**
   * Replaces a client's metadata with its registration access token.
   * @see RFC 7592 §2.2
   */
  update(service: ServiceRecord, request: UpdateRequest): Promise<Decision>
  /**
   * Deletes a client with its registration access token.
   * @see RFC 7592 §2.3
   */
  delete(service: ServiceRecord, request: ClientConfigurationRequest): Promise<Decision>
  /**
   * Gives a client a new secret with its registration access token (Registrar's extension
   * of RFC 7592, `POST {registration_client_uri}/secret`), answered as a read; the old
   * secret stays accepted for the service's clientSecretRotationOverlap.
   * @see RFC 7592 §2.1, §3; secret-rotation.ts
   */
  renewSecret(service: ServiceRecord, request: ClientConfigurationRequest): Promise<Decision>

  // Services: the management API's services and what they publish.

  /** The service with its new apiSecret in clear, to be shown once. @see Authlete's API (`service.create`) */
  createService(input: AuthleteService): Promise<ServiceWithSecret>
  /** A new apiSecret for the service, shown once; the old one stops working at once. */
  refreshServiceSecret(apiKey: number): Promise<ServiceWithSecret>
  /** The service, or undefined when there is none (through the service cache). */
  getService(apiKey: number): Promise<ServiceRecord | undefined>
  /**
   * The service; OAuthError not_found when there is none.
   * @see Authlete's API (`service.get`)
   */
  requireService(apiKey: number): Promise<ServiceRecord>
  /**
   * Services by ascending number; only those in `apiKeys` when given.
   * @see Authlete's API (`service.list`)
   */
  listServices(request: {
    start: number
    end: number
    apiKeys?: number[]
  }): Promise<Page<ServiceRecord>>
  /**
   * Merges the given settings into the current ones.
   * @see Authlete's API (`service.update`)
   */
  updateService(apiKey: number, input: AuthleteService): Promise<ServiceRecord>
  /**
   * Replaces the service's registration policy (the record's `policy`); OAuthError
   * invalid_request names what is wrong with the document.
   * @see README, "Policies"
   */
  replacePolicy(apiKey: number, policy: unknown): Promise<ServiceRecord>
  /**
   * Deletes the service with its clients and tokens.
   * @see Authlete's API (`service.delete`)
   */
  deleteService(apiKey: number): Promise<void>
  /**
   * The Service object as the API answers it.
   * @see Authlete's API
   */
  toAuthleteService(record: ServiceRecord | ServiceWithSecret): AuthleteService
  /**
   * The service's authorization server metadata.
   * @see RFC 8414 §2, §3
   */
  discovery(service: ServiceRecord): Record<string, unknown>

  // Clients: the management API's clients.

  /** @see Authlete's API (`client.create`) */
  createClient(
    service: ServiceRecord,
    input: AuthleteClient,
    origin?: RequestOrigin,
  ): Promise<ClientRecord>
  /**
   * The client; OAuthError not_found when there is none. With an origin, the read is an
   * audit event (a management read).
   * @see Authlete's API (`client.get`)
   */
  requireClient(
    service: ServiceRecord,
    clientId: string | number,
    origin?: RequestOrigin,
  ): Promise<ClientRecord>
  /**
   * Clients by ascending number; only one developer's when given.
   * @see Authlete's API (`client.list`)
   */
  listClients(
    service: ServiceRecord,
    request: { start: number; end: number; developer?: string },
  ): Promise<Page<ClientRecord>>
  /** @see Authlete's API (`client.update`) */
  updateClient(
    service: ServiceRecord,
    clientId: string | number,
    input: AuthleteClient,
    origin?: RequestOrigin,
  ): Promise<ClientRecord>
  /**
   * A new secret for the client, the old one accepted for the service's
   * clientSecretRotationOverlap; OAuthError invalid_request when its method uses none.
   * @see Authlete `client/secret/refresh`; secret-rotation.ts
   */
  refreshClientSecret(
    service: ServiceRecord,
    clientId: string | number,
    origin?: RequestOrigin,
  ): Promise<ClientSecretRotation>
  /**
   * Sets the secret an administrator chose (1 to 86 base64url characters), as
   * refreshClientSecret does.
   * @see Authlete `client/secret/update`; secret-rotation.ts
   */
  updateClientSecret(
    service: ServiceRecord,
    clientId: string | number,
    secret: string,
    origin?: RequestOrigin,
  ): Promise<ClientSecretRotation>
  /** @see Authlete's API (`client.delete`) */
  deleteClient(
    service: ServiceRecord,
    clientId: string | number,
    origin?: RequestOrigin,
  ): Promise<void>
  /**
   * Issues the client a new registration access token, answered here only; every earlier
   * token of the client stops working (token-reissue.ts). The way out after reuse revoked
   * its tokens (token-rotation.ts). not_found for an unknown client.
   */
  reissueRegistrationAccessToken(
    service: ServiceRecord,
    clientId: string | number,
    origin?: RequestOrigin,
  ): Promise<ReissuedToken>
  /**
   * Deletes the clients whose probation has run out (wire/policy.ts), in every service;
   * resolves how many. They are unknown from their expiry on whether or not this has run.
   */
  deleteExpiredClients(): Promise<number>
  /**
   * Brings back a client deleted or reaped within its service's `clientRestoreWindow`, with
   * its secret and registration access token; OAuthError not_found for a live or unknown
   * client, or one deleted before the window. The restore is an audit event.
   * @see README, Lifecycle
   */
  restoreClient(
    service: ServiceRecord,
    clientId: string | number,
    origin?: RequestOrigin,
  ): Promise<ClientRecord>
  /**
   * Reaps the clients idle past their service's `clientIdleLifetime` and purges those
   * deleted before its `clientRestoreWindow`, in every service; resolves how many of each.
   * @see README, Lifecycle
   */
  sweepClients(): Promise<ClientSweepReport>
  /**
   * The service's clients never used, and its duplicate groups (same software_id,
   * client_name or redirect_uris set).
   * @see README, Lifecycle
   */
  clientOrphans(service: ServiceRecord, request?: OrphanRequest): Promise<ClientOrphanReport>
  /** The stored versions of the Client ID Metadata Document at `url`, the approved marked. */
  metadataDocumentVersions(
    service: ServiceRecord,
    url: string,
  ): Promise<MetadataDocumentVersionView[]>
  /** Approves a stored version of the document at `url`; OAuthError not_found if none. */
  approveMetadataDocument(service: ServiceRecord, url: string, version: number): Promise<void>
  /**
   * The client whose credentials an authorization server received: a client secret or a
   * JWT client assertion. OAuthError invalid_client (401) alike for an unknown client, an
   * expired secret and a wrong credential; a refusal is an audit event.
   * @see RFC 6749 §2.3.1, RFC 7523 §3, README, "Registrar's extensions to the API"
   */
  authenticateClientCredentials(
    service: ServiceRecord,
    credentials: ClientCredentials,
    origin?: RequestOrigin,
  ): Promise<ClientRecord>
  /**
   * The Client object as the API answers it.
   * @see Authlete's API
   */
  toAuthleteClient(service: ServiceRecord, record: ClientRecord): AuthleteClient

  // Webhooks: a service's events, posted as signed CloudEvents (README, Webhooks).

  /**
   * A webhook of the service; its signing secret is returned once. OAuthError
   * invalid_request for a URL that is not http or https, or an unknown event kind.
   * @see Standard Webhooks §Signature scheme; CloudEvents 1.0
   */
  createWebhook(serviceApiKey: number, request: WebhookCreateBody): Promise<CreatedWebhook>
  /** The service's webhooks, oldest first, with their secrets: the caller leaves them out. */
  listWebhooks(serviceApiKey: number): Promise<WebhookRecord[]>
  /** Deletes the webhook and what is queued for it; OAuthError not_found when there is none. */
  deleteWebhook(serviceApiKey: number, id: string): Promise<void>
  /**
   * The webhook's deliveries not yet made (pending or failed), oldest first, at most
   * MAX_PAGE_SIZE; OAuthError not_found when there is no such webhook.
   */
  listWebhookDeliveries(serviceApiKey: number, id: string): Promise<WebhookDeliveryRecord[]>
  /**
   * One step of the dispatcher: claims the deliveries due, posts them and settles each
   * (delivered, to retry, failed); a server calls it over and over.
   * @see Standard Webhooks §Retry schedule
   */
  dispatchWebhooks(): Promise<WebhookDispatchReport>

  // History: the audit trail (audit.ts).

  /**
   * The service's audit events, newest first.
   * @see README, "Audit"
   */
  auditEvents(
    service: ServiceRecord,
    query: Omit<AuditQuery, 'serviceApiKey'>,
  ): Promise<StoredAuditEvent[]>
  /** The client's metadata versions, newest first, while the history keeps them. */
  clientVersions(service: ServiceRecord, clientId: string | number): Promise<ClientVersion[]>
  /** Sets the client's metadata back to a version, as a new version. */
  rollbackClient(
    service: ServiceRecord,
    clientId: string | number,
    version: number,
    origin?: RequestOrigin,
  ): Promise<ClientRecord>
  /** Erases the personal data of the client's events; resolves how many. */
  eraseClientHistory(
    service: ServiceRecord,
    clientId: number,
    origin?: RequestOrigin,
  ): Promise<number>
  /** Walks the whole audit chain (every service's events). */
  verifyAudit(anchor?: AuditAnchor): Promise<AuditVerification>
  /** Records a bearer token the management API refused (serviceApiKey 0: no service). */
  recordFailedApiAuthentication(serviceApiKey: number, origin: RequestOrigin): Promise<void>

  // Tokens: bearer tokens that grant access, and the store's health.

  /**
   * Makes sure an admin token exists: the configured one replaces the stored hash; with none
   * configured and none stored, one is generated and returned to be shown once.
   * @see README, "Running the server"
   */
  ensureAdminToken(configured: string | undefined): Promise<{ generated?: string }>
  /** A new admin token, shown once; the old one stops working at once. */
  rotateAdminToken(): Promise<string>
  /**
   * The principal a bearer token speaks for, or undefined for an unknown token. The admin
   * token's hash is read from the store each time, so a rotation elsewhere counts at once.
   * @see Authlete's API (Auth header)
   */
  authenticateBearer(token: string): Promise<Principal | undefined>
  /**
   * The service an HTTP Basic `apiKey:apiSecret` pair speaks for, with a service token's
   * rights, or undefined (Authlete's API v2 authentication).
   */
  authenticateServiceSecret(apiKey: number, apiSecret: string): Promise<Principal | undefined>
  /**
   * An API token for one service; its secret is returned once.
   * @see README, "Service API tokens"
   */
  createApiToken(
    serviceApiKey: number,
    request?: ApiTokenCreateBody,
  ): Promise<{ id: string; token: string; expiresAt?: number }>
  /** The service's API tokens, oldest first, without secrets. */
  listApiTokens(serviceApiKey: number): Promise<ApiTokenInfo[]>
  /** Revokes the API token at once; false when the service has no such token. */
  deleteApiToken(serviceApiKey: number, id: string): Promise<boolean>
  /**
   * An initial access token; its secret is returned once.
   * @see RFC 7591 §3
   */
  createInitialAccessToken(
    serviceApiKey: number,
    request: InitialAccessTokenRequest,
  ): Promise<{ id: string; token: string; expiresAt: number; maxUses: number }>
  /**
   * Live initial access tokens only (not expired, with uses left), oldest first.
   * @see README, "Registrar's extensions to the API"
   */
  listInitialAccessTokens(
    serviceApiKey: number,
    window: PageWindow,
  ): Promise<Page<InitialAccessTokenRecord>>
  /**
   * Whether the token existed; it stops working at once.
   * @see README, "Registrar's extensions to the API"
   */
  deleteInitialAccessToken(serviceApiKey: number, id: string): Promise<boolean>
  /**
   * Resolves while the database answers.
   * @see README, "Running the server"
   */
  ping(): Promise<void>
  /**
   * Where rate limit buckets are kept right now: `local`, `redis`, or `local (redis
   * unavailable)` while a shared store does not answer.
   * @see README, "Running the server"
   */
  rateLimitMode(): RateLimitMode
}

/** Used client assertions remembered at most (client-credentials.ts). */
const SEEN_ASSERTIONS = 100_000
/** Networks whose refusal events are counted at most (audit-events.ts). */
const REFUSAL_WINDOWS = 10_000

/** The engine over one store; nothing but the decisions leaves it. */
export function createEngine(options: EngineOptions): Engine {
  const { baseUrl } = options
  const now = options.now ?? Date.now
  const randomBytes = options.randomBytes ?? pooledRandomBytes(nodeRandomBytes)
  const context: EngineContext = {
    store: options.store,
    get baseUrl() {
      return (typeof baseUrl === 'function' ? baseUrl() : baseUrl).replace(/\/+$/, '')
    },
    now,
    randomBytes,
    services: new ServiceCache(
      options.store,
      options.serviceCacheMilliseconds ?? 1000,
      now,
      options.serviceCacheSize,
    ),
    idempotency: new IdempotencyKeys(
      options.store,
      randomBytes,
      options.idempotencyWindowMilliseconds ?? DEFAULT_IDEMPOTENCY_WINDOW_MILLISECONDS,
    ),
    rateLimits: {
      limiter: options.rateLimiter ?? new LocalBuckets(options.rateLimitKeys ?? 100_000, now),
      prefixes: options.networkPrefixLengths ?? DEFAULT_NETWORK_PREFIX_LENGTHS,
    },
    audit: options.audit,
    remoteKeySets: new RemoteKeySets({ allowPrivate: options.allowPrivateFetch ?? false }),
    clientIdMetadataDocuments: new ClientIdMetadataDocuments({
      allowPrivate: options.allowPrivateFetch ?? false,
    }),
    seenAssertions: new GenerationalCache(SEEN_ASSERTIONS),
    refusalWindows: new GenerationalCache(REFUSAL_WINDOWS),
  }
  const delivery: WebhookDelivery = {
    ...DEFAULT_WEBHOOK_DELIVERY,
    fetch: globalThis.fetch,
    nodeId: Buffer.from(randomBytes(8)).toString('hex'),
    ...options.webhooks,
  }
  return {
    register: (service, request) => registration.register(context, service, request),
    read: (service, request) => registration.read(context, service, request),
    update: (service, request) => registration.update(context, service, request),
    delete: (service, request) => registration.remove(context, service, request),
    renewSecret: (service, request) => secretRotation.renewOwnSecret(context, service, request),

    createService: (input) => services.createService(context, input),
    refreshServiceSecret: (apiKey) => services.refreshServiceSecret(context, apiKey),
    getService: (apiKey) => context.services.get(apiKey),
    requireService: (apiKey) => services.requireService(context, apiKey),
    listServices: (request) => services.listServices(context, request),
    updateService: (apiKey, input) => services.updateService(context, apiKey, input),
    replacePolicy: (apiKey, policy) => services.replacePolicy(context, apiKey, policy),
    deleteService: (apiKey) => services.deleteService(context, apiKey),
    toAuthleteService: services.toAuthleteService,
    discovery: (service) => discoveryDocument(context, service),

    createClient: (service, input, origin) => clients.createClient(context, service, input, origin),
    requireClient: async (service, clientId, origin) => {
      const url = resolvesDocument(service, clientId)
        ? clientId
        : await numberedDocumentUrl(context, service, clientId)
      if (url !== undefined) return context.clientIdMetadataDocuments.resolve(context, service, url)
      return origin
        ? clients.readClient(context, service, clientId, origin)
        : clients.requireClient(context, service, clientId)
    },
    listClients: (service, request) => clients.listClients(context, service, request),
    updateClient: (service, clientId, input, origin) =>
      clients.updateClient(context, service, clientId, input, origin),
    refreshClientSecret: (service, clientId, origin) =>
      secretRotation.refreshClientSecret(context, service, clientId, origin),
    updateClientSecret: (service, clientId, secret, origin) =>
      secretRotation.updateClientSecret(context, service, clientId, secret, origin),
    deleteClient: (service, clientId, origin) =>
      clients.deleteClient(context, service, clientId, origin),
    reissueRegistrationAccessToken: (service, clientId, origin) =>
      reissueRegistrationAccessToken(context, service, clientId, origin),
    deleteExpiredClients: () => context.store.deleteExpiredClients(context.now()),
    restoreClient: (service, clientId, origin) =>
      lifecycle.restoreClient(context, service, clientId, origin),
    sweepClients: () => lifecycle.sweepClients(context),
    clientOrphans: (service, request) => clientOrphans(context, service, request),
    metadataDocumentVersions: (service, url) => listMetadataDocumentVersions(context, service, url),
    approveMetadataDocument: (service, url, version) =>
      approveMetadataDocumentVersion(context, service, url, version),
    authenticateClientCredentials: (service, credentials, origin) =>
      authenticateClientCredentials(context, service, credentials, origin),
    toAuthleteClient,

    createWebhook: (serviceApiKey, request) =>
      webhooks.createWebhook(context, serviceApiKey, request),
    listWebhooks: (serviceApiKey) => context.store.listWebhooks(serviceApiKey),
    deleteWebhook: (serviceApiKey, id) => webhooks.deleteWebhook(context, serviceApiKey, id),
    listWebhookDeliveries: (serviceApiKey, id) =>
      webhooks.listWebhookDeliveries(context, serviceApiKey, id),
    dispatchWebhooks: () => dispatchWebhooks(context, delivery),
    auditEvents: (service, query) => history.auditEvents(context, service, query),
    clientVersions: (service, clientId) => history.clientVersions(context, service, clientId),
    rollbackClient: (service, clientId, version, origin) =>
      history.rollbackClient(context, service, clientId, version, origin),
    eraseClientHistory: (service, clientId, origin) =>
      history.eraseClientHistory(context, service, clientId, origin),
    verifyAudit: (anchor) => history.verifyAudit(context, anchor),
    recordFailedApiAuthentication: (serviceApiKey, origin) =>
      recordRefusalEvent(context, failedApiAuthenticationEvent(context, serviceApiKey, origin)),

    ensureAdminToken: (configured) => accessTokens.ensureAdminToken(context, configured),
    rotateAdminToken: () => accessTokens.rotateAdminToken(context),
    authenticateBearer: (token) => accessTokens.authenticateBearer(context, token),
    authenticateServiceSecret: (apiKey, apiSecret) =>
      accessTokens.authenticateServiceSecret(context, apiKey, apiSecret),
    createApiToken: (serviceApiKey, request = {}) =>
      accessTokens.createApiToken(context, serviceApiKey, request),
    listApiTokens: (serviceApiKey) => accessTokens.listApiTokens(context, serviceApiKey),
    deleteApiToken: (serviceApiKey, id) => context.store.deleteApiToken(serviceApiKey, id),
    createInitialAccessToken: (serviceApiKey, request) =>
      accessTokens.createInitialAccessToken(context, serviceApiKey, request),
    listInitialAccessTokens: (serviceApiKey, window) =>
      context.store.listInitialAccessTokens(serviceApiKey, context.now(), boundedWindow(window)),
    deleteInitialAccessToken: (serviceApiKey, id) =>
      context.store.deleteInitialAccessToken(serviceApiKey, id),

    ping: () => context.store.ping(),
    rateLimitMode: () => context.rateLimits.limiter.mode(),
  }
}
