/**
 * The queries every request runs (reading the service, the client, a bearer token) and
 * the client update, compiled once per store (precompiled.ts). The rest of the store
 * builds its queries per call: they are rare, or their shape varies with the request.
 */
import { sql, type Kysely } from 'kysely'
import { compileOnce, precompile } from './precompiled.js'
import { SELDOM_CLIENT_COLUMNS, type toClientChanges } from './rows.js'
import type { ClientRow, Database } from './schema.js'

/**
 * The columns of a client row read on every request: all but the seldom ones and
 * software_id (a copy of a metadata member, for its index).
 */
const USUAL_CLIENT_COLUMNS = [
  'number',
  'service_api_key',
  'client_id',
  'client_secret',
  'client_secret_expires_at',
  'metadata',
  'extras',
  'rat_hash',
  'dynamically_registered',
  'developer',
  'initial_access_token_id',
  'expires_at',
  'last_used_at',
  'created_at',
  'modified_at',
  'version',
] as const satisfies readonly (keyof ClientRow)[]

/** Whether any of `columns` holds a value: true or 1 (PostgreSQL, SQLite), else false or 0. */
function anyValueIn(columns: readonly (keyof ClientRow)[]) {
  const present = columns.map((column) => sql`${sql.ref(column)} is not null`)
  return sql<boolean | number>`(${sql.join(present, sql` or `)})`
}

/** A client update's columns, and the row and version it must find. */
export type ClientUpdate = ReturnType<typeof toClientChanges> & {
  key_service_api_key: number
  key_client_id: number
  key_version: number
}

export type HotQueries = ReturnType<typeof hotQueries>

export function hotQueries() {
  return {
    getService: precompile((db: Kysely<Database>, args: { apiKey: number }) =>
      db.selectFrom('services').selectAll().where('api_key', '=', args.apiKey),
    ),

    /**
     * A client's row without the columns it seldom has a value in, and `seldom` true when
     * it has one there: the store then reads the whole row (getWholeClient). SQLite's driver
     * pays about 0.25 µs for each column of a row, empty or not: the eight left out here
     * were 2.2 µs of a 12 µs lookup (bench/engine-cpu.ts).
     */
    getClient: precompile(
      (db: Kysely<Database>, args: { serviceApiKey: number; clientId: number }) =>
        db
          .selectFrom('clients')
          .select([...USUAL_CLIENT_COLUMNS, anyValueIn(SELDOM_CLIENT_COLUMNS).as('seldom')])
          .where('service_api_key', '=', args.serviceApiKey)
          .where('client_id', '=', args.clientId),
    ),

    getWholeClient: precompile(
      (db: Kysely<Database>, args: { serviceApiKey: number; clientId: number }) =>
        db
          .selectFrom('clients')
          .selectAll()
          .where('service_api_key', '=', args.serviceApiKey)
          .where('client_id', '=', args.clientId),
    ),

    /**
     * Writes only over the version read (optimistic concurrency): one row back, or none.
     * Compiled only: the store runs it where writes run (SQLite's worker thread).
     */
    updateClient: compileOnce(
      (
        db: Kysely<Database>,
        { key_service_api_key, key_client_id, key_version, ...columns }: ClientUpdate,
      ) =>
        db
          .updateTable('clients')
          .set(columns)
          .where('service_api_key', '=', key_service_api_key)
          .where('client_id', '=', key_client_id)
          .where('version', '=', key_version)
          .returningAll(),
    ),

    hasSoftwareId: precompile(
      (db: Kysely<Database>, args: { serviceApiKey: number; softwareId: string }) =>
        db
          .selectFrom('clients')
          .select('number')
          .where('service_api_key', '=', args.serviceApiKey)
          .where('software_id', '=', args.softwareId)
          .where('deleted_at', 'is', null)
          .limit(1),
    ),

    getInitialAccessToken: precompile((db: Kysely<Database>, args: { id: string }) =>
      db.selectFrom('initial_access_tokens').selectAll().where('id', '=', args.id),
    ),

    getApiToken: precompile((db: Kysely<Database>, args: { id: string }) =>
      db.selectFrom('api_tokens').selectAll().where('id', '=', args.id),
    ),
  }
}
