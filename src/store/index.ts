/**
 * Opens the store a database URL names: a file path, `sqlite:PATH` or `:memory:` is
 * SQLite; `postgres://` or `postgresql://` is PostgreSQL. The schema is migrated on open.
 *
 * The store's parts: one KyselyStore (kysely-store.ts) serves both databases, with its
 * schema and migrations, the mapping between records and rows (rows.ts), the checks a row
 * passes before it is written (storable.ts), the pages of listings (pages.ts), queries
 * compiled once (precompiled.ts, hot-queries.ts) and registrations committed in groups
 * (group-commit.ts, client-insert.ts, batch-plan.ts, bulk-insert.ts, insert-plan.ts).
 * sqlite/ opens a SQLite file (its statement cache and the worker thread that commits
 * and checkpoints off the event loop); postgres/ opens a PostgreSQL pool. redis-buckets.ts
 * keeps rate limit buckets in a Redis every node shares (the engine's RateLimiter port).
 */
import type { Kysely } from 'kysely'
import { KyselyStore } from './kysely-store.js'
import { migrate } from './migrations.js'
import type { PostgresOptions } from './postgres/index.js'
import type { Database, Flavor } from './schema.js'
import type { SqliteWorker } from './sqlite/worker.js'

export { KyselyStore } from './kysely-store.js'
export { KyselyAuditTrail } from './audit-trail.js'
export { RedisBuckets, type RedisBucketsOptions } from './redis-buckets.js'
export type { Database, Flavor } from './schema.js'

export type OpenStoreOptions = PostgresOptions

/** A migrated database connection, for the store and for tools that need SQL (bench). */
export async function connect(
  url: string,
  options: OpenStoreOptions = {},
): Promise<{ db: Kysely<Database>; flavor: Flavor; worker?: SqliteWorker }> {
  const flavor: Flavor = /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite'
  // Each driver is loaded only for its backend: start-up does not read the other.
  const { db, worker } =
    flavor === 'postgres'
      ? { db: (await import('./postgres/index.js')).openPostgres(url, options), worker: undefined }
      : (await import('./sqlite/index.js')).openSqlite(url.replace(/^sqlite:/i, ''))
  try {
    await migrate(db, flavor)
  } catch (error) {
    await db.destroy()
    throw error
  }
  return { db, flavor, worker }
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<KyselyStore> {
  const { db, flavor, worker } = await connect(url, options)
  // PostgreSQL flushes concurrent commits together itself; SQLite has one writer.
  return new KyselyStore(db, {
    flavor,
    maxConcurrentBatches: flavor === 'postgres' ? 4 : 1,
    worker,
  })
}
