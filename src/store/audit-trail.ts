/**
 * The AuditTrail over the store's database: events appended in groups (one statement,
 * one commit, for every event that arrived together), listed by the API, sealed into the
 * chain, verified, pruned and erased (audit-chain.ts).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type {
  AuditAnchor,
  AuditDetail,
  AuditEvent,
  AuditKind,
  AuditQuery,
  AuditTrail,
  AuditVerification,
  StoredAuditEvent,
} from '../engine/index.js'
import { CHAIN, pruneChain, sealOnKysely, sealScript, verifyChain } from './audit-chain.js'
import type { SealScript } from './audit-seal.js'
import { clientEventFilters, type EventFilter } from './client-events.js'
import { GroupCommit, type Outcome } from './group-commit.js'
import type { AuditEventRow, Database, Flavor } from './schema.js'
import type { SqliteWorker } from './sqlite/worker.js'

export interface KyselyAuditTrailOptions {
  flavor: Flavor
  /** Runs the appends and seals on another thread (SQLite's worker) when it can. */
  worker?: Pick<SqliteWorker, 'execute' | 'seal'>
}

/** Events one statement appends at most (well under SQLite's 32,766 parameters). */
const MAX_APPEND = 256

export class KyselyAuditTrail implements AuditTrail {
  readonly #db: Kysely<Database>
  readonly #flavor: Flavor
  readonly #appends: GroupCommit<EventRow, void>
  readonly #worker: KyselyAuditTrailOptions['worker']
  /** The seal's statements, compiled at the first seal. */
  #sealScript: SealScript | undefined

  constructor(db: Kysely<Database>, options: KyselyAuditTrailOptions) {
    this.#db = db
    this.#flavor = options.flavor
    const { worker } = options
    this.#worker = worker
    this.#appends = new GroupCommit({
      commit: async (rows) => {
        const query = db
          .insertInto('audit_events')
          .values(rows.map((row) => ({ ...row, client_number: clientNumberOf(row) })))
          .compile()
        await (worker?.execute(query) ?? db.executeQuery(query))
        return rows.map((): Outcome<void> => ({ ok: true, value: undefined }))
      },
      maxBatchSize: MAX_APPEND,
      // PostgreSQL flushes concurrent commits together; SQLite has one writer.
      maxConcurrentBatches: options.flavor === 'postgres' ? 2 : 1,
    })
  }

  async append(events: AuditEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.#appends.submit(eventRowOf(event))))
  }

  async list(query: AuditQuery): Promise<StoredAuditEvent[]> {
    const newest = (filter?: EventFilter) => {
      let select = this.#db
        .selectFrom('audit_events')
        .selectAll()
        .where('service_api_key', '=', query.serviceApiKey)
      if (filter) select = select.where(filter)
      if (query.actor !== undefined) select = select.where('actor', '=', query.actor)
      if (query.kinds?.length) select = select.where('kind', 'in', query.kinds)
      if (query.from !== undefined) select = select.where('at', '>=', query.from)
      if (query.to !== undefined) select = select.where('at', '<', query.to)
      if (query.before !== undefined) select = select.where('number', '<', query.before)
      return select.orderBy('number', 'desc').limit(query.limit).execute()
    }
    if (query.clientId === undefined) return (await newest()).map(toStoredEvent)
    const filters = await clientEventFilters(this.#db, query.serviceApiKey, query.clientId)
    const halves = await Promise.all(filters.map(newest))
    return halves
      .flat()
      .sort((a, b) => Number(b.number) - Number(a.number))
      .slice(0, query.limit)
      .map(toStoredEvent)
  }

  seal(): Promise<number> {
    const script = (this.#sealScript ??= sealScript(this.#db, this.#flavor))
    // On a SQLite file the worker thread seals, off the event loop.
    return this.#worker?.seal(script) ?? sealOnKysely(this.#db, script)
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const chain = await this.#db
      .selectFrom('audit_chains')
      .select(['head_seq', 'head_hash'])
      .where('chain', '=', CHAIN)
      .executeTakeFirstOrThrow()
    return { seq: Number(chain.head_seq), hash: chain.head_hash }
  }

  verify(anchor?: AuditAnchor): Promise<AuditVerification> {
    return verifyChain(this.#db, anchor)
  }

  prune(before: number): Promise<number> {
    return pruneChain(this.#db, before)
  }

  async erase(serviceApiKey: number, clientId: number): Promise<number> {
    const filters = await clientEventFilters(this.#db, serviceApiKey, clientId)
    return this.#db.transaction().execute(async (trx) => {
      let erased = 0
      for (const filter of filters) {
        const { numUpdatedRows } = await trx
          .updateTable('audit_events')
          .set({ detail: null })
          .where(filter)
          .where('detail', 'is not', null)
          .executeTakeFirst()
        erased += Number(numUpdatedRows)
      }
      return erased
    })
  }

  /** Lets the events already submitted commit. */
  idle(): Promise<void> {
    return this.#appends.idle()
  }
}

/**
 * The client's row number an event is written with: the engine's, else the row of the
 * client as the event's own transaction sees it (a registration's, just inserted), or none.
 */
export function clientNumberOf(row: EventRow): RawBuilder<number | null> {
  return sql`coalesce(${row.client_number}, (select number from clients
    where service_api_key = ${row.service_api_key} and client_id = ${row.client_id}))`
}

/** The columns an event is written with; the sealer sets seq and hash. */
export type EventRow = Omit<AuditEventRow, 'number' | 'seq' | 'hash'>

/**
 * The row of an event. Every text in it is Registrar's own (kinds, actors made of ids, a
 * request id the HTTP layer checked) or JSON text, so no check is needed before it joins a
 * transaction (storable.ts). The detail is hashed by the sealer, off the event loop.
 * `metadataText`, the metadata as the client's row holds it, is spliced in rather than
 * serialised again when the detail carries that very metadata (a registration's event).
 */
export function eventRowOf(event: AuditEvent, metadataText?: string): EventRow {
  return {
    service_api_key: event.serviceApiKey,
    client_id: event.clientId ?? null,
    client_number: event.clientNumber ?? null,
    kind: event.kind,
    actor: event.actor,
    request_id: event.requestId ?? null,
    at: event.at,
    detail: detailText(event.detail, metadataText),
    detail_hash: null,
  }
}

function detailText(detail: AuditDetail, metadataText: string | undefined): string {
  if (metadataText === undefined || detail.metadata === undefined) return JSON.stringify(detail)
  const { metadata: _spliced, ...rest } = detail
  const head = JSON.stringify(rest)
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"metadata":${metadataText}}`
}

function toStoredEvent(row: AuditEventRow): StoredAuditEvent {
  return {
    number: Number(row.number),
    ...(row.seq !== null && { seq: Number(row.seq) }),
    kind: row.kind as AuditKind,
    serviceApiKey: Number(row.service_api_key),
    ...(row.client_id !== null && { clientId: Number(row.client_id) }),
    actor: row.actor,
    ...(row.request_id !== null && { requestId: row.request_id }),
    at: Number(row.at),
    detail: row.detail === null ? {} : (JSON.parse(row.detail) as AuditDetail),
    erased: row.detail === null,
  }
}
