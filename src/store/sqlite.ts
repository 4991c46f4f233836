/**
 * SQLite through better-sqlite3. WAL lets readers run beside the writer; with
 * synchronous=FULL every commit is fsynced before it returns, so an acknowledged write
 * survives power loss, not only a crash of the process. Group commit pays that flush once
 * per batch of registrations. Prepared statements are kept for reuse (statement-cache.ts).
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from './schema.js'
import { cachingStatements } from './statement-cache.js'

/** How long a write waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MILLISECONDS = 10_000

/** Opens (creating it and its folders when missing) the file at `path`, or `:memory:`. */
export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new SqliteDatabase(path, { timeout: BUSY_TIMEOUT_MILLISECONDS })
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = FULL')
  database.pragma('foreign_keys = ON')
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingStatements(database) }),
  })
}
