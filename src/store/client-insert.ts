/**
 * A registration planned (insert-plan.ts): its statements compiled by the query builder,
 * once per database, then run in a batch's transaction here or on the SQLite worker
 * thread (sqlite/worker.ts), and its plan's result turned into the store's answer.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely'
import {
  ClientCapReachedError,
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type ClientCaps,
  type ClientRecord,
  type ConsumeInitialAccessToken,
  type NewClientRecord,
} from '../engine/index.js'
import type { Outcome } from './group-commit.js'
import { runPlan, type IndexedCap, type InsertPlan, type PlanResult } from './insert-plan.js'
import { compileOnce } from './precompiled.js'
import { toClientRecord, toClientRow } from './rows.js'
import type { ClientRow, Database } from './schema.js'
import { storableRow } from './storable.js'
import { isLiveInitialAccessToken } from './token-liveness.js'

export interface ClientInsert {
  record: NewClientRecord
  consume?: ConsumeInitialAccessToken
  caps?: ClientCaps
}

/** A registration ready to join a batch: its row, checked, and the statements that write it. */
export interface PlannedInsert {
  insert: ClientInsert
  row: ClientColumns
  plan: InsertPlan
}

type ClientColumns = ReturnType<typeof toClientRow>

export type InsertPlanner = (db: Kysely<Database>, insert: ClientInsert) => PlannedInsert

/** The limit of a count with no cap: any count is below it. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER

/** Each indexed cap's column: a client counts when its value there is the new client's. */
const CAP_COLUMNS = {
  perDeveloper: 'developer',
  perSoftwareId: 'software_id',
  perInitialAccessToken: 'initial_access_token_id',
} as const satisfies Record<IndexedCap, keyof ClientColumns>

/** Plans inserts; each planner compiles its statements once, for the first database. */
export function insertPlanner(): InsertPlanner {
  const queries = insertQueries()
  return (db, insert) => {
    const { record, consume, caps = {} } = insert
    const row = storableRow(() => toClientRow(record, 1))
    const serviceApiKey = record.serviceApiKey
    const capChecks: InsertPlan['caps'] = []
    for (const cap of Object.keys(CAP_COLUMNS) as IndexedCap[]) {
      const limit = caps[cap]
      const value = row[CAP_COLUMNS[cap]]
      if (limit === undefined || value === null) continue
      capChecks.push({ cap, reached: queries[cap](db, { serviceApiKey, value, limit }) })
    }
    const plan: InsertPlan = {
      count: queries.count(db, { serviceApiKey, limit: caps.maxClients ?? NO_LIMIT }),
      serviceExists: queries.serviceExists(db, { serviceApiKey }),
      caps: capChecks,
      useToken:
        consume && queries.useToken(db, { id: consume.id, serviceApiKey, now: consume.now }),
      insert: queries.insert(db, row),
      giveBackUse: consume && queries.giveBackUse(db, { id: consume.id }),
      giveBackCount: queries.giveBackCount(db, { serviceApiKey }),
    }
    return { insert, row, plan }
  }
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

/** Runs each plan in turn within `trx`. */
export async function runPlans(trx: Kysely<Database>, plans: InsertPlan[]): Promise<PlanResult[]> {
  const rows = async (query: CompiledQuery) => (await trx.executeQuery(query)).rows
  const results: PlanResult[] = []
  for (const plan of plans) results.push(await runPlan(plan, rows))
  return results
}

/**
 * Runs a batch's plans with `run`, in the order of their services' keys: every batch
 * locks service rows in one order (insert-plan.ts), so two batches in flight at once
 * never wait for each other in a cycle (PostgreSQL). Answers in the batch's order.
 */
export async function runInServiceOrder(
  batch: PlannedInsert[],
  run: (plans: InsertPlan[]) => Promise<PlanResult[]>,
): Promise<Outcome<ClientRecord>[]> {
  const order = batch.map((_, index) => index)
  const service = (index: number) => batch[index].insert.record.serviceApiKey
  order.sort((a, b) => service(a) - service(b))
  const results = await run(order.map((index) => batch[index].plan))
  const outcomes: Outcome<ClientRecord>[] = new Array(batch.length)
  order.forEach((index, position) => {
    outcomes[index] = insertOutcome(batch[index], results[position])
  })
  return outcomes
}

/**
 * The store's answer to one insert, from its plan's result: the record read back from the
 * row written. The number is added to that row in place: a spread copy with a member added
 * takes V8's slow path, 6 µs a registration (a quarter of the store's CPU for one).
 */
function insertOutcome({ insert, row }: PlannedInsert, result: PlanResult): Outcome<ClientRecord> {
  if ('inserted' in result) {
    const { number } = result.inserted as Pick<ClientRow, 'number'>
    return { ok: true, value: toClientRecord(Object.assign(row, { number }), insert.record) }
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
