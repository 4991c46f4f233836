/**
 * Services are read on every registration request but change rarely, so they are kept in
 * memory for a short while. A change made through this engine is seen at once; one made
 * by another node (PostgreSQL, many stateless nodes) within `ttlMilliseconds`. Unknown
 * ids are remembered too, so a flood of them does not reach the database; anyone may send
 * them, so the cache holds at most `capacity` entries.
 */
import { policyOf, type RegistrationPolicy } from '../metadata/index.js'
import { GenerationalCache } from './generational-cache.js'
import type { ServiceRecord } from './records.js'
import type { Store } from './store.js'

interface Entry {
  service: ServiceRecord | undefined
  expiresAt: number
}

/** Services and unknown ids kept at most, by default: a few megabytes. */
const DEFAULT_SERVICE_CACHE_SIZE = 10_000

export class ServiceCache {
  readonly #entries: GenerationalCache<number, Entry>
  readonly #store: Store
  readonly #ttlMilliseconds: number
  readonly #now: () => number

  constructor(
    store: Store,
    ttlMilliseconds: number,
    now: () => number,
    capacity = DEFAULT_SERVICE_CACHE_SIZE,
  ) {
    this.#store = store
    this.#ttlMilliseconds = ttlMilliseconds
    this.#now = now
    this.#entries = new GenerationalCache(capacity)
  }

  /** The service, from memory while fresh; cached records are shared, never to be changed. */
  async get(apiKey: number): Promise<ServiceRecord | undefined> {
    const now = this.#now()
    const cached = this.#entries.get(apiKey)
    if (cached && cached.expiresAt > now) return cached.service
    const service = await this.#store.getService(apiKey)
    if (this.#ttlMilliseconds > 0) {
      this.#entries.set(apiKey, { service, expiresAt: now + this.#ttlMilliseconds })
    }
    return service
  }

  /** Forgets a service this engine has just changed or deleted. */
  forget(apiKey: number): void {
    this.#entries.delete(apiKey)
  }
}

const policies = new WeakMap<ServiceRecord, RegistrationPolicy>()

/** The service's registration policy, derived once per service record. */
export function policyFor(service: ServiceRecord): RegistrationPolicy {
  let policy = policies.get(service)
  if (!policy) {
    policy = policyOf(service.settings, service.policy)
    policies.set(service, policy)
  }
  return policy
}
