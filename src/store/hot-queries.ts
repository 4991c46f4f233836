/**
 * The queries every request runs (reading the service, the client, a bearer token) and
 * the client update, compiled once per store (precompiled.ts). The rest of the store
 * builds its queries per call: they are rare, or their shape varies with the request.
 */
import type { Kysely } from 'kysely'
import { compileOnce, precompile } from './precompiled.js'
import type { toClientChanges } from './rows.js'
import type { Database } from './schema.js'

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

    getClient: precompile(
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
