/**
 * The store's metrics, on the server's registry: each registration group commit (how many
 * registrations shared the transaction, how long it took) and what the database connection
 * is busy with, read at scrape time: a PostgreSQL pool's connections, or SQLite's worker
 * queue (`:memory:` has neither, so it shows none). Loaded only when metrics are on.
 */
import { Gauge, Histogram, type Registry } from 'prom-client'
import type { DatabaseUse } from '../store/index.js'

/** Registrations per transaction: one alone up to the batch cap (256). */
const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256]
/** Seconds: an fsync takes 0.1 to 10 ms; the upper buckets catch a stalled disk. */
const COMMIT_SECONDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** The store's onBatch: observes each committed registration transaction. */
export function observeCommits(registry: Registry): (size: number, seconds: number) => void {
  const sizes = new Histogram({
    name: 'registrar_store_commit_batch_size',
    help: 'Registrations committed together in one transaction (group commit)',
    buckets: BATCH_SIZES,
    registers: [registry],
  })
  const durations = new Histogram({
    name: 'registrar_store_commit_duration_seconds',
    help: 'Time one group commit transaction took, from its start to its commit',
    buckets: COMMIT_SECONDS,
    registers: [registry],
  })
  return (size, seconds) => {
    sizes.observe(size)
    durations.observe(seconds)
  }
}

/** A gauge set from the database's use each time the metrics are scraped. */
function gaugeOf(
  registry: Registry,
  name: string,
  help: string,
  value: () => number | undefined,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(value() ?? 0)
    },
  })
}

/** Gauges of what the connection is busy with: those its backend has. */
export function watchDatabaseUse(registry: Registry, read: () => DatabaseUse): void {
  const { pool, workerQueue } = read()
  if (pool) {
    gaugeOf(
      registry,
      'registrar_database_pool_connections',
      'PostgreSQL connections open in the pool, busy or idle',
      () => read().pool?.total,
    )
    gaugeOf(
      registry,
      'registrar_database_pool_idle_connections',
      'PostgreSQL connections open in the pool and idle',
      () => read().pool?.idle,
    )
    gaugeOf(
      registry,
      'registrar_database_pool_waiting_queries',
      'Queries waiting for a PostgreSQL connection from the pool',
      () => read().pool?.waiting,
    )
  }
  if (workerQueue !== undefined) {
    gaugeOf(
      registry,
      'registrar_sqlite_worker_queue',
      "Registration batches and writes sent to SQLite's worker thread and not yet answered",
      () => read().workerQueue,
    )
  }
}
