/**
 * PostgreSQL through a pg Pool, configured from the URL and settings by
 * connection-settings.ts. int8 (bigint ids, timestamps, count(*)) is parsed to a JS
 * number for this pool only: our ids stay below 2^53, and both backends must hand back
 * the same types. The pool's 'error' event (a server that drops an idle connection) gets
 * a listener, so an outage fails the next query instead of crashing the process.
 */
import pg from 'pg'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type { DatabaseUse } from '../database-use.js'
import type { Database } from '../schema.js'
import { poolConfigOf, type PostgresConnectionSettings } from './connection-settings.js'

export {
  explainConnectError,
  PostgresUrlError,
  type PostgresConnectionSettings,
} from './connection-settings.js'

export interface PostgresOptions extends PostgresConnectionSettings {
  /** Told about connection errors that no query is waiting for. @default ignore them */
  onError?: (error: Error) => void
}

const int8AsNumber = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

export interface PostgresConnection {
  db: Kysely<Database>
  /** The pool's connections now. */
  use(): DatabaseUse
  /** Creates the URL's schema when it is missing; the migrations then fill it. */
  createSchema(): Promise<void>
}

/** PostgreSQL's unique_violation: another node created the schema in the meantime. */
const UNIQUE_VIOLATION = '23505'

export function openPostgres(url: string, options: PostgresOptions = {}): PostgresConnection {
  const { config, schema } = poolConfigOf(url, options)
  const pool = new pg.Pool({ ...config, types: int8AsNumber })
  const onError = options.onError ?? (() => {})
  pool.on('error', onError)
  // A client checked out (inside a transaction, between two queries) when its connection
  // drops emits 'error' itself, where the pool's listener does not hear it: without a
  // listener of its own that would crash the process.
  pool.on('connect', (client) => client.on('error', onError))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    use: () => ({
      pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
    }),
    // Only when missing: CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even
    // when the schema exists, which the role that owns only this schema lacks.
    async createSchema() {
      if (schema === undefined) return
      const { rows } = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db)
      if (rows.length > 0) return
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db)
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error
      }
    },
  }
}
