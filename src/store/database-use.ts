/** What the database connection is busy with, read when the server's metrics are scraped. */
export interface DatabaseUse {
  /** PostgreSQL: the pool's connections, open and idle, and the queries waiting for one. */
  pool?: { total: number; idle: number; waiting: number }
  /** SQLite: batches and statements sent to the worker thread and not yet answered. */
  workerQueue?: number
}
