/**
 * SQLite through better-sqlite3. WAL lets readers run beside the writer; with
 * synchronous=FULL every commit is fsynced before it returns, so an acknowledged write
 * survives power loss, not only a crash of the process. Group commit pays that flush once
 * per batch of registrations. Prepared statements are kept for reuse
 * (statement-cache.ts), and a file's WAL is checkpointed off the event loop
 * (checkpointer.ts); `:memory:` has no WAL and keeps SQLite's defaults.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, SqliteDriver, type Driver, type SqliteDialectConfig } from 'kysely'
import { startCheckpointer, type Checkpointer, type CheckpointerOptions } from './checkpointer.js'
import type { Database } from './schema.js'
import { cachingStatements } from './statement-cache.js'

/** How long a write waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MILLISECONDS = 10_000

export interface SqliteOptions {
  checkpoint?: CheckpointerOptions
}

/** Opens (creating it and its folders when missing) the file at `path`, or `:memory:`. */
export function openSqlite(path: string, options: SqliteOptions = {}): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new SqliteDatabase(path, { timeout: BUSY_TIMEOUT_MILLISECONDS })
  let checkpointer: Checkpointer | undefined
  try {
    const journalMode = database.pragma('journal_mode = WAL', { simple: true })
    database.pragma('synchronous = FULL')
    database.pragma('foreign_keys = ON')
    if (journalMode === 'wal') checkpointer = startCheckpointer(database, path, options.checkpoint)
  } catch (error) {
    database.close()
    throw error
  }
  return new Kysely<Database>({
    dialect: new CheckpointedSqliteDialect({ database: cachingStatements(database) }, checkpointer),
  })
}

/** Kysely's SQLite dialect, whose destroy() also stops the checkpointer. */
class CheckpointedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  readonly #checkpointer: Checkpointer | undefined

  constructor(config: SqliteDialectConfig, checkpointer: Checkpointer | undefined) {
    super(config)
    this.#config = config
    this.#checkpointer = checkpointer
  }

  override createDriver(): Driver {
    return new CheckpointedSqliteDriver(this.#config, this.#checkpointer)
  }
}

class CheckpointedSqliteDriver extends SqliteDriver {
  readonly #checkpointer: Checkpointer | undefined

  constructor(config: SqliteDialectConfig, checkpointer: Checkpointer | undefined) {
    super(config)
    this.#checkpointer = checkpointer
  }

  /**
   * The worker's connection closes first, so the writer's is the last one open: SQLite
   * then checkpoints whatever is left and removes the WAL as it closes.
   */
  override async destroy(): Promise<void> {
    await this.#checkpointer?.stop()
    await super.destroy()
  }
}
