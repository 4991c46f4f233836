/**
 * One registration as statements, and the steps that run them: use one use of the initial
 * access token, if any, then insert the client; when its id is taken, give the use back.
 * Neither expected refusal raises an SQL error, so a transaction shared by a batch stays
 * usable: a spent token is an UPDATE that matched no row, a taken id an INSERT ... ON
 * CONFLICT DO NOTHING that returned no row.
 *
 * The steps are written once, as a generator that yields each statement and is handed
 * back its rows: Kysely runs them asynchronously (client-insert.ts), the SQLite worker
 * thread synchronously inside one better-sqlite3 transaction (sqlite/worker-thread.ts),
 * whose function must not await.
 */
import type { CompiledQuery } from 'kysely'

/** One registration's statements, bound, in the order a transaction runs them. */
export interface InsertPlan<Statement = CompiledQuery> {
  /** Takes one use of the initial access token; no row back means it is spent. */
  useToken?: Statement
  /** Inserts the client; no row back means its id is taken. */
  insert: Statement
  /** Gives the token's use back when the id was taken. */
  giveBack?: Statement
}

/** What running a plan came to: the row inserted, or why it was refused. */
export type PlanResult = { inserted: object } | { refused: 'token-spent' | 'id-taken' }

type Steps<Statement> = Generator<Statement, PlanResult, readonly unknown[]>

function* planSteps<Statement>({
  useToken,
  insert,
  giveBack,
}: InsertPlan<Statement>): Steps<Statement> {
  if (useToken && (yield useToken).length === 0) return { refused: 'token-spent' }
  const [row] = (yield insert) as readonly object[]
  if (row) return { inserted: row }
  if (giveBack) yield giveBack
  return { refused: 'id-taken' }
}

/** Runs `plan`, each statement answered by `rows` at once. */
export function runPlanSync<Statement>(
  plan: InsertPlan<Statement>,
  rows: (statement: Statement) => readonly unknown[],
): PlanResult {
  const steps = planSteps(plan)
  let step = steps.next()
  while (!step.done) step = steps.next(rows(step.value))
  return step.value
}

/** Runs `plan`, each statement answered by `rows` in its own time. */
export async function runPlan<Statement>(
  plan: InsertPlan<Statement>,
  rows: (statement: Statement) => Promise<readonly unknown[]>,
): Promise<PlanResult> {
  const steps = planSteps(plan)
  let step = steps.next()
  while (!step.done) step = steps.next(await rows(step.value))
  return step.value
}
