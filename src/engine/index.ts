/** The engine's public face: decisions, records, the Store port and its in-memory implementation. */
export { createEngine, type Engine, type EngineOptions } from './engine.js'
export type { Decision } from './decision.js'
export {
  AUDIT_KINDS,
  type AuditAnchor,
  type AuditDetail,
  type AuditEvent,
  type AuditKind,
  type AuditQuery,
  type AuditTrail,
  type AuditVerification,
  type RequestOrigin,
  type StoredAuditEvent,
} from './audit.js'
export type { ClientVersion } from './client-history.js'
export type { ClientSweepReport } from './client-lifecycle.js'
export type { OrphanRequest } from './client-orphans.js'
export type { ClientSecretRotation } from './secret-rotation.js'
export type { Principal, InitialAccessTokenRequest } from './access-tokens.js'
export type { RegisterRequest, ClientConfigurationRequest, UpdateRequest } from './registration.js'
export type { ReissuedToken } from './token-reissue.js'
export { JWT_BEARER_ASSERTION } from './client-credentials.js'
export type * from './records.js'
export {
  ClientCapReachedError,
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  UnstorableValueError,
  type Store,
  type PageRequest,
  type ConsumeInitialAccessToken,
  type IdempotencyKeyClaim,
  type IdempotencyKeyReclaim,
  type ClientCaps,
  type ReapedClient,
  type ClientRestore,
} from './store.js'
export type * from './webhook-store.js'
export type * from './metadata-document-store.js'
export {
  DEFAULT_WEBHOOK_DELIVERY,
  type WebhookDeliveryOptions,
  type WebhookDispatchReport,
} from './webhook-dispatch.js'
export { webhookSignature } from './webhook-signature.js'
export { MemoryStore } from './memory-store.js'
export { SERVICE_DEFAULTS, type ServiceWithSecret } from './services.js'
export { hashSecret } from './secrets.js'
export { GenerationalCache } from './generational-cache.js'
export {
  LocalBuckets,
  levelAt,
  refusalOf,
  type BucketCheck,
  type BucketRefusal,
  type RateLimiter,
  type RateLimitMode,
} from './token-bucket.js'
export { refusingBucketOf } from './rate-limits.js'
export { DEFAULT_NETWORK_PREFIX_LENGTHS, type NetworkPrefixLengths } from './network-prefix.js'
