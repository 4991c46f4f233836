/**
 * The Store over a Kysely instance: one set of queries for SQLite and PostgreSQL.
 * Registrations go through group commit (group-commit.ts); every other write is one
 * statement, committed on its own. Client updates are conditional on the version read
 * (optimistic concurrency), so of two racing updates one wins and the other resolves
 * undefined, and an update racing a delete either lands before it or finds no row.
 */
import {
  sql,
  type CompiledQuery,
  type Insertable,
  type Kysely,
  type QueryResult,
  type SqlBool,
} from 'kysely'
import type {
  ApiTokenRecord,
  AuditEvent,
  ClientCaps,
  ClientRecord,
  ConsumeInitialAccessToken,
  IdempotencyKeyClaim,
  IdempotencyKeyReclaim,
  IdempotencyKeyRecord,
  InitialAccessTokenRecord,
  ListedMetadataDocumentClient,
  MetadataDocumentClient,
  MetadataDocumentVersion,
  NewMetadataDocumentVersion,
  NewClientRecord,
  NewServiceRecord,
  Page,
  PageRequest,
  ReapedClient,
  ClientRestore,
  ServiceRecord,
  Store,
  WebhookStore,
} from '../engine/index.js'
import {
  commitInserts,
  insertPlanner,
  runOnKysely,
  type InsertPlanner,
  type PlannedInsert,
} from './client-insert.js'
import { KyselyAuditTrail } from './audit-trail.js'
import * as lifecycle from './client-lifecycle.js'
import * as documentClients from './metadata-document-clients.js'
import { eventInsert } from './change-events.js'
import type { DatabaseUse } from './database-use.js'
import { GroupCommit } from './group-commit.js'
import { hotQueries, withSeldomColumns, type HotQueries } from './hot-queries.js'
import {
  claimStatement,
  completeStatement,
  deleteBeforeStatement,
  getIdempotencyKey,
  releaseStatement,
} from './idempotency-keys.js'
import { rememberingOpens } from './opened-secrets.js'
import { readPage } from './pages.js'
import {
  toApiTokenRecord,
  toApiTokenRow,
  toClientChanges,
  toClientRecord,
  toInitialAccessTokenRecord,
  toInitialAccessTokenRow,
  toServiceRecord,
  toServiceRow,
} from './rows.js'
import type { ClientRow, Database, Flavor } from './schema.js'
import { PLAINTEXT_SECRETS, type SecretBox } from './secret-box.js'
import { storableRow } from './storable.js'
import { isLiveInitialAccessToken } from './token-liveness.js'
import * as outbox from './webhook-outbox.js'
import * as webhooks from './webhooks.js'
import type { SqliteWorker } from './sqlite/worker.js'

export interface KyselyStoreOptions {
  /** Which SQL the database speaks: registrations are inserted in bulk in its own. */
  flavor: Flavor
  /** Registration transactions in flight at once (SQLite has one writer). @default 1 */
  maxConcurrentBatches?: number
  /** Registrations sharing one transaction at most. @default 256 */
  maxBatchSize?: number
  /** Runs registration batches and client writes on another thread (SQLite's worker) when it can. */
  worker?: Pick<SqliteWorker, 'run' | 'execute' | 'executeChain' | 'seal'>
  /** What the connection is busy with (databaseUse()). @default nothing known */
  use?: () => DatabaseUse
  /** Told of each registration transaction that commits: its size and duration, seconds. */
  onBatch?: (size: number, seconds: number) => void
  /** Seals client secrets at rest (secret-box.ts). @default stored as they are */
  secrets?: SecretBox
}

/** A row's use moves only forward: none recorded yet, or one earlier than `at`. */
const recordedBefore = (at: number) => sql<SqlBool>`(last_used_at is null or last_used_at < ${at})`

/** Expired clients one statement of the sweep deletes at most. */
const EXPIRED_CLIENTS_PER_DELETE = 1000

export class KyselyStore implements Store {
  readonly #db: Kysely<Database>
  /** Each insert with its row, built and checked before it joins a batch. */
  readonly #inserts: GroupCommit<PlannedInsert, ClientRecord>
  readonly #planner: InsertPlanner
  readonly #queries: HotQueries
  readonly #worker: KyselyStoreOptions['worker']
  readonly #flavor: Flavor
  /** The audit history kept in the same database (the engine's AuditTrail port). */
  readonly audit: KyselyAuditTrail
  readonly #use: () => DatabaseUse
  readonly #secrets: SecretBox

  constructor(db: Kysely<Database>, options: KyselyStoreOptions) {
    this.#db = db
    this.#flavor = options.flavor
    this.#queries = hotQueries(options.flavor)
    this.#worker = options.worker
    this.audit = new KyselyAuditTrail(db, { flavor: options.flavor, worker: options.worker })
    this.#use = options.use ?? (() => ({}))
    // Hot clients' secrets are opened once, not on every read (opened-secrets.ts).
    this.#secrets = options.secrets ? rememberingOpens(options.secrets) : PLAINTEXT_SECRETS
    this.#planner = insertPlanner(db, options.flavor, this.#secrets)
    this.#inserts = new GroupCommit({
      commit: (items) =>
        commitInserts(
          items,
          this.#planner,
          (batch) => this.#worker?.run(batch) ?? runOnKysely(db, batch),
        ),
      maxBatchSize: options.maxBatchSize,
      maxConcurrentBatches: options.maxConcurrentBatches,
      // A registration holds its service's row until commit (insert-plan.ts).
      key: (item) => item.insert.record.serviceApiKey,
      onBatch: options.onBatch,
    })
  }

  /** What the database connection is busy with now: a PostgreSQL pool, SQLite's worker. */
  databaseUse(): DatabaseUse {
    return this.#use()
  }

  /** How many registrations were asked for, and in how many transactions. */
  get stats(): { clientInserts: number; clientInsertTransactions: number } {
    return {
      clientInserts: this.#inserts.submitted,
      clientInsertTransactions: this.#inserts.transactions,
    }
  }

  async insertService(record: NewServiceRecord): Promise<ServiceRecord> {
    const row = await this.#db
      .insertInto('services')
      .values(toServiceRow(record))
      .returningAll()
      .executeTakeFirstOrThrow()
    return toServiceRecord(row)
  }

  async getService(apiKey: number): Promise<ServiceRecord | undefined> {
    const [row] = (await this.#queries.getService(this.#db, { apiKey })).rows
    return row && toServiceRecord(row)
  }

  async listServices(page: PageRequest & { apiKeys?: number[] }): Promise<Page<ServiceRecord>> {
    const { apiKeys } = page
    if (apiKeys?.length === 0) return { start: page.start, end: page.end, totalCount: 0, items: [] }
    let query = this.#db.selectFrom('services')
    if (apiKeys) query = query.where('api_key', 'in', apiKeys)
    return readPage(page, query, query.selectAll().orderBy('number'), toServiceRecord)
  }

  async updateService(record: ServiceRecord): Promise<ServiceRecord | undefined> {
    const row = await this.#db
      .updateTable('services')
      .set({
        api_secret_hash: record.apiSecretHash,
        settings: JSON.stringify(record.settings),
        policy: JSON.stringify(record.policy),
        modified_at: record.modifiedAt,
      })
      .where('api_key', '=', record.apiKey)
      .returningAll()
      .executeTakeFirst()
    return row && toServiceRecord(row)
  }

  async deleteService(apiKey: number): Promise<boolean> {
    // Clients and tokens go with it: their foreign keys cascade.
    const result = await this.#db
      .deleteFrom('services')
      .where('api_key', '=', apiKey)
      .executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  async insertClient(
    record: NewClientRecord,
    consume?: ConsumeInitialAccessToken,
    caps?: ClientCaps,
    event?: AuditEvent,
  ): Promise<ClientRecord> {
    // Planned here, not in the batch: a row that cannot be stored fails this call alone.
    return this.#inserts.submit(this.#planner.plan({ record, consume, caps, event }))
  }

  async getClient(serviceApiKey: number, clientId: number): Promise<ClientRecord | undefined> {
    const [row] = (await this.#queries.getClient(this.#db, { serviceApiKey, clientId })).rows
    return row && toClientRecord(withSeldomColumns(row), this.#secrets)
  }

  async listClients(
    serviceApiKey: number,
    page: PageRequest & { developer?: string; now?: number },
  ): Promise<Page<ClientRecord>> {
    const { developer, now } = page
    let query = this.#db
      .selectFrom('clients')
      .where('service_api_key', '=', serviceApiKey)
      .where('deleted_at', 'is', null)
    if (developer !== undefined) query = query.where('developer', '=', developer)
    if (now !== undefined) {
      query = query.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    }
    return readPage(page, query, query.selectAll().orderBy('number'), (row) =>
      toClientRecord(row, this.#secrets),
    )
  }

  async updateClient(record: ClientRecord, event?: AuditEvent): Promise<ClientRecord | undefined> {
    const update = this.#queries.updateClient(this.#db, {
      ...storableRow(() => toClientChanges(record, record.version + 1, this.#secrets)),
      key_service_api_key: record.serviceApiKey,
      key_client_id: record.clientId,
      key_version: record.version,
    })
    const [{ rows }] = event
      ? await this.#writeChain([update, eventInsert(this.#db, event)])
      : [await this.#write(update)]
    const [row] = rows as ClientRow[]
    return row && toClientRecord(row, this.#secrets, record)
  }

  async deleteClient(
    serviceApiKey: number,
    clientId: number,
    event?: AuditEvent,
  ): Promise<boolean> {
    const remove = this.#db
      .deleteFrom('clients')
      .where('service_api_key', '=', serviceApiKey)
      .where('client_id', '=', clientId)
    if (!event) {
      const { numAffectedRows } = await this.#write(remove.compile())
      return (numAffectedRows ?? 0n) > 0n
    }
    const [{ rows }] = await this.#writeChain([
      remove.returning('number').compile(),
      eventInsert(this.#db, event),
    ])
    return rows.length > 0
  }

  async pinMetadataDocument(
    pin: NewMetadataDocumentVersion,
  ): Promise<{ added: boolean; previous?: MetadataDocumentVersion }> {
    const row = await this.#db
      .selectFrom('client_metadata_documents')
      .selectAll()
      .where('service_api_key', '=', pin.serviceApiKey)
      .where('url', '=', pin.url)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
    const previous = row && toMetadataDocumentVersion(row)
    if (previous?.document === pin.document) return { added: false, previous }
    // The primary key keeps a version once: a node that pinned the same change first wins.
    const { numInsertedOrUpdatedRows } = await this.#db
      .insertInto('client_metadata_documents')
      .values({
        service_api_key: pin.serviceApiKey,
        url: pin.url,
        version: (previous?.version ?? 0) + 1,
        document: pin.document,
        fetched_at: pin.fetchedAt,
      })
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst()
    const added = Number(numInsertedOrUpdatedRows ?? 0) > 0
    return previous ? { added, previous } : { added }
  }

  async metadataDocumentVersions(
    serviceApiKey: number,
    url: string,
  ): Promise<MetadataDocumentVersion[]> {
    const rows = await this.#db
      .selectFrom('client_metadata_documents')
      .selectAll()
      .where('service_api_key', '=', serviceApiKey)
      .where('url', '=', url)
      .orderBy('version', 'asc')
      .execute()
    return rows.map(toMetadataDocumentVersion)
  }

  metadataDocumentClient(
    serviceApiKey: number,
    url: string,
  ): Promise<MetadataDocumentClient | undefined> {
    return documentClients.readDocumentClient(this.#db, serviceApiKey, url)
  }

  metadataDocumentUrl(serviceApiKey: number, clientNumber: number): Promise<string | undefined> {
    return documentClients.documentUrl(this.#db, serviceApiKey, clientNumber)
  }

  approveMetadataDocument(serviceApiKey: number, url: string, version: number): Promise<void> {
    return documentClients.approveDocument(this.#db, serviceApiKey, url, version)
  }

  recordMetadataDocumentUse(serviceApiKey: number, url: string, at: number): Promise<void> {
    return documentClients.recordDocumentUse(this.#db, serviceApiKey, url, at)
  }

  listMetadataDocumentClients(
    serviceApiKey: number,
    range: { start: number; end: number },
  ): Promise<ListedMetadataDocumentClient[]> {
    return documentClients.listDocumentClients(this.#db, serviceApiKey, range)
  }

  async recordClientUse(serviceApiKey: number, clientId: number, at: number): Promise<void> {
    await this.#write(
      this.#db
        .updateTable('clients')
        .set({ last_used_at: at })
        .where('service_api_key', '=', serviceApiKey)
        .where('client_id', '=', clientId)
        .where(recordedBefore(at))
        .compile(),
    )
  }

  async deleteExpiredClients(now: number): Promise<number> {
    // In batches, over the expires_at index: a long sweep never holds the write lock for
    // long (SQLite has one writer). The count trigger lowers each service's client_count.
    let deleted = 0
    for (;;) {
      const { numAffectedRows } = await this.#write(
        this.#db
          .deleteFrom('clients')
          .where('number', 'in', (eb) =>
            eb
              .selectFrom('clients')
              .select('number')
              .where('expires_at', '<=', now)
              .limit(EXPIRED_CLIENTS_PER_DELETE),
          )
          .compile(),
      )
      const batch = Number(numAffectedRows ?? 0n)
      deleted += batch
      if (batch < EXPIRED_CLIENTS_PER_DELETE) return deleted
    }
  }

  async hasSoftwareId(serviceApiKey: number, softwareId: string): Promise<boolean> {
    const { rows } = await this.#queries.hasSoftwareId(this.#db, { serviceApiKey, softwareId })
    return rows.length > 0
  }

  async softDeleteClient(
    serviceApiKey: number,
    clientId: number,
    at: number,
    event?: AuditEvent,
  ): Promise<boolean> {
    const mark = lifecycle.softDeleteStatement(this.#db, serviceApiKey, clientId, at)
    const [{ rows }] = event
      ? await this.#writeChain([mark, eventInsert(this.#db, event)])
      : [await this.#write(mark)]
    return rows.length > 0
  }

  async restoreClient(
    serviceApiKey: number,
    clientId: number,
    restore: ClientRestore,
    event?: AuditEvent,
  ): Promise<ClientRecord | undefined> {
    const statement = lifecycle.restoreStatement(this.#db, serviceApiKey, clientId, restore)
    const [{ rows }] = event
      ? await this.#writeChain([statement, eventInsert(this.#db, event)])
      : [await this.#write(statement)]
    const [row] = rows as ClientRow[]
    return row && toClientRecord(row, this.#secrets)
  }

  reapIdleClients(
    serviceApiKey: number,
    reap: { idleBefore: number; limit: number; deleteAt?: number },
    eventsOf?: (reaped: ReapedClient[]) => AuditEvent[],
  ): Promise<ReapedClient[]> {
    return this.#take(lifecycle.reapStatement(this.#db, serviceApiKey, reap), eventsOf)
  }

  purgeDeletedClients(
    serviceApiKey: number,
    purge: { deletedBefore: number; limit: number },
    eventsOf?: (purged: ReapedClient[]) => AuditEvent[],
  ): Promise<ReapedClient[]> {
    return this.#take(lifecycle.purgeStatement(this.#db, serviceApiKey, purge), eventsOf)
  }

  /** Runs a sweep statement, with the events of the clients it took in its transaction. */
  async #take(
    statement: CompiledQuery,
    eventsOf?: (taken: ReapedClient[]) => AuditEvent[],
  ): Promise<ReapedClient[]> {
    type Taken = { client_id: number; number: number; version: number }
    if (!eventsOf) {
      return ((await this.#write(statement)).rows as Taken[]).map(lifecycle.toReapedClient)
    }
    return this.#db.transaction().execute(async (trx) => {
      const taken = ((await trx.executeQuery(statement)).rows as Taken[]).map(
        lifecycle.toReapedClient,
      )
      for (const event of taken.length > 0 ? eventsOf(taken) : []) {
        await trx.executeQuery(eventInsert(this.#db, event))
      }
      return taken
    })
  }

  async insertInitialAccessToken(record: InitialAccessTokenRecord): Promise<void> {
    await this.#insertToken('initial_access_tokens', () => toInitialAccessTokenRow(record))
  }

  async getInitialAccessToken(id: string): Promise<InitialAccessTokenRecord | undefined> {
    const [row] = (await this.#queries.getInitialAccessToken(this.#db, { id })).rows
    return row && toInitialAccessTokenRecord(row)
  }

  async listInitialAccessTokens(
    serviceApiKey: number,
    now: number,
    page: PageRequest,
  ): Promise<Page<InitialAccessTokenRecord>> {
    const query = this.#db
      .selectFrom('initial_access_tokens')
      .where('service_api_key', '=', serviceApiKey)
      .where((eb) => isLiveInitialAccessToken(eb, now))
    const rows = query.selectAll().orderBy('created_at').orderBy('id')
    return readPage(page, query, rows, toInitialAccessTokenRecord)
  }

  async deleteInitialAccessToken(serviceApiKey: number, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('initial_access_tokens')
      .where('service_api_key', '=', serviceApiKey)
      .where('id', '=', id)
      .executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  async insertApiToken(record: ApiTokenRecord): Promise<void> {
    await this.#insertToken('api_tokens', () => toApiTokenRow(record))
  }

  async getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    const [row] = (await this.#queries.getApiToken(this.#db, { id })).rows
    return row && toApiTokenRecord(row)
  }

  async listApiTokens(serviceApiKey: number): Promise<ApiTokenRecord[]> {
    const rows = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('service_api_key', '=', serviceApiKey)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toApiTokenRecord)
  }

  async deleteApiToken(serviceApiKey: number, id: string): Promise<boolean> {
    const { numAffectedRows } = await this.#write(
      this.#db
        .deleteFrom('api_tokens')
        .where('service_api_key', '=', serviceApiKey)
        .where('id', '=', id)
        .compile(),
    )
    return (numAffectedRows ?? 0n) > 0n
  }

  async recordApiTokenUse(id: string, at: number): Promise<void> {
    await this.#write(
      this.#db
        .updateTable('api_tokens')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where(recordedBefore(at))
        .compile(),
    )
  }

  async claimIdempotencyKey(
    claim: IdempotencyKeyRecord,
    reclaim: IdempotencyKeyReclaim,
  ): Promise<IdempotencyKeyClaim> {
    // The row that holds the key may go between the two statements (released, swept):
    // then the claim is made again.
    for (let attempt = 0; ; attempt++) {
      const { rows } = await this.#write(claimStatement(this.#db, claim, reclaim))
      if (rows.length > 0) return { claimed: true }
      const held = await getIdempotencyKey(this.#db, claim.serviceApiKey, claim.keyHash)
      if (held) return { claimed: false, held }
      if (attempt >= 3) throw new Error('the idempotency key kept changing hands')
    }
  }

  getIdempotencyKey(
    serviceApiKey: number,
    keyHash: string,
  ): Promise<IdempotencyKeyRecord | undefined> {
    return getIdempotencyKey(this.#db, serviceApiKey, keyHash)
  }

  async completeIdempotencyKey(claim: IdempotencyKeyRecord, clientId: number): Promise<void> {
    await this.#write(completeStatement(this.#db, claim, clientId))
  }

  async releaseIdempotencyKey(claim: IdempotencyKeyRecord): Promise<void> {
    await this.#write(releaseStatement(this.#db, claim))
  }

  async deleteIdempotencyKeysBefore(before: number): Promise<number> {
    const { numAffectedRows } = await this.#write(deleteBeforeStatement(this.#db, before))
    return Number(numAffectedRows ?? 0n)
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst()
    return row?.value
  }

  async putSetting(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
      .execute()
  }

  async putSettingIfAbsent(key: string, value: string): Promise<string> {
    await this.#db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .execute()
    return (await this.getSetting(key))!
  }

  // Webhooks (webhooks.ts) and their outbox (webhook-outbox.ts), each a statement of its own.
  insertWebhook: WebhookStore['insertWebhook'] = (record) =>
    webhooks.insertWebhook(this.#db, record)
  listWebhooks: WebhookStore['listWebhooks'] = (serviceApiKey) =>
    webhooks.listWebhooks(this.#db, serviceApiKey)
  deleteWebhook: WebhookStore['deleteWebhook'] = (serviceApiKey, id) =>
    webhooks.deleteWebhook(this.#db, serviceApiKey, id)
  listWebhookDeliveries: WebhookStore['listWebhookDeliveries'] = (serviceApiKey, id, limit) =>
    webhooks.listWebhookDeliveries(this.#db, serviceApiKey, id, limit)
  claimWebhookDeliveries: WebhookStore['claimWebhookDeliveries'] = (claim) =>
    outbox.claimWebhookDeliveries(this.#db, this.#flavor, claim)
  completeWebhookDelivery: WebhookStore['completeWebhookDelivery'] = (lease) =>
    outbox.completeWebhookDelivery(this.#db, lease)
  retryWebhookDelivery: WebhookStore['retryWebhookDelivery'] = (lease, retry) =>
    outbox.retryWebhookDelivery(this.#db, lease, retry)
  failWebhookDelivery: WebhookStore['failWebhookDelivery'] = (lease, failure) =>
    outbox.failWebhookDelivery(this.#db, lease, failure)

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db)
  }

  /** A token row, checked (storable.ts) and inserted in a statement of its own. */
  async #insertToken<T extends 'initial_access_tokens' | 'api_tokens'>(
    table: T,
    build: () => Insertable<Database[T]>,
  ): Promise<void> {
    await this.#db.insertInto(table).values(storableRow(build)).execute()
  }

  /**
   * A client or idempotency key write (RFC 7592 update, delete; a claim): on the worker
   * when there is one, else here.
   */
  #write(query: CompiledQuery): Promise<QueryResult<unknown>> {
    return this.#worker?.execute(query) ?? this.#db.executeQuery(query)
  }

  /**
   * The statements in order, in one transaction, each only while the one before it answered
   * rows (a change, then what follows from it); the results of those that ran.
   */
  #writeChain(queries: CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    return (
      this.#worker?.executeChain(queries) ??
      this.#db.transaction().execute(async (trx) => {
        const results: QueryResult<unknown>[] = []
        for (const query of queries) {
          const result = await trx.executeQuery(query)
          results.push(result)
          if (result.rows.length === 0) break
        }
        return results
      })
    )
  }

  /** Lets registrations already submitted commit, then closes the connections. */
  async close(): Promise<void> {
    await this.#inserts.idle()
    await this.audit.idle()
    await this.#db.destroy()
  }
}

function toMetadataDocumentVersion(row: {
  service_api_key: number | string
  url: string
  version: number | string
  document: string
  fetched_at: number | string
}): MetadataDocumentVersion {
  return {
    serviceApiKey: Number(row.service_api_key),
    url: row.url,
    version: Number(row.version),
    document: row.document,
    fetchedAt: Number(row.fetched_at),
  }
}
