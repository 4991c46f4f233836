/**
 * One registration as statements, and the steps that run them: count the client in its
 * service under the service's cap, check the other caps that apply, use one use of the
 * initial access token, if any, then insert the client and record its audit event in the
 * same transaction; a refusal after the count gives back what was taken. No expected refusal raises an SQL error, so a transaction shared
 * by a batch stays usable: a full service or a spent token is an UPDATE that matched no
 * row, a reached cap a count that answered a row, a taken id an INSERT ... ON CONFLICT
 * DO NOTHING that returned no row.
 *
 * The count comes first because it is also the lock: on PostgreSQL its UPDATE holds the
 * service row until commit, so every other insert into the service, on any node, waits
 * at its own count, and the counts read after it (READ COMMITTED: each statement sees
 * what committed before it began) include every client that got in before. On SQLite
 * the one writer orders them anyway. Batches lock services in one order (client-insert.ts).
 *
 * The steps are written once, as a generator that yields each statement and is handed
 * back its rows: Kysely runs them asynchronously, the SQLite worker thread synchronously
 * inside one better-sqlite3 transaction (sqlite/worker-thread.ts), whose function must
 * not await. A batch runs them among its own steps (batch-plan.ts).
 */
import type { CompiledQuery } from 'kysely'
import type { ClientCaps } from '../engine/index.js'

/** The caps counted over an index, after the service's own (ClientCaps). */
export type IndexedCap = Exclude<keyof ClientCaps, 'maxClients'>

/** One registration's statements, bound, in the order a transaction runs them. */
export interface InsertPlan<Statement = CompiledQuery> {
  /** Counts the client in its service, under maxClients; no row back: full, or no service. */
  count: Statement
  /** Asked when the count refused; no row back means there is no such service. */
  serviceExists: Statement
  /** The other caps that apply; a row back means the cap is reached. */
  caps: { cap: IndexedCap; reached: Statement }[]
  /** Takes one use of the initial access token; no row back means it is spent. */
  useToken?: Statement
  /** Inserts the client; no row back means its id is taken. */
  insert: Statement
  /** Records the registration's audit event, once the client is in. */
  event?: Statement
  /** Gives the token's use back when the id was taken. */
  giveBackUse?: Statement
  /** Gives the count back when the insert was refused after it. */
  giveBackCount: Statement
}

/** What running a plan came to: the row inserted, or why it was refused. */
export type PlanResult =
  { inserted: object } | { refused: 'token-spent' | 'id-taken' | 'no-service' | keyof ClientCaps }

type Steps<Statement> = Generator<Statement, PlanResult, readonly unknown[]>

/** The plan's steps; a batch runs them among its own (batch-plan.ts). */
export function* planSteps<Statement>(plan: InsertPlan<Statement>): Steps<Statement> {
  if ((yield plan.count).length === 0) {
    return { refused: (yield plan.serviceExists).length === 0 ? 'no-service' : 'maxClients' }
  }
  const result = yield* stepsAfterCount(plan)
  if ('refused' in result) yield plan.giveBackCount
  return result
}

function* stepsAfterCount<Statement>(plan: InsertPlan<Statement>): Steps<Statement> {
  for (const { cap, reached } of plan.caps) {
    if ((yield reached).length > 0) return { refused: cap }
  }
  if (plan.useToken && (yield plan.useToken).length === 0) return { refused: 'token-spent' }
  const [row] = (yield plan.insert) as readonly object[]
  if (row) {
    if (plan.event) yield plan.event
    return { inserted: row }
  }
  if (plan.giveBackUse) yield plan.giveBackUse
  return { refused: 'id-taken' }
}

/** The plan with each statement mapped, e.g. to what another thread is sent. */
export function mapPlan<From, To>(
  plan: InsertPlan<From>,
  map: (statement: From) => To,
): InsertPlan<To> {
  return {
    count: map(plan.count),
    serviceExists: map(plan.serviceExists),
    caps: plan.caps.map(({ cap, reached }) => ({ cap, reached: map(reached) })),
    useToken: plan.useToken && map(plan.useToken),
    insert: map(plan.insert),
    event: plan.event && map(plan.event),
    giveBackUse: plan.giveBackUse && map(plan.giveBackUse),
    giveBackCount: map(plan.giveBackCount),
  }
}
