/**
 * What an export holds, table by table: every table of the schema is either moved, with
 * the columns that order it (keyset paging) and the reversible secrets it holds, or left
 * behind with the reason. A table the schema gains must be added to one list or the other
 * (the transfer test compares these with the tables the database has).
 *
 * Rows move as they are, column for column, numbers included: services keep their apiKey
 * and clients their client_id and row number, so registration client URIs, tokens and
 * the audit chain (whose hashes cover each event's number) stay valid. Hashes travel as
 * they are; a reversible secret is encrypted under the export key (export-key.ts).
 */
import type { Database } from '../schema.js'

export type TableName = keyof Database

/** A column holding a secret that can be read back, and the columns naming its owner. */
export interface SecretColumn {
  column: string
  /** The columns whose values name the record: the encryption's additional data. */
  owner: readonly string[]
  /** Sealed at rest under the store's keyring (secret-box.ts), not stored as it is. */
  sealed: boolean
}

export interface MovedTable {
  name: TableName
  /** A unique key, in the order rows are exported. */
  key: readonly string[]
  secrets: readonly SecretColumn[]
}

const CLIENT_OWNER = ['service_api_key', 'client_id'] as const

/** The moved tables, each after those it references (the order of import). */
export const MOVED_TABLES: readonly MovedTable[] = [
  {
    name: 'services',
    key: ['number'],
    // api_secret_hash is a hash, and travels as it is.
    secrets: [],
  },
  {
    name: 'clients',
    key: ['number'],
    secrets: [
      { column: 'client_secret', owner: CLIENT_OWNER, sealed: true },
      { column: 'previous_client_secret', owner: CLIENT_OWNER, sealed: true },
    ],
  },
  { name: 'initial_access_tokens', key: ['id'], secrets: [] },
  { name: 'api_tokens', key: ['id'], secrets: [] },
  // The admin token's hash, among others.
  { name: 'settings', key: ['key'], secrets: [] },
  { name: 'audit_events', key: ['number'], secrets: [] },
  { name: 'audit_chains', key: ['chain'], secrets: [] },
  {
    name: 'webhooks',
    key: ['id'],
    secrets: [{ column: 'secret', owner: ['id'], sealed: false }],
  },
  // Deliveries still owed: the outbox keeps its promise across the move.
  { name: 'webhook_deliveries', key: ['number'], secrets: [] },
  { name: 'client_metadata_documents', key: ['service_api_key', 'url', 'version'], secrets: [] },
  { name: 'metadata_document_clients', key: ['service_api_key', 'url'], secrets: [] },
]

/** The tables left behind, and why. */
export const SKIPPED_TABLES: Readonly<Partial<Record<TableName, string>>> = {
  // A key protects a retry for a day at most (--idempotency-window); a retry across the
  // move registers again, as after the window.
  idempotency_keys: 'short-lived retry keys of registrations',
  registrar_migrations: "the destination's own: its schema is migrated when it is opened",
}

/** The tables whose `number` a database draws from a sequence of its own. */
export const NUMBERED_TABLES = MOVED_TABLES.filter(({ key }) => key.join() === 'number').map(
  ({ name }) => name,
)

/**
 * The chain's row migration 5 writes into every new database, which an import replaces.
 * Any other row in a moved table means the destination is not empty.
 */
export const FRESH_CHAIN = { head_seq: 0, pruned_seq: 0 }

/** A secret's place: whether the store seals it, its owner's ids, and the encryption's additional data. */
export interface SecretPlace {
  sealed: boolean
  /** The service API key and client id of a sealed secret (secret-box.ts). */
  serviceApiKey: number
  clientId: number
  /** The table, the column and the owner's key values. */
  owner: unknown[]
}

/** The row with the value of each secret it holds replaced by what `change` makes of it. */
export function withSecrets(
  table: MovedTable,
  row: Record<string, unknown>,
  change: (value: string, place: SecretPlace) => string,
): Record<string, unknown> {
  if (table.secrets.length === 0) return row
  const changed = { ...row }
  for (const { column, owner, sealed } of table.secrets) {
    const value = row[column]
    if (typeof value !== 'string') continue
    const ids = owner.map((name) => row[name])
    changed[column] = change(value, {
      sealed,
      serviceApiKey: Number(ids[0]),
      clientId: Number(ids[1]),
      owner: [table.name, column, ...ids],
    })
  }
  return changed
}
