/**
 * `registrar/oidc-provider`: node-oidc-provider as the authorization server of clients
 * registered at Registrar. Its Client model reads them through Registrar's API; every
 * other model goes to the adapter you pass. The package oidc-provider is never imported.
 *
 * ```ts
 * const provider = new Provider(issuer, {
 *   adapter: registrarAdapter({ baseUrl, token, serviceId }),
 *   ...registrarConfiguration({ baseUrl, serviceId }),
 * })
 * ```
 *
 * Clients are cached: a client deleted or updated at Registrar is honoured within
 * `ttlMilliseconds` (30 s by default), not at once (see client-adapter.ts).
 * @see RFC 7591 §2, §3; RFC 7592 §2
 */
import { Registrar } from '../sdk/index.js'
import { RegistrarClientAdapter } from './client-adapter.js'
import { memoryAdapter } from './memory-adapter.js'
import { adapterFor, type AdapterConstructor, type AdapterFactory } from './types.js'

export { registrarConfiguration } from './configuration.js'
export type { RegistrarConfiguration, RegistrationEndpointOptions } from './configuration.js'
export { oidcClientMetadataOf } from './client-metadata.js'
export { memoryAdapter } from './memory-adapter.js'
export type { AdapterConstructor, AdapterFactory, AdapterPayload, OidcAdapter } from './types.js'

/** Where the Client model reads clients, how long it keeps them, and the other models' store. */
export interface RegistrarAdapterOptions {
  /** Registrar's base URL, as the SDK takes it. @default none (required) */
  baseUrl: string | URL
  /**
   * A token of the service (`POST /api/{S}/token/create`) or the admin token; it must
   * read clients (`GET /api/{S}/client/get/{id}`). @default none (required)
   */
  token: string
  /**
   * The service's id (its apiKey). An unknown service answers 404 like an unknown client,
   * so a wrong id makes every client unknown rather than failing. @default none (required)
   */
  serviceId: string | number
  /** How long a client, or its absence, is kept. @default 30_000 (ms) */
  ttlMilliseconds?: number
  /** How many client ids are kept at most. @default 1000 */
  maxEntries?: number
  /**
   * The adapter of every other model (Session, AccessToken, Grant, Interaction, ...), a
   * class or a factory as node-oidc-provider takes it.
   * @default memoryAdapter(): in this process's memory, for development and tests
   */
  fallback?: AdapterConstructor | AdapterFactory
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** The clock of the cache, in milliseconds since the epoch. @default Date.now */
  now?: () => number
}

/**
 * A factory for node-oidc-provider's `adapter` option: the Client model reads Registrar
 * (an unknown client is undefined, an API failure throws; upsert and destroy refuse), the
 * other models go to `fallback`.
 * @see RFC 7591 §3 (registration happens at Registrar), RFC 7592 §2
 */
export function registrarAdapter(options: RegistrarAdapterOptions): AdapterFactory {
  const clients = new RegistrarClientAdapter({
    registrar: new Registrar({
      baseUrl: options.baseUrl,
      token: options.token,
      fetch: options.fetch,
    }),
    serviceId: String(options.serviceId),
    ttlMilliseconds: options.ttlMilliseconds ?? 30_000,
    maxEntries: options.maxEntries ?? 1000,
    now: options.now ?? Date.now,
  })
  const fallback = options.fallback ?? memoryAdapter(options.now)
  return (model) => (model === 'Client' ? clients : adapterFor(fallback, model))
}
