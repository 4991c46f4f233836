/**
 * A group-commit batch of registrations as statements, service by service in key order
 * (client-insert.ts sorts them, so batches lock services in one order). Within a service,
 * the registrations with nothing to check one by one (no initial access token, no cap
 * counted over an index) are inserted together by a bulk insert (bulk-insert.ts), counted
 * under maxClients all at once: all of them are inserted, or none when they would not all
 * fit. The others run their own plans (insert-plan.ts), each counted alone.
 *
 * A bulk that inserted nothing (its registrations would cross the cap, or its service is
 * gone) leaves its registrations undecided, having changed nothing: the caller runs each
 * on its own plan then, in a transaction of its own, and each gets the exact answer it
 * would have had alone. Crossing a cap is rare; counting one by one is the slow path.
 *
 * As insert-plan.ts, the steps are a generator of statements, run by Kysely and by the
 * SQLite worker thread alike.
 */
import type { CompiledQuery } from 'kysely'
import { mapPlan, planSteps, type InsertPlan, type PlanResult } from './insert-plan.js'

/**
 * Registrations inserted together, by their index in the batch: in one statement
 * (PostgreSQL), or counted by one and each inserted by its own (SQLite; bulk-insert.ts).
 */
export type BulkInsert<Statement = CompiledQuery> = { indexes: number[] } & (
  | {
      /** Each registration's client id, in the order of `indexes`. */
      clientIds: number[]
      /**
       * Inserts every registration whose id is free, and counts them, if all of them fit
       * under maxClients, recording the audit event of each inserted; answers a `BulkRow`
       * for each row inserted, none when none was.
       */
      statement: Statement
    }
  | {
      /** Counts them all under maxClients; no row back: they do not fit, or no service. */
      count: Statement
      /** Inserts each, in the order of `indexes`; no row back means its id is taken. */
      inserts: Statement[]
      /** Each one's audit event, recorded once it is in; none for one without. */
      events: (Statement | undefined)[]
      /** Gives back the count of one whose id was taken. */
      giveBackCount: Statement
    }
)

/** A row a bulk insert statement answers: the client id it was given and the number stored. */
export interface BulkRow {
  client_id: number
  number: number
}

export type BatchStep<Statement = CompiledQuery> =
  { index: number; plan: InsertPlan<Statement> } | { bulk: BulkInsert<Statement> }

/** A batch's steps in the order they run, for `size` registrations. */
export interface BatchPlan<Statement = CompiledQuery> {
  size: number
  steps: BatchStep<Statement>[]
}

/** Each registration's result by its index in the batch; undefined while undecided. */
export type BatchResults = (PlanResult | undefined)[]

type Steps<Statement, Result> = Generator<Statement, Result, readonly unknown[]>

function* batchSteps<Statement>(batch: BatchPlan<Statement>): Steps<Statement, BatchResults> {
  const results: BatchResults = Array.from({ length: batch.size }, () => undefined)
  for (const step of batch.steps) {
    if ('plan' in step) results[step.index] = yield* planSteps(step.plan)
    else yield* bulkSteps(step.bulk, results)
  }
  return results
}

function* bulkSteps<Statement>(
  bulk: BulkInsert<Statement>,
  results: BatchResults,
): Steps<Statement, void> {
  if ('statement' in bulk) {
    const rows = (yield bulk.statement) as readonly BulkRow[]
    // Nothing inserted: over the cap, no service, or every id taken. Each decides alone.
    if (rows.length === 0) return
    const numbers = new Map(rows.map((row) => [row.client_id, row.number]))
    bulk.indexes.forEach((index, position) => {
      const number = numbers.get(bulk.clientIds[position])
      results[index] = number === undefined ? { refused: 'id-taken' } : { inserted: { number } }
    })
    return
  }
  if ((yield bulk.count).length === 0) return
  for (const [position, index] of bulk.indexes.entries()) {
    const [row] = (yield bulk.inserts[position]) as readonly object[]
    const event = bulk.events[position]
    if (!row) yield bulk.giveBackCount
    else if (event) yield event
    results[index] = row ? { inserted: row } : { refused: 'id-taken' }
  }
}

/** Whether `batch` is a single statement, which needs no transaction around it. */
export function isOneStatement(batch: BatchPlan<unknown>): boolean {
  const [step, ...others] = batch.steps
  return others.length === 0 && step !== undefined && 'bulk' in step && 'statement' in step.bulk
}

/** Runs `batch`, each statement answered by `rows` at once. */
export function runBatchSync<Statement>(
  batch: BatchPlan<Statement>,
  rows: (statement: Statement) => readonly unknown[],
): BatchResults {
  const steps = batchSteps(batch)
  let step = steps.next()
  while (!step.done) step = steps.next(rows(step.value))
  return step.value
}

/** Runs `batch`, each statement answered by `rows` in its own time. */
export async function runBatch<Statement>(
  batch: BatchPlan<Statement>,
  rows: (statement: Statement) => Promise<readonly unknown[]>,
): Promise<BatchResults> {
  const steps = batchSteps(batch)
  let step = steps.next()
  while (!step.done) step = steps.next(await rows(step.value))
  return step.value
}

/** The batch with each statement mapped, e.g. to what another thread is sent. */
export function mapBatch<From, To>(
  batch: BatchPlan<From>,
  map: (statement: From) => To,
): BatchPlan<To> {
  const steps = batch.steps.map((step): BatchStep<To> => {
    if ('plan' in step) return { index: step.index, plan: mapPlan(step.plan, map) }
    const { bulk } = step
    if ('statement' in bulk) return { bulk: { ...bulk, statement: map(bulk.statement) } }
    const { indexes, count, inserts, events, giveBackCount } = bulk
    return {
      bulk: {
        indexes,
        count: map(count),
        inserts: inserts.map(map),
        events: events.map((event) => event && map(event)),
        giveBackCount: map(giveBackCount),
      },
    }
  })
  return { size: batch.size, steps }
}
