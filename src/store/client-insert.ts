/**
 * A registration planned (insert-plan.ts): its statements compiled by the query builder,
 * once per database, then run in a batch's transaction here or on the SQLite worker
 * thread (sqlite/worker.ts), and its plan's result turned into the store's answer.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely'
import {
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type ClientRecord,
  type ConsumeInitialAccessToken,
  type NewClientRecord,
} from '../engine/index.js'
import type { Outcome } from './group-commit.js'
import { runPlan, type InsertPlan, type PlanResult } from './insert-plan.js'
import { compileOnce } from './precompiled.js'
import { toClientRecord, toClientRow } from './rows.js'
import type { ClientRow, Database } from './schema.js'
import { storableRow } from './storable.js'
import { isLiveInitialAccessToken } from './token-liveness.js'

export interface ClientInsert {
  record: NewClientRecord
  consume?: ConsumeInitialAccessToken
}

/** A registration ready to join a batch: its row, checked, and the statements that write it. */
export interface PlannedInsert {
  insert: ClientInsert
  row: ClientColumns
  plan: InsertPlan
}

type ClientColumns = ReturnType<typeof toClientRow>

export type InsertPlanner = (db: Kysely<Database>, insert: ClientInsert) => PlannedInsert

/** Plans inserts; each planner compiles its statements once, for the first database. */
export function insertPlanner(): InsertPlanner {
  const queries = insertQueries()
  return (db, insert) => {
    const { record, consume } = insert
    const row = storableRow(() => toClientRow(record, 1))
    if (!consume) return { insert, row, plan: { insert: queries.insert(db, row) } }
    const { id, now } = consume
    const plan = {
      useToken: queries.useToken(db, { id, serviceApiKey: record.serviceApiKey, now }),
      insert: queries.insert(db, row),
      giveBack: queries.giveBack(db, { id }),
    }
    return { insert, row, plan }
  }
}

function insertQueries() {
  return {
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
    giveBack: compileOnce((db: Kysely<Database>, args: { id: string }) =>
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
 * The store's answer to one insert, from its plan's result: the record read back from the
 * row written. The number is added to that row in place: a spread copy with a member added
 * takes V8's slow path, 6 µs a registration (a quarter of the store's CPU for one).
 */
export function insertOutcome(
  { insert, row }: PlannedInsert,
  result: PlanResult,
): Outcome<ClientRecord> {
  if ('inserted' in result) {
    const { number } = result.inserted as Pick<ClientRow, 'number'>
    return { ok: true, value: toClientRecord(Object.assign(row, { number }), insert.record) }
  }
  return {
    ok: false,
    error:
      result.refused === 'token-spent'
        ? new InitialAccessTokenSpentError()
        : new DuplicateClientIdError(insert.record.clientId),
  }
}
