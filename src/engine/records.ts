/**
 * What the engine keeps. A client record holds the effective registered metadata in its
 * wire spelling (snake_case), the Authlete-only management fields apart, and only a hash
 * of its registration access token (RFC 7592 §3). Client secrets are kept as issued: the
 * authorization server needs them to authenticate the client (Authlete's `clientSecret`).
 */
import type { AuthleteClient, AuthleteService, ClientMetadata, Policy } from '../wire/index.js'

/** Service settings: Authlete's Service without its server-assigned members. */
export type ServiceSettings = Omit<
  AuthleteService,
  'number' | 'serviceOwnerNumber' | 'apiKey' | 'apiSecret' | 'createdAt' | 'modifiedAt' | 'metadata'
>

export interface ServiceRecord {
  /** The service id used in every `{serviceId}` path (Authlete's `apiKey`). */
  apiKey: number
  /** Sequence number, assigned by the store. */
  number: number
  /**
   * SHA-256 of the service's apiSecret (secrets.ts): the secret itself is shown once, by
   * service create and by a secret refresh, and kept nowhere.
   */
  apiSecretHash: string
  settings: ServiceSettings
  /** The registration policy document (wire/policy.ts); `{}` sets no rule of its own. */
  policy: Policy
  /** Milliseconds since the epoch. */
  createdAt: number
  modifiedAt: number
}

export type NewServiceRecord = Omit<ServiceRecord, 'number'>

/** Authlete Client members that have no RFC 7591 metadata counterpart. */
export type ClientExtras = Omit<
  AuthleteClient,
  | 'number'
  | 'serviceNumber'
  | 'clientId'
  | 'clientSecret'
  | 'createdAt'
  | 'modifiedAt'
  | 'dynamicallyRegistered'
  | 'registrationAccessTokenHash'
  | 'developer'
>

export interface ClientRecord {
  serviceApiKey: number
  /** Numeric client id; `client_id` on the wire is its decimal string. */
  clientId: number
  /** Sequence number, assigned by the store. */
  number: number
  /** Absent when the auth method needs no secret. */
  clientSecret?: string
  /** Seconds since the epoch; 0 = never (RFC 7591 §3.2.1). */
  clientSecretExpiresAt: number
  /**
   * The secret a rotation replaced, still accepted until previousSecretValidUntil (the
   * service's clientSecretRotationOverlap, secret-rotation.ts); absent when there is none.
   * Kept as clientSecret is.
   */
  previousClientSecret?: string
  /** Milliseconds since the epoch: previousClientSecret is accepted before this instant. */
  previousSecretValidUntil?: number
  /** The effective registered metadata (defaults applied, unknown members dropped). */
  metadata: ClientMetadata
  /** Management-only fields (clientType, description, attributes, ...). */
  extras: ClientExtras
  /** SHA-256 of the registration access token, base64url; absent for non-DCR clients. */
  registrationAccessTokenHash?: string
  /**
   * The token's lineage under rotation (token-rotation.ts): the hash of the token before the
   * last rotation, good once until previousValidUntil (ms); absent when none is.
   */
  registrationAccessTokenPreviousHash?: string
  registrationAccessTokenPreviousValidUntil?: number
  /** Hashes of the client's retired tokens, oldest first, at most RETIRED_TOKENS_KEPT. */
  registrationAccessTokenRetiredHashes?: string[]
  /**
   * When a retired token's reuse revoked the lineage (ms): the client then has no token
   * (registrationAccessTokenHash absent) until an administrator issues one.
   */
  registrationAccessTokenRevokedAt?: number
  dynamicallyRegistered: boolean
  developer: string
  /**
   * The id of the initial access token it was registered with (RFC 7591 §3); absent for an
   * anonymous registration. Its RFC 7592 updates are held to the same rules as its registration.
   */
  initialAccessTokenId?: string
  /**
   * When the client stops existing, in milliseconds since the epoch; absent for never. Set
   * for an anonymous client on probation (wire/policy.ts); from then on it is unknown to
   * every endpoint (isExpired), whether or not the sweep has deleted it yet.
   */
  expiresAt?: number
  /**
   * When it last used its credentials (client/authenticate) or its registration access token
   * (RFC 7592), milliseconds since the epoch, kept to the hour (last-use.ts); absent for
   * never. The store keeps it apart: an update of the client leaves it as it is.
   */
  lastUsedAt?: number
  /**
   * When it was deleted or reaped and kept for a restore (the service's
   * clientRestoreWindow), milliseconds since the epoch; absent for a live client. From then
   * on it is unknown to every endpoint (isGone) until restored or purged.
   */
  deletedAt?: number
  /** Milliseconds since the epoch. */
  createdAt: number
  modifiedAt: number
  /** Optimistic-concurrency version, bumped by every update. */
  version: number
}

export type NewClientRecord = Omit<ClientRecord, 'number' | 'version' | 'lastUsedAt' | 'deletedAt'>

/** Whether the client has expired at `now` (milliseconds): an expired client is unknown. */
export function isExpired(record: Pick<ClientRecord, 'expiresAt'>, now: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now
}

/**
 * Whether the client is unknown at `now` (milliseconds): expired, or deleted and kept only
 * for a restore. The one check every endpoint makes (find-client.ts), so that no answer
 * waits for a sweep (RFC 7592 §2.3: a deleted client's credentials stop working at once).
 */
export function isGone(
  record: Pick<ClientRecord, 'expiresAt' | 'deletedAt'>,
  now: number,
): boolean {
  return record.deletedAt !== undefined || isExpired(record, now)
}

/** An initial access token (RFC 7591 §3): only the hash of its secret is kept. */
export interface InitialAccessTokenRecord {
  id: string
  serviceApiKey: number
  secretHash: string
  /** Milliseconds since the epoch; 0 = never. */
  expiresAt: number
  /** 0 = unlimited. */
  maxUses: number
  /** Uses left when maxUses > 0. */
  usesLeft: number
  description?: string
  createdAt: number
}

/** A service-scoped API bearer token: only the hash of its secret is kept. */
export interface ApiTokenRecord {
  id: string
  serviceApiKey: number
  secretHash: string
  description?: string
  createdAt: number
  /** When it stops working, milliseconds since the epoch; absent for never. */
  expiresAt?: number
  /** When it last authenticated a call, kept to the hour; absent for never. */
  lastUsedAt?: number
}

/**
 * An Idempotency-Key a registration was made with, for one service: only hashes of the key
 * and of what was sent with it, and the client it registered (draft-ietf-httpapi-
 * idempotency-key-header §2).
 */
export interface IdempotencyKeyRecord {
  serviceApiKey: number
  /** SHA-256 of the key, base64url: the key itself is never stored. */
  keyHash: string
  /** SHA-256 of the request body in canonical form, base64url. */
  requestHash: string
  /** SHA-256 of the initial access token presented, base64url; absent when none was. */
  tokenHash?: string
  /** The client registered; absent while the registration is in flight. */
  clientId?: number
  /** Milliseconds since the epoch: when the key was claimed. */
  createdAt: number
}

/** One page of a listing: `start` inclusive, `end` exclusive, as Authlete's list APIs. */
export interface Page<T> {
  start: number
  end: number
  totalCount: number
  items: T[]
}
