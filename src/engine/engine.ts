/**
 * createEngine: the engine's one entry point. It binds storage, the base URL, the clock and
 * randomness once, and offers every decision Registrar makes.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto'
import {
  boundedWindow,
  type AuthleteClient,
  type AuthleteService,
  type PageWindow,
} from '../wire/index.js'
import * as accessTokens from './access-tokens.js'
import { toAuthleteClient } from './client-views.js'
import * as clients from './clients.js'
import type { EngineContext } from './context.js'
import { discoveryDocument, issuerOf } from './discovery.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import * as registration from './registration.js'
import { pooledRandomBytes, type RandomBytes } from './secrets.js'
import { ServiceCache } from './service-cache.js'
import * as services from './services.js'
import type { Store } from './store.js'

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
}

/** @see RFC 7591, RFC 7592, ../shared/spec/authlete-api.md */
export function createEngine(options: EngineOptions) {
  const { baseUrl } = options
  const now = options.now ?? Date.now
  const context: EngineContext = {
    store: options.store,
    get baseUrl() {
      return (typeof baseUrl === 'function' ? baseUrl() : baseUrl).replace(/\/+$/, '')
    },
    now,
    randomBytes: options.randomBytes ?? pooledRandomBytes(nodeRandomBytes),
    services: new ServiceCache(
      options.store,
      options.serviceCacheMilliseconds ?? 1000,
      now,
      options.serviceCacheSize,
    ),
  }
  return {
    context,
    store: context.store,

    register: (service: ServiceRecord, request: registration.RegisterRequest) =>
      registration.register(context, service, request),
    read: (service: ServiceRecord, request: registration.ClientConfigurationRequest) =>
      registration.read(context, service, request),
    update: (service: ServiceRecord, request: registration.UpdateRequest) =>
      registration.update(context, service, request),
    delete: (service: ServiceRecord, request: registration.ClientConfigurationRequest) =>
      registration.remove(context, service, request),

    createService: (input: AuthleteService) => services.createService(context, input),
    getService: (apiKey: number) => context.services.get(apiKey),
    requireService: (apiKey: number) => services.requireService(context, apiKey),
    listServices: (request: { start: number; end: number; apiKeys?: number[] }) =>
      services.listServices(context, request),
    updateService: (apiKey: number, input: AuthleteService) =>
      services.updateService(context, apiKey, input),
    deleteService: (apiKey: number) => services.deleteService(context, apiKey),
    toAuthleteService: services.toAuthleteService,
    discovery: (service: ServiceRecord) => discoveryDocument(context, service),
    issuerOf: (service: ServiceRecord) => issuerOf(context, service),

    createClient: (service: ServiceRecord, input: AuthleteClient) =>
      clients.createClient(context, service, input),
    requireClient: (service: ServiceRecord, clientId: string | number) =>
      clients.requireClient(context, service, clientId),
    listClients: (
      service: ServiceRecord,
      request: { start: number; end: number; developer?: string },
    ) => clients.listClients(context, service, request),
    updateClient: (service: ServiceRecord, clientId: string | number, input: AuthleteClient) =>
      clients.updateClient(context, service, clientId, input),
    deleteClient: (service: ServiceRecord, clientId: string | number) =>
      clients.deleteClient(context, service, clientId),
    toAuthleteClient: (service: ServiceRecord, record: ClientRecord) =>
      toAuthleteClient(service, record),

    ensureAdminToken: (configured: string | undefined) =>
      accessTokens.ensureAdminToken(context, configured),
    authenticateBearer: (adminTokenHash: string, token: string) =>
      accessTokens.authenticateBearer(context, adminTokenHash, token),
    createApiToken: (serviceApiKey: number, description?: string) =>
      accessTokens.createApiToken(context, serviceApiKey, description),
    createInitialAccessToken: (
      serviceApiKey: number,
      request: accessTokens.InitialAccessTokenRequest,
    ) => accessTokens.createInitialAccessToken(context, serviceApiKey, request),
    listInitialAccessTokens: (serviceApiKey: number, window: PageWindow) =>
      context.store.listInitialAccessTokens(serviceApiKey, context.now(), boundedWindow(window)),
    deleteInitialAccessToken: (serviceApiKey: number, id: string) =>
      context.store.deleteInitialAccessToken(serviceApiKey, id),
  }
}

export type Engine = ReturnType<typeof createEngine>
