/**
 * Versioned schema migrations, applied on open. They only go forward: each runs once, in
 * order, recorded in registrar_migrations with the time it was applied, and a database that
 * records a version this code does not know (a newer Registrar migrated it) is refused
 * rather than used. The whole run holds a lock so that nodes starting together take turns:
 * PostgreSQL takes a transaction-scoped advisory lock (DDL is transactional there, so a
 * failed run leaves nothing behind); SQLite takes the write lock up front with BEGIN
 * IMMEDIATE. Whoever comes second finds the work done and applies nothing. A database
 * already current is only read: a role with no right to create tables can run it.
 */
import { sql, type Kysely } from 'kysely'
import { hashSecret } from '../engine/index.js'
import type { Database, Flavor } from './schema.js'

interface Migration {
  version: number
  name: string
  up(db: Kysely<Database>, flavor: Flavor): Promise<void>
}

/** The kind of a registration's event (wire/audit.ts), which partial indexes name. */
const CREATED = sql.lit('client.created')

/** Any fixed 64-bit number of our own; every Registrar node uses the same one. */
const MIGRATION_LOCK_KEY = 75_917_592

const migrations: Migration[] = [
  { version: 1, name: 'initial schema', up: createInitialSchema },
  { version: 2, name: 'service policies and client caps', up: addServicePoliciesAndCaps },
  { version: 3, name: 'idempotency keys', up: addIdempotencyKeys },
  { version: 4, name: 'client expiry', up: addClientExpiry },
  { version: 5, name: 'audit history and webhooks', up: addAuditAndWebhooks },
  { version: 6, name: 'audit events found by client number', up: findAuditEventsByClientNumber },
  { version: 7, name: 'last use, and API token expiry', up: addLastUseAndTokenExpiry },
  { version: 8, name: 'previous client secret', up: addPreviousClientSecret },
  { version: 9, name: 'registration access token lineage', up: addTokenLineage },
  { version: 10, name: 'soft-deleted clients', up: addSoftDeletedClients },
  { version: 11, name: 'pinned client ID metadata documents', up: addMetadataDocuments },
  { version: 12, name: 'metadata document clients', up: addMetadataDocumentClients },
  { version: 13, name: 'service api secrets hashed', up: hashServiceApiSecrets },
  { version: 15, name: 'metadata document client numbers', up: numberMetadataDocumentClients },
]

/** The version a store migrated by this code is at. */
export const SCHEMA_VERSION = migrations.at(-1)!.version
/** Every version a store migrated by this code has applied: numbers may leave gaps. */
export const MIGRATION_VERSIONS = migrations.map((migration) => migration.version)

async function createInitialSchema(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  const serialKey = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('number', flavor === 'sqlite' ? 'integer' : 'bigserial', (col) =>
        flavor === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
      )
  const serviceKey = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('service_api_key', bigint, (col) =>
        col.notNull().references('services.api_key').onDelete('cascade'),
      )

  await serialKey('services')
    .addColumn('api_key', bigint, (col) => col.notNull().unique())
    .addColumn('api_secret', 'text', (col) => col.notNull())
    .addColumn('settings', 'text', (col) => col.notNull())
    .addColumn('created_at', bigint, (col) => col.notNull())
    .addColumn('modified_at', bigint, (col) => col.notNull())
    .execute()

  await serialKey('clients')
    .addColumn('service_api_key', bigint, (col) =>
      col.notNull().references('services.api_key').onDelete('cascade'),
    )
    .addColumn('client_id', bigint, (col) => col.notNull())
    .addColumn('client_secret', 'text')
    .addColumn('client_secret_expires_at', bigint, (col) => col.notNull())
    .addColumn('metadata', 'text', (col) => col.notNull())
    .addColumn('extras', 'text', (col) => col.notNull())
    .addColumn('rat_hash', 'text')
    .addColumn('dynamically_registered', 'integer', (col) => col.notNull())
    .addColumn('developer', 'text', (col) => col.notNull())
    .addColumn('software_id', 'text')
    .addColumn('created_at', bigint, (col) => col.notNull())
    .addColumn('modified_at', bigint, (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addUniqueConstraint('clients_service_client_id_key', ['service_api_key', 'client_id'])
    .execute()
  // Every lookup is an index seek, so its cost stays flat as clients accumulate.
  await db.schema
    .createIndex('clients_service_number')
    .on('clients')
    .columns(['service_api_key', 'number'])
    .execute()
  await db.schema
    .createIndex('clients_service_developer')
    .on('clients')
    .columns(['service_api_key', 'developer', 'number'])
    .execute()
  await db.schema
    .createIndex('clients_service_software_id')
    .on('clients')
    .columns(['service_api_key', 'software_id'])
    .execute()

  await serviceKey('initial_access_tokens')
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('expires_at', bigint, (col) => col.notNull())
    .addColumn('max_uses', 'integer', (col) => col.notNull())
    .addColumn('uses_left', 'integer', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', bigint, (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('initial_access_tokens_service')
    .on('initial_access_tokens')
    .column('service_api_key')
    .execute()

  await serviceKey('api_tokens')
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', bigint, (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('api_tokens_service')
    .on('api_tokens')
    .column('service_api_key')
    .execute()

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .execute()
}

/**
 * Every service gets a policy document (an existing one starts with no rule of its own) and
 * a count of its clients, filled from the rows it has; every client the initial access token
 * it was registered with. The caps a policy sets are counted in the insert's transaction
 * (insert-plan.ts): client_count under maxClients, the other counts over an index each.
 */
async function addServicePoliciesAndCaps(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  await db.schema
    .alterTable('services')
    .addColumn('policy', 'text', (col) => col.notNull().defaultTo('{}'))
    .execute()
  await db.schema
    .alterTable('services')
    .addColumn('client_count', flavor === 'sqlite' ? 'integer' : 'bigint', (col) =>
      col.notNull().defaultTo(0),
    )
    .execute()
  await db
    .updateTable('services')
    .set((eb) => ({
      client_count: eb
        .selectFrom('clients')
        .select((count) => count.fn.countAll<number>().as('clients'))
        .whereRef('clients.service_api_key', '=', 'services.api_key'),
    }))
    .execute()
  await countDeletedClients(db, flavor)

  await db.schema.alterTable('clients').addColumn('initial_access_token_id', 'text').execute()
  // Only clients registered with a token are indexed: most are anonymous.
  await db.schema
    .createIndex('clients_initial_access_token')
    .on('clients')
    .column('initial_access_token_id')
    .where(sql.ref('initial_access_token_id'), 'is not', null)
    .execute()
}

/**
 * Every client deleted, by whatever statement (RFC 7592 delete, the API's, a service's
 * cascade), lowers its service's count in the deleting statement itself: the count never
 * drifts from the rows, and a delete stays one statement (SQLite's worker thread runs it
 * so). A cascade finds its service gone and changes nothing.
 */
async function countDeletedClients(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const decrement = sql`update services set client_count = client_count - 1
    where api_key = old.service_api_key;`
  if (flavor === 'sqlite') {
    await sql`create trigger clients_deleted_count after delete on clients
      begin ${decrement} end`.execute(db)
    return
  }
  await sql`create function clients_deleted_count() returns trigger language plpgsql as $$
    begin ${decrement} return null; end $$`.execute(db)
  await sql`create trigger clients_deleted_count after delete on clients
    for each row execute function clients_deleted_count()`.execute(db)
}

/**
 * Registrations made with an Idempotency-Key: one row per service and key hash, so that of
 * two requests with one key, on any nodes, exactly one claims it. Rows go with their
 * service; expired ones are deleted by created_at, an index range rather than a scan.
 */
async function addIdempotencyKeys(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('service_api_key', bigint, (col) =>
      col.notNull().references('services.api_key').onDelete('cascade'),
    )
    .addColumn('key_hash', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text')
    .addColumn('client_id', bigint)
    .addColumn('created_at', bigint, (col) => col.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['service_api_key', 'key_hash'])
    .execute()
  await db.schema
    .createIndex('idempotency_keys_created_at')
    .on('idempotency_keys')
    .column('created_at')
    .execute()
}

/**
 * When a client stops existing (milliseconds since the epoch, as every time column): set for
 * clients on probation (wire/policy.ts), NULL for the rest. Only expiring clients are
 * indexed, so the sweep's range scan never reads the others.
 */
async function addClientExpiry(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  await db.schema
    .alterTable('clients')
    .addColumn('expires_at', flavor === 'sqlite' ? 'integer' : 'bigint')
    .execute()
  await db.schema
    .createIndex('clients_expires_at')
    .on('clients')
    .column('expires_at')
    .where(sql.ref('expires_at'), 'is not', null)
    .execute()
}

/**
 * The audit history and the webhook outbox (schema.ts). Audit events reference no other
 * table: deleting a service or client leaves its history, and the chain verifiable.
 */
async function addAuditAndWebhooks(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  const serial = (table: 'audit_events' | 'webhook_deliveries') =>
    db.schema
      .createTable(table)
      .addColumn('number', flavor === 'sqlite' ? 'integer' : 'bigserial', (col) =>
        flavor === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
      )

  await serial('audit_events')
    .addColumn('service_api_key', bigint, (col) => col.notNull())
    .addColumn('client_id', bigint)
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('request_id', 'text')
    .addColumn('at', bigint, (col) => col.notNull())
    .addColumn('detail', 'text')
    .addColumn('detail_hash', 'text')
    .addColumn('seq', bigint, (col) => col.unique())
    .addColumn('hash', 'text')
    .execute()
  // The sealer's scan: only unsealed events are indexed.
  await db.schema
    .createIndex('audit_events_unsealed')
    .on('audit_events')
    .column('number')
    .where(sql.ref('seq'), 'is', null)
    .execute()
  // Listings page newest first within a service, or within one client of it.
  await db.schema
    .createIndex('audit_events_service')
    .on('audit_events')
    .columns(['service_api_key', 'number'])
    .execute()
  await db.schema
    .createIndex('audit_events_client')
    .on('audit_events')
    .columns(['service_api_key', 'client_id', 'number'])
    .execute()

  await db.schema
    .createTable('audit_chains')
    .addColumn('chain', 'text', (col) => col.primaryKey())
    .addColumn('head_seq', bigint, (col) => col.notNull())
    .addColumn('head_hash', 'text', (col) => col.notNull())
    .addColumn('pruned_seq', bigint, (col) => col.notNull())
    .addColumn('pruned_hash', 'text', (col) => col.notNull())
    .execute()
  await db
    .insertInto('audit_chains')
    .values({ chain: 'main', head_seq: 0, head_hash: '', pruned_seq: 0, pruned_hash: '' })
    .execute()

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('service_api_key', bigint, (col) =>
      col.notNull().references('services.api_key').onDelete('cascade'),
    )
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('kinds', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', bigint, (col) => col.notNull())
    .execute()
  await db.schema.createIndex('webhooks_service').on('webhooks').column('service_api_key').execute()

  await serial('webhook_deliveries')
    .addColumn('webhook_id', 'text', (col) =>
      col.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('event_number', bigint, (col) => col.notNull())
    .addColumn('client_id', bigint)
    .addColumn('due_at', bigint, (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('leased_until', bigint)
    .addColumn('leased_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('failed_at', bigint)
    .execute()
  // The dispatcher's scan: what is due, and whether an earlier one of the client waits.
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['due_at'])
    .where(sql.ref('failed_at'), 'is', null)
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_client')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'client_id', 'number'])
    .execute()
}

/**
 * A registration's event no longer goes into an index keyed by its random client id: that
 * insert landed on a random page of the index, and writing that page back at every commit
 * was the largest cost the audit history added to a registration. Events now also name
 * the client's row (clients.number, which grows with every registration), so a
 * registration's event is found by it through an index that only ever grows at its end;
 * the other events of a client, off the registration path, keep the index by client id
 * and name the row too, so a deleted client's creation is still found (audit-trail.ts).
 */
async function findAuditEventsByClientNumber(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('client_number', flavor === 'sqlite' ? 'integer' : 'bigint')
    .execute()
  // Events of a live client name its row. Those of a client already deleted name a number
  // of their own, the same for all of them: the negated number of its first event, which no
  // row of clients has.
  await sql`update audit_events set client_number = coalesce(
      (select c.number from clients c
        where c.service_api_key = audit_events.service_api_key
          and c.client_id = audit_events.client_id),
      -(select min(e.number) from audit_events e
        where e.service_api_key = audit_events.service_api_key
          and e.client_id = audit_events.client_id))
    where client_id is not null`.execute(db)
  await db.schema.dropIndex('audit_events_client').execute()
  await db.schema
    .createIndex('audit_events_client')
    .on('audit_events')
    .columns(['service_api_key', 'client_id', 'number'])
    .where(sql.ref('kind'), '<>', CREATED)
    .execute()
  await db.schema
    .createIndex('audit_events_created')
    .on('audit_events')
    .columns(['service_api_key', 'client_number'])
    .where(sql.ref('kind'), '=', CREATED)
    .execute()
}

/**
 * When a client's credentials last authenticated it (engine/last-use.ts), and when a
 * service API token was last used and when it expires (engine/access-tokens.ts).
 */
async function addLastUseAndTokenExpiry(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema.alterTable('clients').addColumn('last_used_at', bigint).execute()
  await db.schema.alterTable('api_tokens').addColumn('expires_at', bigint).execute()
  await db.schema.alterTable('api_tokens').addColumn('last_used_at', bigint).execute()
}

/**
 * The secret a rotation replaced, and until when it is still accepted
 * (engine/secret-rotation.ts): NULL for none. Kept as client_secret is.
 */
async function addPreviousClientSecret(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema.alterTable('clients').addColumn('previous_client_secret', 'text').execute()
  await db.schema.alterTable('clients').addColumn('previous_secret_valid_until', bigint).execute()
}

/**
 * A registration access token's lineage under rotation (engine/token-rotation.ts): the token
 * before the last rotation with its grace, the hashes of retired ones, and when reuse
 * revoked them all. NULL for every client until its service rotates tokens.
 */
async function addTokenLineage(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema.alterTable('clients').addColumn('rat_previous_hash', 'text').execute()
  await db.schema.alterTable('clients').addColumn('rat_previous_valid_until', bigint).execute()
  await db.schema.alterTable('clients').addColumn('rat_retired', 'text').execute()
  await db.schema.alterTable('clients').addColumn('rat_revoked_at', bigint).execute()
}

/**
 * When a client was deleted and kept for a restore (engine/client-lifecycle.ts); NULL for a
 * live one. A marked client leaves its service's count when it is marked and comes back
 * when the mark is cleared, both in the marking statement (a trigger, as for a delete);
 * deleting a marked row (the purge) lowers the count no more. Two partial indexes serve
 * the sweep, service by service: live clients by when they were last used (or created,
 * never used), and marked ones by when they were marked.
 */
async function addSoftDeletedClients(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  await db.schema
    .alterTable('clients')
    .addColumn('deleted_at', flavor === 'sqlite' ? 'integer' : 'bigint')
    .execute()
  const change = sql`update services
    set client_count = client_count + (case when new.deleted_at is null then 1 else -1 end)
    where api_key = new.service_api_key;`
  const marked = sql`(old.deleted_at is null) <> (new.deleted_at is null)`
  if (flavor === 'sqlite') {
    await sql`drop trigger clients_deleted_count`.execute(db)
    await sql`create trigger clients_deleted_count after delete on clients
      when old.deleted_at is null
      begin update services set client_count = client_count - 1
        where api_key = old.service_api_key; end`.execute(db)
    await sql`create trigger clients_marked_count after update of deleted_at on clients
      when ${marked} begin ${change} end`.execute(db)
  } else {
    await sql`drop trigger clients_deleted_count on clients`.execute(db)
    await sql`create trigger clients_deleted_count after delete on clients
      for each row when (old.deleted_at is null)
      execute function clients_deleted_count()`.execute(db)
    await sql`create function clients_marked_count() returns trigger language plpgsql as $$
      begin ${change} return null; end $$`.execute(db)
    await sql`create trigger clients_marked_count after update of deleted_at on clients
      for each row when (${marked}) execute function clients_marked_count()`.execute(db)
  }
  await sql`create index clients_idle on clients
    (service_api_key, (coalesce(last_used_at, created_at))) where deleted_at is null`.execute(db)
  await db.schema
    .createIndex('clients_deleted')
    .on('clients')
    .columns(['service_api_key', 'deleted_at'])
    .where(sql.ref('deleted_at'), 'is not', null)
    .execute()
}

/** Brings the schema up to date; returns the versions it applied (none when current). */
export async function migrate(
  db: Kysely<Database>,
  flavor: Flavor,
  now = Date.now(),
): Promise<number[]> {
  return withMigrationLock(db, flavor, async (trx) => {
    // CREATE TABLE IF NOT EXISTS would need the right to create even when the table exists.
    if (!(await hasMigrationTable(trx, flavor))) {
      await trx.schema
        .createTable('registrar_migrations')
        .addColumn('version', 'integer', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('applied_at', flavor === 'sqlite' ? 'integer' : 'bigint', (col) => col.notNull())
        .execute()
    }
    const rows = await trx.selectFrom('registrar_migrations').select('version').execute()
    const applied = new Set(rows.map((row) => row.version))
    const unknown = [...applied].filter((version) => !MIGRATION_VERSIONS.includes(version))
    if (unknown.length > 0) throw new SchemaTooNewError(Math.max(...applied))
    const pending = migrations.filter((migration) => !applied.has(migration.version))
    for (const migration of pending) {
      await migration.up(trx, flavor)
      await trx
        .insertInto('registrar_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: now })
        .execute()
    }
    return pending.map((migration) => migration.version)
  })
}

/**
 * A database migrated by a newer Registrar: this one would misread or damage what the
 * newer schema keeps, so it does not start (an older binary after a rollback, say).
 */
export class SchemaTooNewError extends Error {
  constructor(readonly databaseVersion: number) {
    super(
      `the database schema is at version ${databaseVersion}, newer than this Registrar knows ` +
        `(version ${SCHEMA_VERSION}): run the Registrar that migrated it, or restore the ` +
        'backup taken before that upgrade',
    )
    this.name = 'SchemaTooNewError'
  }
}

async function hasMigrationTable(db: Kysely<Database>, flavor: Flavor): Promise<boolean> {
  const { rows } =
    flavor === 'postgres'
      ? await sql<{
          present: boolean
        }>`select to_regclass('registrar_migrations') is not null as present`.execute(db)
      : await sql<{ present: number }>`select count(*) as present from sqlite_master
          where type = 'table' and name = 'registrar_migrations'`.execute(db)
  return Boolean(rows[0]?.present)
}

async function withMigrationLock<T>(
  db: Kysely<Database>,
  flavor: Flavor,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (flavor === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx)
      return work(trx)
    })
  }
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn)
    try {
      const result = await work(conn)
      await sql`commit`.execute(conn)
      return result
    } catch (error) {
      await sql`rollback`.execute(conn)
      throw error
    }
  })
}

/** Every version of each Client ID Metadata Document a service fetched (client-id-metadata.ts). */
async function addMetadataDocuments(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema
    .createTable('client_metadata_documents')
    .addColumn('service_api_key', bigint, (col) =>
      col.notNull().references('services.api_key').onDelete('cascade'),
    )
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('document', 'text', (col) => col.notNull())
    .addColumn('fetched_at', bigint, (col) => col.notNull())
    .addPrimaryKeyConstraint('client_metadata_documents_pk', ['service_api_key', 'url', 'version'])
    .execute()
}

/** A document client's approved version and last use (metadata-document-store.ts). */
async function addMetadataDocumentClients(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema
    .createTable('metadata_document_clients')
    .addColumn('service_api_key', bigint, (col) =>
      col.notNull().references('services.api_key').onDelete('cascade'),
    )
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('approved_version', 'integer')
    .addColumn('last_used_at', bigint)
    .addPrimaryKeyConstraint('metadata_document_clients_pk', ['service_api_key', 'url'])
    .execute()
}

/**
 * A document client's own number (metadata-document-store.ts): positive, stable per service
 * and URL, and below the registered clients' ids (secrets.ts mintNumericId), so an
 * Authlete-style caller that keys on clientId tells document clients apart. Rows already
 * there are numbered in URL order.
 */
async function numberMetadataDocumentClients(db: Kysely<Database>, flavor: Flavor): Promise<void> {
  const bigint = flavor === 'sqlite' ? 'integer' : 'bigint'
  await db.schema
    .alterTable('metadata_document_clients')
    .addColumn('client_number', bigint)
    .execute()
  await sql`update metadata_document_clients set client_number = (
      select count(*) from metadata_document_clients earlier
      where earlier.service_api_key = metadata_document_clients.service_api_key
        and earlier.url <= metadata_document_clients.url)`.execute(db)
  await db.schema
    .createIndex('metadata_document_clients_number')
    .unique()
    .on('metadata_document_clients')
    .columns(['service_api_key', 'client_number'])
    .execute()
}

/**
 * A service's apiSecret is a credential (HTTP Basic on the API), so only its hash is kept,
 * like every other bearer secret: the plaintext column becomes a hash column in place.
 */
async function hashServiceApiSecrets(db: Kysely<Database>): Promise<void> {
  await db.schema.alterTable('services').renameColumn('api_secret', 'api_secret_hash').execute()
  const services = await db.selectFrom('services').select(['api_key', 'api_secret_hash']).execute()
  for (const service of services) {
    await db
      .updateTable('services')
      .set({ api_secret_hash: hashSecret(service.api_secret_hash) })
      .where('api_key', '=', service.api_key)
      .execute()
  }
}
