/**
 * PostgreSQL through a pg Pool. int8 (bigint ids, timestamps, count(*)) is parsed to a JS
 * number for this pool only: our ids stay below 2^53, and both backends must hand back
 * the same types. The pool's 'error' event (a server that drops an idle connection) gets
 * a listener, so an outage fails the next query instead of crashing the process.
 */
import { userInfo } from 'node:os'
import pg from 'pg'
import { Kysely, PostgresDialect } from 'kysely'
import type { DatabaseUse } from '../database-use.js'
import type { Database } from '../schema.js'

export interface PostgresOptions {
  /** Told about connection errors that no query is waiting for. @default ignore them */
  onError?: (error: Error) => void
  /** Connections in the pool. @default 10 */
  maxConnections?: number
}

const CONNECT_TIMEOUT_MILLISECONDS = 10_000

const int8AsNumber = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/** A URL without a user connects as the OS user, as psql does, even where USER is unset. */
function withDefaultUser(url: string): string {
  const parsed = new URL(url)
  if (parsed.username || !parsed.hostname) return url
  parsed.username = userInfo().username
  return parsed.toString()
}

export interface PostgresConnection {
  db: Kysely<Database>
  /** The pool's connections now. */
  use(): DatabaseUse
}

export function openPostgres(url: string, options: PostgresOptions = {}): PostgresConnection {
  const pool = new pg.Pool({
    connectionString: withDefaultUser(url),
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MILLISECONDS,
    types: int8AsNumber,
  })
  const onError = options.onError ?? (() => {})
  pool.on('error', onError)
  // A client checked out (inside a transaction, between two queries) when its connection
  // drops emits 'error' itself, where the pool's listener does not hear it: without a
  // listener of its own that would crash the process.
  pool.on('connect', (client) => client.on('error', onError))
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    use: () => ({
      pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
    }),
  }
}
