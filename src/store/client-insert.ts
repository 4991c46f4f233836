/**
 * One registration inside a (possibly shared) transaction: use one use of the initial
 * access token, if any, then insert the client. Neither expected refusal raises an SQL
 * error, so the transaction stays usable for the rest of its batch: a spent token is an
 * UPDATE that matched no row, and a taken client id is an INSERT ... ON CONFLICT DO
 * NOTHING that returned no row (whose token use is then given back).
 *
 * A registration is first compiled into an InsertPlan (its SQL, bound), which either
 * this file runs on a Kysely transaction or the SQLite writer thread runs on its own
 * connection (sqlite-writer.ts): the statements are written once, by the query builder.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely'
import type { ClientRecord, NewClientRecord } from '../engine/records.js'
import {
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type ConsumeInitialAccessToken,
} from '../engine/store.js'
import type { Outcome } from './group-commit.js'
import { compileOnce } from './precompiled.js'
import { toClientRow, toStoredClient } from './rows.js'
import type { Database } from './schema.js'
import { storableRow } from './storable.js'
import { isLiveInitialAccessToken } from './token-liveness.js'

export interface ClientInsert {
  record: NewClientRecord
  consume?: ConsumeInitialAccessToken
}

/** One registration's statements, bound, in the order a transaction runs them. */
export interface InsertPlan {
  /** Takes one use of the initial access token; no row back means it is spent. */
  useToken?: CompiledQuery
  /** Inserts the client; no row back means its id is taken. */
  insert: CompiledQuery
  /** Gives the token's use back when the id was taken. */
  giveBack?: CompiledQuery
}

/** What running a plan came to: the new row's number, or why it was refused. */
export type PlanResult = { number: number } | { refused: 'token-spent' | 'id-taken' }

export type InsertPlanner = (db: Kysely<Database>, insert: ClientInsert) => InsertPlan

/** Plans inserts; each planner compiles its statements once, for the first database. */
export function insertPlanner(): InsertPlanner {
  const queries = insertQueries()
  return (db, { record, consume }) => {
    const insert = queries.insert(
      db,
      storableRow(() => toClientRow(record)),
    )
    if (!consume) return { insert }
    const { id, now } = consume
    return {
      useToken: queries.useToken(db, { id, serviceApiKey: record.serviceApiKey, now }),
      insert,
      giveBack: queries.giveBack(db, { id }),
    }
  }
}

function insertQueries() {
  return {
    // The row is all we need back but its number: the rest is the record in hand, so the
    // JSON just written is not read back and parsed again.
    insert: compileOnce((db: Kysely<Database>, row: ReturnType<typeof toClientRow>) =>
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

/** Runs each plan in turn within `trx`. sqlite-writer.ts runs the same steps. */
export async function runPlans(trx: Kysely<Database>, plans: InsertPlan[]): Promise<PlanResult[]> {
  const results: PlanResult[] = []
  for (const plan of plans) results.push(await runPlan(trx, plan))
  return results
}

async function runPlan(
  trx: Kysely<Database>,
  { useToken, insert, giveBack }: InsertPlan,
): Promise<PlanResult> {
  if (useToken && (await trx.executeQuery(useToken)).rows.length === 0) {
    return { refused: 'token-spent' }
  }
  const [row] = (await trx.executeQuery(insert)).rows as { number: number }[]
  if (row) return { number: row.number }
  if (giveBack) await trx.executeQuery(giveBack)
  return { refused: 'id-taken' }
}

/** The store's answer to one insert, from its plan's result. */
export function insertOutcome(insert: ClientInsert, result: PlanResult): Outcome<ClientRecord> {
  if ('number' in result)
    return { ok: true, value: toStoredClient(insert.record, result.number, 1) }
  return {
    ok: false,
    error:
      result.refused === 'token-spent'
        ? new InitialAccessTokenSpentError()
        : new DuplicateClientIdError(insert.record.clientId),
  }
}
