/**
 * The Store port: everything the engine asks of storage. Implementations live in
 * src/store (SQLite, PostgreSQL) and in memory-store.ts (tests, embedding).
 *
 * Contract every implementation keeps:
 * - A resolved write is durable (committed) before the promise resolves.
 * - insertClient either inserts the client and uses one use of the initial access token
 *   named in `consume`, or does neither (one transaction). It inserts only under `caps`,
 *   counted in that transaction: concurrent inserts, on any node, never overshoot one.
 * - updateClient writes only when the stored version equals `record.version`, and stores
 *   `version + 1`; otherwise it resolves undefined (changed or deleted meanwhile).
 * - An SQL store rejects a value no column can hold as given with UnstorableValueError,
 *   before the write joins any transaction; the engine answers it as a 400.
 * - Storage failures reject with any Error; the engine turns them into server_error.
 */
import type {
  MetadataDocumentClientStore,
  MetadataDocumentStore,
} from './metadata-document-store.js'
import { OAuthError, type OAuthErrorCode } from '../wire/index.js'
import type { AuditEvent, AuditTrail } from './audit.js'
import type {
  ApiTokenRecord,
  ClientRecord,
  IdempotencyKeyRecord,
  InitialAccessTokenRecord,
  NewClientRecord,
  NewServiceRecord,
  Page,
  ServiceRecord,
} from './records.js'
import type { WebhookStore } from './webhook-store.js'

/** The records the port speaks in, so that an implementation imports from one place. */
export type * from './records.js'
export type * from './webhook-store.js'

export interface PageRequest {
  /** Inclusive, from 0. */
  start: number
  /** Exclusive. */
  end: number
}

/** When a claimed Idempotency-Key may be claimed again (milliseconds since the epoch). */
export interface IdempotencyKeyReclaim {
  /** A key claimed before this has expired. */
  expiredBefore: number
  /** A key claimed before this and still without a client was left by a registration that died. */
  abandonedBefore: number
}

/** Whether a claim took the key, or else the record that holds it. */
export type IdempotencyKeyClaim = { claimed: true } | { claimed: false; held: IdempotencyKeyRecord }

/**
 * The most clients an insert may bring each count to; an absent
 * cap is no limit, 0 refuses every insert it counts.
 */
export interface ClientCaps {
  /** Clients of the service. */
  maxClients?: number
  /** Clients of the service with the record's developer. */
  perDeveloper?: number
  /** Clients of the service with the record's software_id; a record without one is not counted. */
  perSoftwareId?: number
  /** Clients registered with the record's initial access token; likewise. */
  perInitialAccessToken?: number
}

/** Which initial access token a registration uses up, and when. */
export interface ConsumeInitialAccessToken {
  id: string
  /** Milliseconds since the epoch; an expired token is not used. */
  now: number
}

/** Which deleted client a restore may bring back, and when it happens. */
export interface ClientRestore {
  /** Only a client deleted at or after this (milliseconds since the epoch). */
  deletedSince: number
  at: number
  /** Only while the service holds fewer live clients than this, when given (policy.maxClients). */
  maxClients?: number
}

/** Webhooks and their outbox are a port of their own (webhook-store.ts), kept by every Store. */
export interface Store extends WebhookStore, MetadataDocumentStore, MetadataDocumentClientStore {
  insertService(record: NewServiceRecord): Promise<ServiceRecord>
  getService(apiKey: number): Promise<ServiceRecord | undefined>
  /** Services by ascending number; only those in `apiKeys` when given. */
  listServices(page: PageRequest & { apiKeys?: number[] }): Promise<Page<ServiceRecord>>
  /** Replaces settings and modifiedAt; undefined when the service is gone. */
  updateService(record: ServiceRecord): Promise<ServiceRecord | undefined>
  /** Deletes the service with its clients and tokens. */
  deleteService(apiKey: number): Promise<boolean>

  /**
   * Rejects with DuplicateClientIdError when the id is taken, with
   * InitialAccessTokenSpentError when `consume` names a token that is gone, expired or
   * has no use left, and with ClientCapReachedError when a count is at its cap. `event`,
   * the registration's audit event, is written in the insert's transaction, into the audit
   * trail the store keeps (`audit`); the engine passes it only to a store whose trail it uses.
   */
  /** The audit trail the store keeps, if any: insertClient writes a registration's event into it. */
  readonly audit?: AuditTrail
  insertClient(
    record: NewClientRecord,
    consume?: ConsumeInitialAccessToken,
    caps?: ClientCaps,
    event?: AuditEvent,
  ): Promise<ClientRecord>
  getClient(serviceApiKey: number, clientId: number): Promise<ClientRecord | undefined>
  /**
   * Clients by ascending number; only one developer's when given, and without those expired
   * at `now` (milliseconds since the epoch) when given.
   */
  listClients(
    serviceApiKey: number,
    page: PageRequest & { developer?: string; now?: number },
  ): Promise<Page<ClientRecord>>
  /** `event`, the update's audit event, is written in its transaction, as insertClient's. */
  updateClient(record: ClientRecord, event?: AuditEvent): Promise<ClientRecord | undefined>
  /** `event`, the deletion's audit event, is written in its transaction, as insertClient's. */
  deleteClient(serviceApiKey: number, clientId: number, event?: AuditEvent): Promise<boolean>
  /** Sets the client's lastUsedAt to `at`, unless it is already later. */
  recordClientUse(serviceApiKey: number, clientId: number, at: number): Promise<void>
  /**
   * Deletes every client whose expiresAt is at or before `now` (milliseconds since the epoch),
   * in every service, each service's client count lowered with it; resolves how many.
   */
  deleteExpiredClients(now: number): Promise<number>
  /** Whether a client of the service registered this software_id (RFC 7591 §2); deleted ones not. */
  hasSoftwareId(serviceApiKey: number, softwareId: string): Promise<boolean>

  // Soft deletion (client-lifecycle.ts): a deleted client keeps its row, marked with
  // deletedAt, until restored or purged. Lists, counts and caps leave it out from the mark on.

  /**
   * Marks the client deleted at `at` (milliseconds since the epoch), bumping its version and
   * lowering its service's client count; false when it is gone or marked already. `event`
   * as deleteClient's.
   */
  softDeleteClient(
    serviceApiKey: number,
    clientId: number,
    at: number,
    event?: AuditEvent,
  ): Promise<boolean>
  /**
   * Clears the mark of a client deleted at or after `deletedSince`, bumping its version and
   * raising the client count, and counts the restore as a use `at` (lastUsedAt moves
   * forward only), so that the client is not reaped again for the idleness it was reaped
   * for; the record restored, or undefined when there is no such client. `event` as
   * deleteClient's.
   */
  restoreClient(
    serviceApiKey: number,
    clientId: number,
    restore: ClientRestore,
    event?: AuditEvent,
  ): Promise<ClientRecord | undefined>
  /**
   * Takes at most `limit` unmarked clients of the service idle since before `idleBefore`
   * (last used then, or created then and never used): marks them deleted at `deleteAt`, or
   * deletes them outright when it is undefined. Resolves the clients taken; their events
   * (`eventsOf`) are written in the same transaction, as deleteClient's.
   */
  reapIdleClients(
    serviceApiKey: number,
    reap: { idleBefore: number; limit: number; deleteAt?: number },
    eventsOf?: (reaped: ReapedClient[]) => AuditEvent[],
  ): Promise<ReapedClient[]>
  /**
   * Deletes at most `limit` clients of the service marked deleted before `deletedBefore`;
   * resolves them, their events written as reapIdleClients's.
   */
  purgeDeletedClients(
    serviceApiKey: number,
    purge: { deletedBefore: number; limit: number },
    eventsOf?: (purged: ReapedClient[]) => AuditEvent[],
  ): Promise<ReapedClient[]>

  insertInitialAccessToken(record: InitialAccessTokenRecord): Promise<void>
  getInitialAccessToken(id: string): Promise<InitialAccessTokenRecord | undefined>
  /** Live tokens only (not expired at `now`, with uses left, not deleted), oldest first. */
  listInitialAccessTokens(
    serviceApiKey: number,
    now: number,
    page: PageRequest,
  ): Promise<Page<InitialAccessTokenRecord>>
  deleteInitialAccessToken(serviceApiKey: number, id: string): Promise<boolean>

  insertApiToken(record: ApiTokenRecord): Promise<void>
  getApiToken(id: string): Promise<ApiTokenRecord | undefined>
  /** The service's API tokens, oldest first. */
  listApiTokens(serviceApiKey: number): Promise<ApiTokenRecord[]>
  /** False when the service has no such token. */
  deleteApiToken(serviceApiKey: number, id: string): Promise<boolean>
  /** Sets the token's lastUsedAt to `at`, unless it is already later. */
  recordApiTokenUse(id: string, at: number): Promise<void>

  /**
   * Claims an Idempotency-Key in one atomic step: stores `claim` (without a client) unless
   * the service holds the key already, in which case a reclaimable record is replaced
   * (`reclaim`) and any other is answered as `held`. Of claims racing for one key, on one
   * node or many, exactly one takes it.
   */
  claimIdempotencyKey(
    claim: IdempotencyKeyRecord,
    reclaim: IdempotencyKeyReclaim,
  ): Promise<IdempotencyKeyClaim>
  getIdempotencyKey(
    serviceApiKey: number,
    keyHash: string,
  ): Promise<IdempotencyKeyRecord | undefined>
  /** Records the client the claim registered, unless the claim was replaced meanwhile. */
  completeIdempotencyKey(claim: IdempotencyKeyRecord, clientId: number): Promise<void>
  /** Removes the claim (the one made at its createdAt), so the key is free again. */
  releaseIdempotencyKey(claim: IdempotencyKeyRecord): Promise<void>
  /** Removes every key claimed before `before`; resolves how many. */
  deleteIdempotencyKeysBefore(before: number): Promise<number>

  /** Small server-wide values, such as the admin token's hash. */
  getSetting(key: string): Promise<string | undefined>
  putSetting(key: string, value: string): Promise<void>
  /** Stores the value unless the key has one; resolves the value stored (of racing nodes, the first). */
  putSettingIfAbsent(key: string, value: string): Promise<string>

  /** Resolves while the database answers. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** A client a sweep took: reaped for idleness or purged after its restore window. */
export type ReapedClient = Pick<ClientRecord, 'clientId' | 'number' | 'version'>

/** The client id is taken already; the engine draws another. */
export class DuplicateClientIdError extends Error {
  constructor(clientId: number) {
    super(`client id ${clientId} is taken`)
    this.name = 'DuplicateClientIdError'
  }
}

/** The initial access token was spent, expired or deleted before it could be used. */
export class InitialAccessTokenSpentError extends Error {
  constructor() {
    super('initial access token has no use left')
    this.name = 'InitialAccessTokenSpentError'
  }
}

/** Inserting the client would take a count past its cap: `cap` names which, `limit` its value. */
export class ClientCapReachedError extends Error {
  constructor(
    readonly cap: keyof ClientCaps,
    readonly limit: number,
  ) {
    super(`${cap} of ${limit} reached`)
    this.name = 'ClientCapReachedError'
  }
}

/**
 * A value a column cannot hold as given (text with U+0000 or an unpaired surrogate, an
 * integer outside the column's range, JSON too deep to serialise): refused before it joins
 * a write, so it fails its own request alone. The engine answers it as a 400.
 */
export class UnstorableValueError extends Error {
  constructor(
    readonly column: string,
    readonly problem: string,
  ) {
    super(`${column} ${problem}`)
    this.name = 'UnstorableValueError'
  }
}

/** The OAuthError a write refused as UnstorableValueError earns; other errors as they are. */
export function refusedWrite(error: unknown, code: OAuthErrorCode): unknown {
  return error instanceof UnstorableValueError
    ? new OAuthError(code, `${error.column} cannot be stored: ${error.problem}`, { cause: error })
    : error
}
