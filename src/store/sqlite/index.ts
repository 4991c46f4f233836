/**
 * SQLite through better-sqlite3. WAL lets readers run beside the writer; with
 * synchronous=FULL every commit is fsynced before it returns, so an acknowledged write
 * survives power loss, not only a crash of the process. Group commit pays that flush once
 * per batch of registrations. Prepared statements are kept for reuse
 * (statement-cache.ts). A file's registration batches are committed and its WAL
 * checkpointed off the event loop, by a worker thread with a connection of its own
 * (worker.ts); `:memory:` has no WAL and keeps SQLite's defaults.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, SqliteDriver, type Driver, type SqliteDialectConfig } from 'kysely'
import type { DatabaseUse } from '../database-use.js'
import type { Database } from '../schema.js'
import { startSqliteWorker, type SqliteWorker, type SqliteWorkerOptions } from './worker.js'
import { cachingStatements } from './statement-cache.js'

/** How long a write waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MILLISECONDS = 10_000

export interface SqliteOptions {
  checkpoint?: SqliteWorkerOptions['checkpoint']
}

export interface SqliteConnection {
  db: Kysely<Database>
  /** Commits registration batches off the event loop; none for `:memory:`. */
  worker?: SqliteWorker
  /** The worker's queue now; nothing for `:memory:`, whose writes never wait for a thread. */
  use(): DatabaseUse
}

/**
 * The database holds client secrets' hashes and client metadata: it is for its owner only.
 * Folders created for it are 0700; the file is created 0600
 * before SQLite opens it, and an existing one is made 0600. SQLite creates the WAL and SHM
 * files with the database file's mode, so they follow; existing ones are made 0600 too.
 */
function keepPrivate(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600)
  }
}

/** Opens (creating it and its folders when missing) the file at `path`, or `:memory:`. */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteConnection {
  if (path !== ':memory:') keepPrivate(path)
  const database = new SqliteDatabase(path, { timeout: BUSY_TIMEOUT_MILLISECONDS })
  let worker: SqliteWorker | undefined
  try {
    const journalMode = database.pragma('journal_mode = WAL', { simple: true })
    database.pragma('synchronous = FULL')
    database.pragma('foreign_keys = ON')
    if (journalMode === 'wal') {
      worker = startSqliteWorker(database, path, {
        busyTimeoutMilliseconds: BUSY_TIMEOUT_MILLISECONDS,
        checkpoint: options.checkpoint,
      })
    }
  } catch (error) {
    database.close()
    throw error
  }
  const db = new Kysely<Database>({
    dialect: new WorkerSqliteDialect({ database: cachingStatements(database) }, worker),
  })
  return { db, worker, use: () => (worker ? { workerQueue: worker.queued() } : {}) }
}

/** Kysely's SQLite dialect, whose destroy() also stops the worker. */
class WorkerSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  readonly #worker: SqliteWorker | undefined

  constructor(config: SqliteDialectConfig, worker: SqliteWorker | undefined) {
    super(config)
    this.#config = config
    this.#worker = worker
  }

  override createDriver(): Driver {
    return new WorkerSqliteDriver(this.#config, this.#worker)
  }
}

class WorkerSqliteDriver extends SqliteDriver {
  readonly #worker: SqliteWorker | undefined

  constructor(config: SqliteDialectConfig, worker: SqliteWorker | undefined) {
    super(config)
    this.#worker = worker
  }

  /**
   * The worker's connection closes first, so the main one is the last open: SQLite then
   * checkpoints whatever is left and removes the WAL as it closes.
   */
  override async destroy(): Promise<void> {
    await this.#worker?.stop()
    await super.destroy()
  }
}
