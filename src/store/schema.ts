/**
 * The tables, as Kysely sees them. Both backends store the same shapes: ids and
 * timestamps (milliseconds since the epoch) as 64-bit integers read back as JS numbers,
 * JSON documents as TEXT, booleans as 0/1 integers, so SQLite and PostgreSQL answer
 * identically.
 */
import type { Generated, Insertable, Selectable } from 'kysely'

export interface ServiceTable {
  number: Generated<number>
  api_key: number
  /** SHA-256 of the apiSecret, base64url (migration 13; plaintext before). */
  api_secret_hash: string
  /** ServiceSettings as JSON text. */
  settings: string
  /** Policy as JSON text (migration 2). */
  policy: string
  /**
   * How many clients it holds (migration 2): raised by each insert within the insert's
   * transaction, under the service's cap (insert-plan.ts), lowered by a trigger on every
   * client deleted.
   */
  client_count: Generated<number>
  created_at: number
  modified_at: number
}

export interface ClientTable {
  number: Generated<number>
  service_api_key: number
  client_id: number
  /** Sealed (secret-box.ts); plaintext only in a database not yet opened since sealing came. */
  client_secret: string | null
  client_secret_expires_at: number
  /** ClientMetadata as JSON text. */
  metadata: string
  /** ClientExtras as JSON text. */
  extras: string
  rat_hash: string | null
  /** The token before the last rotation, and until when it works once (migration 9). */
  rat_previous_hash: string | null
  rat_previous_valid_until: number | null
  /** Hashes of retired tokens, a JSON array of strings (migration 9). */
  rat_retired: string | null
  /** When a retired token's reuse revoked the lineage (migration 9). */
  rat_revoked_at: number | null
  dynamically_registered: number
  developer: string
  /** Copied from metadata.software_id so hasSoftwareId is an index lookup. */
  software_id: string | null
  /** The initial access token it was registered with, if any (migration 2). */
  initial_access_token_id: string | null
  /** When it expires, for a client on probation; NULL for never (migration 4). */
  expires_at: number | null
  /** When it last used its credentials or its token, to the hour; NULL for never (migration 7). */
  last_used_at: number | null
  /** When it was deleted, kept for a restore; NULL for a live client (migration 10). */
  deleted_at: number | null
  /** The secret a rotation replaced, kept as client_secret is; NULL for none (migration 8). */
  previous_client_secret: string | null
  /** Until when (exclusive) previous_client_secret is accepted; NULL for none (migration 8). */
  previous_secret_valid_until: number | null
  created_at: number
  modified_at: number
  version: number
}

export interface InitialAccessTokenTable {
  id: string
  service_api_key: number
  secret_hash: string
  expires_at: number
  max_uses: number
  uses_left: number
  description: string | null
  created_at: number
}

export interface ApiTokenTable {
  id: string
  service_api_key: number
  secret_hash: string
  description: string | null
  created_at: number
  /** When it stops working; NULL for never (migration 7). */
  expires_at: number | null
  /** When it last authenticated a call, to the hour; NULL for never (migration 7). */
  last_used_at: number | null
}

export interface SettingTable {
  key: string
  value: string
}

/** Idempotency-Keys of registrations (migration 3): hashes only, never the key itself. */
export interface IdempotencyKeyTable {
  service_api_key: number
  /** SHA-256 of the key, base64url. */
  key_hash: string
  /** SHA-256 of the request body in canonical form, base64url. */
  request_hash: string
  /** SHA-256 of the initial access token presented; NULL when none was. */
  token_hash: string | null
  /** NULL while the registration is in flight. */
  client_id: number | null
  created_at: number
}

/**
 * One audit event (engine/audit.ts). `detail` holds what may be personal (the source
 * address, the metadata and its diff) and is hashed on its own into `detail_hash`: erasing
 * it sets it NULL and leaves the chain verifiable. Events are written unsealed (`seq` and
 * `hash` NULL) with the change they record; a sealer then appends them to the one chain,
 * each `hash` covering the event and the hash before it (store/audit-chain.ts).
 */
export interface AuditEventTable {
  number: Generated<number>
  service_api_key: number
  client_id: number | null
  /**
   * The client's row (clients.number) when the event was written: a registration's event is
   * found by it (migrations.ts, version 6). Not chained: it locates, and client_id records.
   */
  client_number: number | null
  kind: string
  actor: string
  request_id: string | null
  /** Milliseconds since the epoch. */
  at: number
  /** JSON text; NULL once erased. */
  detail: string | null
  /** SHA-256 of the detail as written (of `null` for none); set by the sealer. */
  detail_hash: string | null
  /** The event's place in the chain, from 1; NULL until sealed. */
  seq: number | null
  hash: string | null
}

/**
 * The chain's anchor, one row: the head the sealer has reached (a deleted tail is seen),
 * and where retention has cut its start.
 */
export interface AuditChainTable {
  chain: string
  head_seq: number
  head_hash: string
  /** The last seq retention has deleted (0 for none) and that event's hash. */
  pruned_seq: number
  pruned_hash: string
}

/** A service's webhook: where its events are delivered, and the secret that signs them. */
export interface WebhookTable {
  id: string
  service_api_key: number
  url: string
  /** Kept as issued: every delivery is signed with it. */
  secret: string
  /** The event kinds delivered, comma-separated with a comma at each end (`,client.created,`). */
  kinds: string
  description: string | null
  created_at: number
}

/** An event waiting for one webhook: the durable outbox. Deleted once delivered. */
export interface WebhookDeliveryTable {
  number: Generated<number>
  webhook_id: string
  /** audit_events.number. */
  event_number: number
  /** Deliveries of one client go in event order: a later one waits for an earlier one. */
  client_id: number | null
  /** When it may next be tried (milliseconds since the epoch). */
  due_at: number
  attempts: number
  /** While a node delivers it: until when the node holds it. */
  leased_until: number | null
  /** Which node holds it (its process's node id); NULL when none does. */
  leased_by: string | null
  last_error: string | null
  /** Set once it has failed every attempt: kept for inspection, never tried again. */
  failed_at: number | null
}

/** Client ID Metadata Documents as fetched, one row a version (metadata-document-store.ts). */
export interface ClientMetadataDocumentTable {
  service_api_key: number
  url: string
  version: number
  document: string
  fetched_at: number
}

/** A document client's approved version and last use, one row per service and URL. */
export interface MetadataDocumentClientTable {
  service_api_key: number
  url: string
  approved_version: number | null
  last_used_at: number | null
  /** Set when the row is made (migration 15); null only in a row a node before it wrote. */
  client_number: number | null
}

export interface MigrationTable {
  version: number
  name: string
  applied_at: number
}

export interface Database {
  services: ServiceTable
  clients: ClientTable
  initial_access_tokens: InitialAccessTokenTable
  api_tokens: ApiTokenTable
  settings: SettingTable
  idempotency_keys: IdempotencyKeyTable
  audit_events: AuditEventTable
  audit_chains: AuditChainTable
  webhooks: WebhookTable
  webhook_deliveries: WebhookDeliveryTable
  registrar_migrations: MigrationTable
  client_metadata_documents: ClientMetadataDocumentTable
  metadata_document_clients: MetadataDocumentClientTable
}

export type ServiceRow = Selectable<ServiceTable>
export type ClientRow = Selectable<ClientTable>
export type NewClientRow = Insertable<ClientTable>
export type InitialAccessTokenRow = Selectable<InitialAccessTokenTable>
export type ApiTokenRow = Selectable<ApiTokenTable>
export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>
export type AuditEventRow = Selectable<AuditEventTable>
export type AuditChainRow = Selectable<AuditChainTable>
export type WebhookRow = Selectable<WebhookTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>

/** Which SQL the connection speaks, for the few places where the two differ. */
export type Flavor = 'sqlite' | 'postgres'
