/**
 * node-oidc-provider's Client model, read from Registrar instead of stored by the provider:
 * registration happens at Registrar (RFC 7591 §3), so this adapter only finds.
 *
 * Cache: a found client, and an unknown id, is kept for `ttlMilliseconds` (30 s by
 * default) in a cache of at most `maxEntries` ids. So a client deleted or updated at
 * Registrar (RFC 7592 §2.2, §2.3) is honoured by the provider within the TTL, not at once:
 * until then a deleted client still authenticates with its old secret and an updated one
 * keeps its old redirect_uris; likewise a client registered after its id was looked up is
 * unknown until the TTL passes. Concurrent lookups of one id share one API call, and a
 * failed call is not cached.
 */
import { RegistrarApiError, type Registrar } from '../sdk/index.js'
import type { ClientMetadata } from '../wire/index.js'
import { oidcClientMetadataOf } from './client-metadata.js'
import { TtlCache } from './ttl-cache.js'
import type { AdapterPayload, OidcAdapter } from './types.js'

/** Where and how the Client model reads its clients. */
export interface ClientSource {
  registrar: Registrar
  serviceId: string
  ttlMilliseconds: number
  maxEntries: number
  now: () => number
}

export class RegistrarClientAdapter implements OidcAdapter {
  readonly #source: ClientSource
  readonly #cache: TtlCache<Promise<ClientMetadata | undefined>>

  constructor(source: ClientSource) {
    this.#source = source
    this.#cache = new TtlCache(source)
  }

  /**
   * The client's metadata, or undefined for a client Registrar does not know (404).
   * Any other failure of the API throws, so the provider answers server_error rather
   * than treating a client as unknown while Registrar is unreachable.
   */
  async find(id: string): Promise<AdapterPayload | undefined> {
    let pending = this.#cache.get(id)
    if (pending === undefined) {
      pending = this.#read(id)
      this.#cache.set(id, pending)
      const settled = pending
      settled.catch(() => {
        if (this.#cache.get(id) === settled) this.#cache.delete(id)
      })
    }
    const metadata = await pending
    // A copy: node-oidc-provider adjusts the arrays it is given (grant_types).
    return metadata && structuredClone(metadata)
  }

  async #read(id: string): Promise<ClientMetadata | undefined> {
    const { registrar, serviceId } = this.#source
    try {
      return oidcClientMetadataOf(await registrar.clients.get(serviceId, id))
    } catch (error) {
      if (error instanceof RegistrarApiError && error.status === 404) return undefined
      throw error
    }
  }

  /** Refused: clients are registered and updated at Registrar (RFC 7591 §3, RFC 7592 §2.2). */
  async upsert(): Promise<void> {
    throw new Error('clients are registered at Registrar, not through node-oidc-provider')
  }

  /** Refused: clients are deleted at Registrar (RFC 7592 §2.3). */
  async destroy(): Promise<void> {
    throw new Error('clients are deleted at Registrar, not through node-oidc-provider')
  }

  async findByUid(): Promise<undefined> {
    return undefined
  }

  async findByUserCode(): Promise<undefined> {
    return undefined
  }

  async consume(): Promise<void> {}

  async revokeByGrantId(): Promise<void> {}
}
