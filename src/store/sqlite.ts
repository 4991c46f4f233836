/**
 * SQLite through better-sqlite3. WAL lets readers run beside the writer; with
 * synchronous=FULL every commit is fsynced before it returns, so an acknowledged write
 * survives power loss, not only a crash of the process. Group commit pays that flush once
 * per batch of registrations. Prepared statements are kept for reuse
 * (statement-cache.ts). A file's registration batches are committed (sqlite-writer.ts)
 * and its WAL checkpointed (checkpointer.ts) off the event loop, each by a worker thread
 * with a connection of its own; `:memory:` has no WAL and keeps SQLite's defaults.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, SqliteDriver, type Driver, type SqliteDialectConfig } from 'kysely'
import { startCheckpointer, type CheckpointerOptions } from './checkpointer.js'
import type { Database } from './schema.js'
import { startSqliteWriter, type SqliteWriter } from './sqlite-writer.js'
import { cachingStatements } from './statement-cache.js'

/** How long a write waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MILLISECONDS = 10_000

export interface SqliteOptions {
  checkpoint?: CheckpointerOptions
}

export interface SqliteConnection {
  db: Kysely<Database>
  /** Commits registration batches off the event loop; none for `:memory:`. */
  writer?: SqliteWriter
}

/** A worker thread beside the connection, stopped before the connection closes. */
interface Helper {
  stop(): Promise<void>
}

/** Opens (creating it and its folders when missing) the file at `path`, or `:memory:`. */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteConnection {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new SqliteDatabase(path, { timeout: BUSY_TIMEOUT_MILLISECONDS })
  let writer: SqliteWriter | undefined
  const helpers: Helper[] = []
  try {
    const journalMode = database.pragma('journal_mode = WAL', { simple: true })
    database.pragma('synchronous = FULL')
    database.pragma('foreign_keys = ON')
    if (journalMode === 'wal') {
      writer = startSqliteWriter(path, { busyTimeoutMilliseconds: BUSY_TIMEOUT_MILLISECONDS })
      helpers.push(writer, startCheckpointer(database, path, options.checkpoint))
    }
  } catch (error) {
    database.close()
    throw error
  }
  const db = new Kysely<Database>({
    dialect: new HelpedSqliteDialect({ database: cachingStatements(database) }, helpers),
  })
  return { db, writer }
}

/** Kysely's SQLite dialect, whose destroy() also stops the helper threads. */
class HelpedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  readonly #helpers: Helper[]

  constructor(config: SqliteDialectConfig, helpers: Helper[]) {
    super(config)
    this.#config = config
    this.#helpers = helpers
  }

  override createDriver(): Driver {
    return new HelpedSqliteDriver(this.#config, this.#helpers)
  }
}

class HelpedSqliteDriver extends SqliteDriver {
  readonly #helpers: Helper[]

  constructor(config: SqliteDialectConfig, helpers: Helper[]) {
    super(config)
    this.#helpers = helpers
  }

  /**
   * The helpers' connections close first (the writer's, then the checkpointer's), so the
   * main one is the last open: SQLite then checkpoints whatever is left and removes the
   * WAL as it closes.
   */
  override async destroy(): Promise<void> {
    for (const helper of this.#helpers) await helper.stop()
    await super.destroy()
  }
}
