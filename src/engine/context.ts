import type { RefusalWindow } from './audit-events.js'
import type { AuditTrail } from './audit.js'
import type { ClientIdMetadataDocuments } from './client-id-metadata.js'
import type { GenerationalCache } from './generational-cache.js'
import type { IdempotencyKeys } from './idempotency.js'
import type { RateLimitContext } from './rate-limits.js'
import type { RemoteKeySets } from './remote-key-sets.js'
import type { RandomBytes } from './secrets.js'
import type { ServiceCache } from './service-cache.js'
import type { Store } from './store.js'

/** What every engine operation works with; built once by createEngine. */
export interface EngineContext {
  store: Store
  /** Public base URL, no trailing slash: issuer and endpoint URLs are built from it. */
  readonly baseUrl: string
  /** Milliseconds since the epoch. */
  now: () => number
  randomBytes: RandomBytes
  services: ServiceCache
  idempotency: IdempotencyKeys
  /** Where the buckets of policy rateLimits are kept, and how addresses group into networks. */
  rateLimits: RateLimitContext
  /** Where audit events are kept; none, none are. */
  audit?: AuditTrail
  /** The JWK Sets clients publish at their jwks_uri. */
  remoteKeySets: RemoteKeySets
  /** Client ID Metadata Documents fetched for URL client_ids, and their cache. */
  clientIdMetadataDocuments: ClientIdMetadataDocuments
  /** Client assertions already used, by client id and jti: until when each is remembered. */
  seenAssertions: GenerationalCache<string, number>
  /** Refusal events written and left out this minute, by kind, service and network. */
  refusalWindows: GenerationalCache<string, RefusalWindow>
}
