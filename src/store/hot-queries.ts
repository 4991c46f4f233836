/**
 * The queries every request runs (reading the service, the client, a bearer token) and
 * the client update, compiled once per store (precompiled.ts). The rest of the store
 * builds its queries per call: they are rare, or their shape varies with the request.
 */
import { sql, type Kysely } from 'kysely'
import { compileOnce, precompile } from './precompiled.js'
import { SELDOM_CLIENT_COLUMNS, type toClientChanges } from './rows.js'
import type { ClientRow, Database, Flavor } from './schema.js'

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

/**
 * The seldom columns (rows.ts) packed into one, `seldom`: a JSON array of their values in
 * SELDOM_CLIENT_COLUMNS order, NULL when all of them are. SQLite's driver pays about
 * 0.25 µs for each column of a row, empty or not: these seven were 2 µs of a 12 µs lookup
 * (bench/engine-cpu.ts). withSeldomColumns unpacks them.
 */
function packedSeldomColumns(flavor: Flavor) {
  const array = sql.raw(flavor === 'postgres' ? 'json_build_array' : 'json_array')
  const any = SELDOM_CLIENT_COLUMNS.map((column) => sql`${sql.ref(column)} is not null`)
  const values = SELDOM_CLIENT_COLUMNS.map((column) => sql.ref(column))
  // PostgreSQL's driver parses a json value; SQLite answers its text.
  return sql<
    string | unknown[] | null
  >`case when ${sql.join(any, sql` or `)} then ${array}(${sql.join(values)}) end`
}

/** A row getClient read, whole: its seldom columns unpacked (absent when all are NULL). */
export function withSeldomColumns<Row extends { seldom: string | unknown[] | null }>(
  row: Row,
): Row & Partial<ClientRow> {
  if (row.seldom === null) return row
  const values = typeof row.seldom === 'string' ? JSON.parse(row.seldom) : row.seldom
  const columns = SELDOM_CLIENT_COLUMNS.map((column, index) => [column, values[index]])
  return Object.assign(row, Object.fromEntries(columns))
}

/** A client update's columns, and the row and version it must find. */
export type ClientUpdate = ReturnType<typeof toClientChanges> & {
  key_service_api_key: number
  key_client_id: number
  key_version: number
}

export type HotQueries = ReturnType<typeof hotQueries>

export function hotQueries(flavor: Flavor) {
  return {
    getService: precompile((db: Kysely<Database>, args: { apiKey: number }) =>
      db.selectFrom('services').selectAll().where('api_key', '=', args.apiKey),
    ),

    /** A client's row, its seldom columns packed into one (packedSeldomColumns). */
    getClient: precompile(
      (db: Kysely<Database>, args: { serviceApiKey: number; clientId: number }) =>
        db
          .selectFrom('clients')
          .select([...USUAL_CLIENT_COLUMNS, packedSeldomColumns(flavor).as('seldom')])
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
