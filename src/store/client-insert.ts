/**
 * Registrations planned: each row checked as it is submitted, then a batch's statements
 * compiled by the query builder (once per database: only the values change) and run in
 * the batch's transaction, by Kysely here or on the SQLite worker thread
 * (sqlite/worker.ts); the results turned into the store's answers. A batch inserts its
 * registrations in bulk where it can (batch-plan.ts, bulk-insert.ts), else each on its own
 * plan (insert-plan.ts).
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely'
import {
  ClientCapReachedError,
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type AuditEvent,
  type ClientCaps,
  type ClientRecord,
  type ConsumeInitialAccessToken,
  type NewClientRecord,
} from '../engine/index.js'
import {
  isOneStatement,
  runBatch,
  type BatchPlan,
  type BatchResults,
  type BatchStep,
} from './batch-plan.js'
import { clientNumberOf, eventRowOf, type EventRow } from './audit-trail.js'
import { bulkPlanner, type BulkMembers } from './bulk-insert.js'
import type { Outcome } from './group-commit.js'
import type { IndexedCap, InsertPlan, PlanResult } from './insert-plan.js'
import { compileOnce } from './precompiled.js'
import { toClientRecord, toClientRow } from './rows.js'
import type { ClientRow, Database, Flavor } from './schema.js'
import type { SecretBox } from './secret-box.js'
import { storableRow } from './storable.js'
import { isLiveInitialAccessToken } from './token-liveness.js'

export interface ClientInsert {
  record: NewClientRecord
  consume?: ConsumeInitialAccessToken
  caps?: ClientCaps
  /** The registration's audit event, written in its transaction. */
  event?: AuditEvent
}

/**
 * A registration ready to join a batch: its row and its event's, checked, and the indexed
 * caps it meets.
 */
export interface PlannedInsert {
  insert: ClientInsert
  row: ClientColumns
  event: EventRow | undefined
  caps: { cap: IndexedCap; value: string; limit: number }[]
}

type ClientColumns = ReturnType<typeof toClientRow>

export interface InsertPlanner {
  /** Seals each row's secret, once, as it is planned. */
  readonly secrets: SecretBox
  /** The insert's row, checked here: a row that cannot be stored fails its own call. */
  plan(insert: ClientInsert): PlannedInsert
  /** The batch's statements: bulk inserts where they can be (batch-plan.ts), else plans. */
  batch(batch: PlannedInsert[]): BatchPlan
  /** The statements of the registrations at `indexes`, each run on its own plan. */
  oneByOne(batch: PlannedInsert[], indexes: number[]): BatchPlan
}

/** The limit of a count with no cap: any count is below it. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER

/** Each indexed cap's column: a client counts when its value there is the new client's. */
const CAP_COLUMNS = {
  perDeveloper: 'developer',
  perSoftwareId: 'software_id',
  perInitialAccessToken: 'initial_access_token_id',
} as const satisfies Record<IndexedCap, keyof ClientColumns>

/**
 * Plans the inserts of `db`, a database of `flavor`, whose statements it compiles once,
 * sealing secrets with `secrets`.
 */
export function insertPlanner(
  db: Kysely<Database>,
  flavor: Flavor,
  secrets: SecretBox,
): InsertPlanner {
  const queries = insertQueries()
  const bulk = bulkPlanner(flavor, queries)

  const planOf = ({ insert, row, event, caps }: PlannedInsert): InsertPlan => {
    const { consume, caps: { maxClients = NO_LIMIT } = {} } = insert
    const serviceApiKey = row.service_api_key
    return {
      count: queries.count(db, { serviceApiKey, limit: maxClients }),
      serviceExists: queries.serviceExists(db, { serviceApiKey }),
      caps: caps.map(({ cap, value, limit }) => ({
        cap,
        reached: queries[cap](db, { serviceApiKey, value, limit }),
      })),
      useToken:
        consume && queries.useToken(db, { id: consume.id, serviceApiKey, now: consume.now }),
      insert: queries.insert(db, row),
      event: event && queries.event(db, event),
      giveBackUse: consume && queries.giveBackUse(db, { id: consume.id }),
      giveBackCount: queries.giveBackCount(db, { serviceApiKey }),
    }
  }

  return {
    secrets,
    plan(insert) {
      const row = storableRow(() => toClientRow(insert.record, 1, secrets))
      const { event: audited, record } = insert
      // A registration's event carries the metadata the row holds: its text is reused.
      const event =
        audited &&
        eventRowOf(audited, audited.detail.metadata === record.metadata ? row.metadata : undefined)
      const caps: PlannedInsert['caps'] = []
      for (const cap of Object.keys(CAP_COLUMNS) as IndexedCap[]) {
        const limit = insert.caps?.[cap]
        const value = row[CAP_COLUMNS[cap]]
        if (limit !== undefined && value !== null) caps.push({ cap, value, limit })
      }
      return { insert, row, event, caps }
    },
    batch(batch) {
      const steps: BatchStep[] = []
      for (const indexes of byService(batch)) {
        const { members, alone } = bulkMembers(batch, indexes)
        if (members) steps.push({ bulk: bulk(db, members) })
        for (const index of alone) steps.push({ index, plan: planOf(batch[index]) })
      }
      return { size: batch.length, steps }
    },
    oneByOne(batch, indexes) {
      const steps = byService(batch, indexes).flatMap((group) =>
        group.map((index) => ({ index, plan: planOf(batch[index]) })),
      )
      return { size: batch.length, steps }
    },
  }
}

/**
 * The indexes of `batch` (all, or those given) grouped by service, in the order of their
 * services' keys: every batch locks service rows in one order (insert-plan.ts), so two
 * batches in flight at once never wait for each other in a cycle (PostgreSQL).
 */
function byService(batch: PlannedInsert[], indexes = batch.map((_, index) => index)) {
  const groups = new Map<number, number[]>()
  for (const index of indexes) {
    const service = batch[index].row.service_api_key
    const group = groups.get(service)
    if (group) group.push(index)
    else groups.set(service, [index])
  }
  return [...groups.keys()].sort((a, b) => a - b).map((service) => groups.get(service)!)
}

/**
 * Which of one service's registrations go in its bulk insert: those with no initial
 * access token to use up and no cap to count over an index, under the same maxClients,
 * each with an id none before it in the bulk has (an answer is matched to its
 * registration by id). The others run alone, after the bulk.
 */
function bulkMembers(batch: PlannedInsert[], indexes: number[]) {
  let members: BulkMembers | undefined
  const clientIds = new Set<number>()
  const alone: number[] = []
  for (const index of indexes) {
    const { insert, row, event, caps } = batch[index]
    const limit = insert.caps?.maxClients ?? NO_LIMIT
    const joins =
      !insert.consume &&
      caps.length === 0 &&
      (!members || limit === members.limit) &&
      !clientIds.has(row.client_id)
    if (!joins) {
      alone.push(index)
      continue
    }
    members ??= { serviceApiKey: row.service_api_key, limit, indexes: [], rows: [], events: [] }
    members.indexes.push(index)
    members.rows.push(row)
    members.events.push(event)
    clientIds.add(row.client_id)
  }
  return { members, alone }
}

/** Answers a row when the clients of the service whose `column` holds the value reach the limit. */
function capReached(column: (typeof CAP_COLUMNS)[IndexedCap]) {
  return compileOnce(
    (db: Kysely<Database>, args: { serviceApiKey: number; value: string; limit: number }) =>
      db
        // Counts at most `limit` index entries, however many clients there are.
        .selectFrom((eb) =>
          eb
            .selectFrom('clients')
            .select('number')
            .where('service_api_key', '=', args.serviceApiKey)
            .where(column, '=', args.value)
            .where('deleted_at', 'is', null)
            .limit(args.limit)
            .as('counted'),
        )
        .select((eb) => eb.fn.countAll().as('clients'))
        .having((eb) => eb.fn.countAll(), '>=', args.limit),
  )
}

function insertQueries() {
  return {
    /** Counts one more client, unless that would pass the limit; the service row when it did. */
    count: compileOnce((db: Kysely<Database>, args: { serviceApiKey: number; limit: number }) =>
      db
        .updateTable('services')
        .set({ client_count: sql<number>`client_count + 1` })
        .where('api_key', '=', args.serviceApiKey)
        .where('client_count', '<', args.limit)
        .returning('api_key'),
    ),
    serviceExists: compileOnce((db: Kysely<Database>, args: { serviceApiKey: number }) =>
      db.selectFrom('services').select('api_key').where('api_key', '=', args.serviceApiKey),
    ),
    giveBackCount: compileOnce((db: Kysely<Database>, args: { serviceApiKey: number }) =>
      db
        .updateTable('services')
        .set({ client_count: sql<number>`client_count - 1` })
        .where('api_key', '=', args.serviceApiKey),
    ),
    perDeveloper: capReached(CAP_COLUMNS.perDeveloper),
    perSoftwareId: capReached(CAP_COLUMNS.perSoftwareId),
    perInitialAccessToken: capReached(CAP_COLUMNS.perInitialAccessToken),
    // Only the number comes back: the rest of the row is in hand (PlannedInsert).
    insert: compileOnce((db: Kysely<Database>, row: ClientColumns) =>
      db
        .insertInto('clients')
        .values(row)
        .onConflict((conflict) => conflict.columns(['service_api_key', 'client_id']).doNothing())
        .returning('number'),
    ),
    event: compileOnce((db: Kysely<Database>, row: EventRow) =>
      db.insertInto('audit_events').values({ ...row, client_number: clientNumberOf(row) }),
    ),
    /** Takes one use of a live token of the service; no row when there is none to take. */
    useToken: compileOnce(
      (db: Kysely<Database>, args: { id: string; serviceApiKey: number; now: number }) =>
        db
          .updateTable('initial_access_tokens')
          .set({ uses_left: sql<number>`uses_left - (case when max_uses > 0 then 1 else 0 end)` })
          .where('id', '=', args.id)
          .where('service_api_key', '=', args.serviceApiKey)
          .where((eb) => isLiveInitialAccessToken(eb, args.now))
          .returning('id'),
    ),
    giveBackUse: compileOnce((db: Kysely<Database>, args: { id: string }) =>
      db
        .updateTable('initial_access_tokens')
        .set({ uses_left: sql<number>`uses_left + (case when max_uses > 0 then 1 else 0 end)` })
        .where('id', '=', args.id),
    ),
  }
}

/**
 * Commits `batch` with `run` and answers each registration. Those a bulk left undecided
 * run again, each on its own plan, in one more transaction: the first has committed, so
 * should this one fail, each is tried alone, and the others' answers stand.
 */
export async function commitInserts(
  batch: PlannedInsert[],
  planner: InsertPlanner,
  run: (plan: BatchPlan) => Promise<BatchResults>,
): Promise<Outcome<ClientRecord>[]> {
  const results = await run(planner.batch(batch))
  const outcomes: Outcome<ClientRecord>[] = new Array(batch.length)
  const undecided: number[] = []
  results.forEach((result, index) => {
    if (result) outcomes[index] = insertOutcome(batch[index], result, planner.secrets)
    else undecided.push(index)
  })
  const decideOneByOne = async (indexes: number[]): Promise<void> => {
    try {
      const retried = await run(planner.oneByOne(batch, indexes))
      for (const index of indexes) {
        outcomes[index] = insertOutcome(batch[index], retried[index]!, planner.secrets)
      }
    } catch (error) {
      if (indexes.length === 1) outcomes[indexes[0]] = { ok: false, error }
      else for (const index of indexes) await decideOneByOne([index])
    }
  }
  if (undecided.length > 0) await decideOneByOne(undecided)
  return outcomes
}

/** Runs `batch` on `db`, in a transaction unless it is one statement. */
export function runOnKysely(db: Kysely<Database>, batch: BatchPlan): Promise<BatchResults> {
  const rowsOf = (executor: Kysely<Database>) => async (query: CompiledQuery) =>
    (await executor.executeQuery(query)).rows
  // One statement commits on its own: no BEGIN and COMMIT round trips (PostgreSQL).
  if (isOneStatement(batch)) return runBatch(batch, rowsOf(db))
  return db.transaction().execute((trx) => runBatch(batch, rowsOf(trx)))
}

/**
 * The store's answer to one insert, from its plan's result: the record read back from the
 * row written. The number is added to that row in place: a spread copy with a member added
 * takes V8's slow path, 6 µs a registration (a quarter of the store's CPU for one).
 */
function insertOutcome(
  { insert, row }: PlannedInsert,
  result: PlanResult,
  secrets: SecretBox,
): Outcome<ClientRecord> {
  if ('inserted' in result) {
    const { number } = result.inserted as Pick<ClientRow, 'number'>
    const value = toClientRecord(Object.assign(row, { number }), secrets, insert.record)
    return { ok: true, value }
  }
  return { ok: false, error: refusal(insert, result.refused) }
}

function refusal({ record, caps = {} }: ClientInsert, refused: string): Error {
  switch (refused) {
    case 'token-spent':
      return new InitialAccessTokenSpentError()
    case 'id-taken':
      return new DuplicateClientIdError(record.clientId)
    case 'no-service':
      return new Error(`no service ${record.serviceApiKey}`)
    default: {
      const cap = refused as keyof ClientCaps
      return new ClientCapReachedError(cap, caps[cap] ?? NO_LIMIT)
    }
  }
}
