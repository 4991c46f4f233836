/**
 * Sealing the audit chain (audit-chain.ts explains the chain): the events written since the
 * last seal get their places after the head, oldest first, each hash covering the event
 * and the hash before it; the head moves to the last, and each event is queued for the
 * webhooks of its service that take its kind (the outbox). One transaction, whose first
 * statement holds the chain's row (PostgreSQL: FOR UPDATE; SQLite: the one writer), so
 * sealers on several nodes take turns and never seal an event twice.
 *
 * As the registration batches (batch-plan.ts), the steps are a generator of statements,
 * run by Kysely and by the SQLite worker thread alike: on a SQLite file the seal runs
 * entirely off the event loop. The statements travel as templates (precompiled.ts), bound
 * here, so this module imports no query builder and loads in the worker thread.
 */
import { createHash } from 'node:crypto'
import { bindTemplate, type BoundStatement, type StatementTemplate } from './template.js'

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

/** What an event's hash covers: the columns of audit_events as the database answers them. */
export interface ChainedColumns {
  number: number | string
  service_api_key: number | string
  client_id: number | string | null
  kind: string
  actor: string
  request_id: string | null
  at: number | string
  detail_hash: string
}

/** An unsealed event as the seal reads it: its detail is hashed then, off the event loop. */
interface UnsealedColumns extends Omit<ChainedColumns, 'detail_hash'> {
  detail: string | null
  detail_hash: string | null
}

/** The hash of a detail as written; a detail erased before its seal hashes as `null`. */
export function detailHash(detail: string | null): string {
  return sha256(detail ?? 'null')
}

/** The hash of the event at `seq`, after the event whose hash is `previous`. */
export function chainHash(previous: string, seq: number, event: ChainedColumns): string {
  return sha256(
    JSON.stringify([
      previous,
      seq,
      Number(event.number),
      Number(event.service_api_key),
      event.client_id === null ? null : Number(event.client_id),
      event.kind,
      event.actor,
      event.request_id,
      Number(event.at),
      event.detail_hash,
    ]),
  )
}

/** The statements of a seal (audit-chain.ts compiles them for its database). */
export interface SealScript {
  /** The chain's head, its row held until the transaction ends. */
  head: StatementTemplate
  /** The unsealed events, oldest first, at most a seal's worth: ChainedColumns. */
  unsealed: StatementTemplate
  /** Sets `seq`, `hash` and `detail_hash` of the events in `seals`, a JSON array of them with `number`. */
  seal: StatementTemplate
  /** Moves the head to `seq` and `hash`. */
  advance: StatementTemplate
  /** Queues the events sealed at seqs after `from` up to `to` for their webhooks. */
  queue: StatementTemplate
}

type Steps = Generator<BoundStatement, number, readonly unknown[]>

/** The seal's steps; resolves how many events it sealed. */
export function* sealSteps(script: SealScript): Steps {
  const [chain] = (yield bindTemplate(script.head, {})) as { head_seq: number; head_hash: string }[]
  const rows = (yield bindTemplate(script.unsealed, {})) as UnsealedColumns[]
  if (!chain || rows.length === 0) return 0
  const from = Number(chain.head_seq)
  let previous = chain.head_hash
  const seals = rows.map((row, index) => {
    const seq = from + index + 1
    const detail_hash = row.detail_hash ?? detailHash(row.detail)
    previous = chainHash(previous, seq, { ...row, detail_hash })
    return { number: Number(row.number), seq, hash: previous, detail_hash }
  })
  const to = from + rows.length
  yield bindTemplate(script.seal, { seals: JSON.stringify(seals) })
  yield bindTemplate(script.advance, { seq: to, hash: previous })
  yield bindTemplate(script.queue, { from, to })
  return rows.length
}

/** Runs `steps`, each statement answered by `rows` at once (the SQLite worker). */
export function runStepsSync<R>(
  steps: Generator<BoundStatement, R, readonly unknown[]>,
  rows: (statement: BoundStatement) => readonly unknown[],
): R {
  let step = steps.next()
  while (!step.done) step = steps.next(rows(step.value))
  return step.value
}

/** Runs `steps`, each statement answered by `rows` in its own time (Kysely). */
export async function runSteps<R>(
  steps: Generator<BoundStatement, R, readonly unknown[]>,
  rows: (statement: BoundStatement) => Promise<readonly unknown[]>,
): Promise<R> {
  let step = steps.next()
  while (!step.done) step = steps.next(await rows(step.value))
  return step.value
}
