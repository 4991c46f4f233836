/**
 * The bulk insert of batch-plan.ts: one service's registrations counted under maxClients
 * together, and inserted only when they all fit.
 *
 * PostgreSQL does it all in one statement, one round trip, whatever the number of rows:
 * they travel as one JSON array, so its text is the same for any batch and is compiled
 * once. It first locks the service row (FOR UPDATE; READ COMMITTED hands back the row as
 * the last commit left it), which orders it after every insert into the service in
 * flight, as a plan's count does (insert-plan.ts); then it inserts only if the count plus
 * the rows fits, and adds the rows inserted to the count. A taken id is skipped and not
 * counted, so nothing needs giving back. Being one statement, it commits on its own when
 * it is the whole batch.
 *
 * SQLite has no data-modifying WITH, and a statement there costs microseconds, not a
 * round trip: one UPDATE counts the rows (and takes the write lock), then each row is
 * inserted by its plan's own statement, and a row whose id is taken gives its count back.
 * Measured on the worker's statements, 64 registrations a transaction: 11 µs each counted
 * one by one, 9 µs counted together; one multi-row INSERT, whose text changes with every
 * batch size, saved half a microsecond more, and rows as JSON (json_each) were slower
 * than counting one by one.
 */
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely'
import type { BulkInsert } from './batch-plan.js'
import { compileOnce, type BoundQuery } from './precompiled.js'
import type { EventRow } from './audit-trail.js'
import type { toClientRow } from './rows.js'
import type { Database, Flavor } from './schema.js'

type ClientColumns = ReturnType<typeof toClientRow>

/** Every column a registration writes (rows.ts); the compiler checks that none is left out. */
const CLIENT_COLUMNS = Object.keys({
  service_api_key: true,
  client_id: true,
  client_secret: true,
  client_secret_expires_at: true,
  previous_client_secret: true,
  previous_secret_valid_until: true,
  metadata: true,
  extras: true,
  rat_hash: true,
  dynamically_registered: true,
  developer: true,
  software_id: true,
  initial_access_token_id: true,
  expires_at: true,
  created_at: true,
  modified_at: true,
  version: true,
} satisfies Record<keyof ClientColumns, true>)

const columnList = sql.join(CLIENT_COLUMNS.map((column) => sql.ref(column)))

/** Every column of an audit event a registration writes (audit-trail.ts). */
const EVENT_COLUMNS = Object.keys({
  service_api_key: true,
  client_id: true,
  client_number: true,
  kind: true,
  actor: true,
  request_id: true,
  at: true,
  detail: true,
  detail_hash: true,
} satisfies Record<keyof EventRow, true>)

const eventColumnList = sql.join(EVENT_COLUMNS.map((column) => sql.ref(column)))
/** The same columns of the events `e`, each naming the row just inserted for its client. */
const insertedEventColumns = sql.join(
  EVENT_COLUMNS.map((column) =>
    column === 'client_number' ? sql.ref('inserted.number') : sql.ref(`e.${column}`),
  ),
)

interface BulkArgs extends Record<string, unknown> {
  serviceApiKey: number
  /** How many rows, and the cap they must all fit under. */
  count: number
  limit: number
  /** The rows, a JSON array of objects keyed by column. */
  rows: string
  /** Their audit events (audit_events rows, matched to theirs by client_id), a JSON array; `[]` for none. */
  events: string
}

/** A raw query as compileOnce takes it: compiled for the database it is built on. */
const compilable = (db: Kysely<Database>, query: RawBuilder<unknown>) => ({
  compile: () => query.compile(db),
})

const postgresInsert = () =>
  compileOnce((db: Kysely<Database>, args: BulkArgs) =>
    compilable(
      db,
      sql`with locked as (
        select client_count from services where api_key = ${args.serviceApiKey} for update
      ), inserted as (
        insert into clients (${columnList})
        select ${columnList} from json_populate_recordset(null::clients, ${args.rows}), locked
        where locked.client_count + ${args.count} <= ${args.limit}
        on conflict (service_api_key, client_id) do nothing
        returning number, client_id
      ), counted as (
        update services set client_count = client_count + (select count(*) from inserted)
        where api_key = ${args.serviceApiKey} and exists (select from inserted)
      ), recorded as (
        insert into audit_events (${eventColumnList})
        select ${insertedEventColumns}
        from json_populate_recordset(null::audit_events, ${args.events}) as e
        join inserted on inserted.client_id = e.client_id
      )
      select number, client_id from inserted`,
    ),
  )

/** Counts `count` more clients, unless that would pass the limit; the service row when it did. */
const countMany = () =>
  compileOnce(
    (db: Kysely<Database>, args: { serviceApiKey: number; count: number; limit: number }) =>
      db
        .updateTable('services')
        .set({ client_count: sql<number>`client_count + ${args.count}` })
        .where('api_key', '=', args.serviceApiKey)
        .where(sql<number>`client_count + ${args.count}`, '<=', args.limit)
        .returning('api_key'),
  )

/** One service's registrations, by their index in the batch, and the cap they share. */
export interface BulkMembers {
  serviceApiKey: number
  limit: number
  indexes: number[]
  rows: ClientColumns[]
  /** Each one's audit event row, in the order of `rows`; none for one without. */
  events: (EventRow | undefined)[]
}

/** The statements of a plan (insert-plan.ts) that SQLite's bulk insert runs. */
export interface RowStatements {
  insert(db: Kysely<Database>, row: ClientColumns): CompiledQuery
  event(db: Kysely<Database>, row: EventRow): CompiledQuery
  giveBackCount: BoundQuery<Database, { serviceApiKey: number }, unknown>
}

export type BulkPlanner = (db: Kysely<Database>, members: BulkMembers) => BulkInsert

/** Plans bulk inserts in the SQL of `flavor`; each planner compiles its statements once. */
export function bulkPlanner(flavor: Flavor, perRow: RowStatements): BulkPlanner {
  if (flavor === 'postgres') {
    const insert = postgresInsert()
    return (db, { serviceApiKey, limit, indexes, rows, events }) => ({
      indexes,
      clientIds: rows.map((row) => row.client_id),
      statement: insert(db, {
        serviceApiKey,
        count: rows.length,
        limit,
        rows: JSON.stringify(rows),
        events: JSON.stringify(events.filter((event) => event !== undefined)),
      }),
    })
  }
  const count = countMany()
  return (db, { serviceApiKey, limit, indexes, rows, events }) => ({
    indexes,
    count: count(db, { serviceApiKey, count: rows.length, limit }),
    inserts: rows.map((row) => perRow.insert(db, row)),
    events: events.map((event) => event && perRow.event(db, event)),
    giveBackCount: perRow.giveBackCount(db, { serviceApiKey }),
  })
}
