/**
 * Opens the store a database URL names: a file path, `sqlite:PATH` or `:memory:` is
 * SQLite; `postgres://` or `postgresql://` is PostgreSQL. The schema is migrated on open.
 *
 * The store's parts: one KyselyStore (kysely-store.ts) serves both databases, with its
 * schema and migrations, the mapping between records and rows (rows.ts), the checks a row
 * passes before it is written (storable.ts), the pages of listings (pages.ts), queries
 * compiled once (precompiled.ts, hot-queries.ts) and registrations committed in groups
 * (group-commit.ts, client-insert.ts, batch-plan.ts, bulk-insert.ts, insert-plan.ts).
 * Client secrets are sealed at rest (secret-box.ts) under a keyring found by secret-keys.ts
 * and checked on open (secret-sealing.ts).
 * sqlite/ opens a SQLite file (its statement cache and the worker thread that commits
 * and checkpoints off the event loop); postgres/ opens a PostgreSQL pool. redis-buckets.ts
 * keeps rate limit buckets in a Redis every node shares (the engine's RateLimiter port).
 */
import type { Kysely } from 'kysely'
import type { DatabaseUse } from './database-use.js'
import { KyselyStore } from './kysely-store.js'
import { migrate } from './migrations.js'
import type { PostgresOptions } from './postgres/index.js'
import type { Database, Flavor } from './schema.js'
import { secretBox, type Keyring } from './secret-box.js'
import { keyringFor } from './secret-keys.js'
import { checkSecrets, resealSecrets } from './secret-sealing.js'
import { exportCipher } from './transfer/export-key.js'
import { exportLines } from './transfer/export-lines.js'
import { importLines, openExport, type ImportReport } from './transfer/import-lines.js'
import type { SqliteWorker } from './sqlite/worker.js'

export type { DatabaseUse } from './database-use.js'
export { KyselyStore } from './kysely-store.js'
export { KyselyAuditTrail } from './audit-trail.js'
export { RedisBuckets, type RedisBucketsOptions } from './redis-buckets.js'
export type { Database, Flavor } from './schema.js'
export {
  formatKeyring,
  newSecretKey,
  parseKeyring,
  secretBox,
  type Keyring,
  type SecretBox,
  type SecretKey,
} from './secret-box.js'
export { keyFileOf, readKeyFile } from './secret-keys.js'
export { readExportKeyFile, WrongExportKeyError } from './transfer/export-key.js'
export type { ExportHeader } from './transfer/export-lines.js'
export type { ImportReport } from './transfer/import-lines.js'
export { MOVED_TABLES, SKIPPED_TABLES } from './transfer/tables.js'

export interface OpenStoreOptions extends PostgresOptions {
  /** Told of each registration transaction that commits: its size and duration, seconds. */
  onBatch?: (size: number, seconds: number) => void
  /**
   * The keys client secrets are sealed with, the first sealing (secret-box.ts).
   * @default for a SQLite file, the keys of its key file `<file>.key`, created on first
   * open; for `:memory:`, a fresh key; PostgreSQL has none and refuses to open
   */
  secretKeys?: Keyring
  /** Told the path of a SQLite key file created by this open: it must be kept with backups. */
  onKeyFileCreated?: (path: string) => void
}

/** An open database, either backend. */
interface Connection {
  db: Kysely<Database>
  /** SQLite's worker thread, for a file. */
  worker?: SqliteWorker
  use: () => DatabaseUse
  /** PostgreSQL: creates the URL's schema when missing. */
  createSchema?: () => Promise<void>
}

/**
 * A migrated database connection, for the store and for tools that need SQL (bench), with
 * the migrations this open applied.
 */
export async function connect(
  url: string,
  options: PostgresOptions = {},
): Promise<Connection & { flavor: Flavor; applied: number[] }> {
  const flavor: Flavor = /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite'
  // Each driver is loaded only for its backend: start-up does not read the other.
  const postgres = flavor === 'postgres' ? await import('./postgres/index.js') : undefined
  const { db, worker, use, createSchema }: Connection = postgres
    ? postgres.openPostgres(url, options)
    : (await import('./sqlite/index.js')).openSqlite(url.replace(/^sqlite:/i, ''))
  let applied: number[]
  try {
    await createSchema?.()
    applied = await migrate(db, flavor)
  } catch (error) {
    await db.destroy()
    throw postgres ? postgres.explainConnectError(error) : error
  }
  return { db, flavor, worker, use, applied }
}

/**
 * The store of the database at `url`, migrated, its client secrets checked against the
 * keyring (and those stored in plaintext sealed) before it answers anything.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<KyselyStore> {
  const { db, flavor, worker, use } = await connect(url, options)
  let secrets
  try {
    secrets = secretBox(keyringFor(url, options.secretKeys, options.onKeyFileCreated))
    await checkSecrets(db, secrets)
  } catch (error) {
    await db.destroy()
    throw error
  }
  // PostgreSQL flushes concurrent commits together itself; SQLite has one writer.
  return new KyselyStore(db, {
    flavor,
    maxConcurrentBatches: flavor === 'postgres' ? 4 : 1,
    worker,
    use,
    onBatch: options.onBatch,
    secrets,
  })
}

/**
 * Seals every client secret of the database at `url` again under the first key of
 * `options.secretKeys` (defaults as openStore's): how many were rewritten, and that key's
 * id. Safe beside servers using the same database (secret-sealing.ts).
 */
export async function rekeySecrets(
  url: string,
  options: OpenStoreOptions = {},
): Promise<{ rewritten: number; keyId: string }> {
  const { db } = await connect(url, options)
  try {
    const secrets = secretBox(keyringFor(url, options.secretKeys))
    await checkSecrets(db, secrets)
    return { rewritten: await resealSecrets(db, secrets), keyId: secrets.keyIds[0] }
  } finally {
    await db.destroy()
  }
}

/** What exportStore and importStore are told beyond how to open the database. */
export interface TransferOptions extends OpenStoreOptions {
  /** The export key file's text (readExportKeyFile): 32 bytes in base64, or a passphrase. */
  exportKey: string
  /** Written into the export's header. */
  registrarVersion?: string
}

/**
 * The export of the database at `url` as JSON lines without their newlines
 * (transfer/export-lines.ts), read in one snapshot; the client secrets are opened with
 * the keyring (defaults as openStore's) and encrypted under the export key.
 */
export async function* exportStore(url: string, options: TransferOptions): AsyncGenerator<string> {
  const { db, flavor } = await connect(url, options)
  try {
    const secrets = secretBox(keyringFor(url, options.secretKeys))
    await checkSecrets(db, secrets)
    const cipher = exportCipher(options.exportKey)
    yield* exportLines({ db, flavor, secrets, cipher, registrarVersion: options.registrarVersion })
  } finally {
    await db.destroy()
  }
}

/**
 * Imports an export into the empty database at `url`, all or nothing
 * (transfer/import-lines.ts): the header and the export key are checked before the
 * database is opened. Client secrets are sealed under its keyring (defaults as
 * openStore's).
 */
export async function importStore(
  url: string,
  options: TransferOptions,
  lines: AsyncIterable<string>,
): Promise<ImportReport> {
  const opened = await openExport(options.exportKey, lines)
  const { db, flavor } = await connect(url, options)
  try {
    const secrets = secretBox(keyringFor(url, options.secretKeys, options.onKeyFileCreated))
    return await importLines({ db, flavor, secrets }, opened)
  } finally {
    await db.destroy()
  }
}
