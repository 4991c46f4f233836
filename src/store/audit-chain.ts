/**
 * The audit chain: events are written unsealed with the change they record, from any node,
 * without waiting for one another; a sealer then gives them their places in one chain, each
 * event's hash covering the event and the hash before it. Only sealers take turns (each
 * seal is guarded by the head it follows), and a seal takes every event written since the
 * last, so registrations are never serialised across nodes. The chain's row is its anchor: its head moves with every
 * seal (a deleted tail is seen) and records where retention cut its start. The detail is
 * hashed apart (detail_hash), so erasing it keeps the chain verifiable.
 */
import { createHash } from 'node:crypto'
import { sql, type CompiledQuery, type Kysely, type Transaction } from 'kysely'
import type { AuditAnchor, AuditVerification } from '../engine/index.js'
import { compileOnce } from './precompiled.js'
import type { AuditEventRow, Database, Flavor } from './schema.js'

/** The chain's row in audit_chains (migration 5 inserts it). */
export const CHAIN = 'main'

/** Events one seal takes at most; the rest wait for the next. */
const SEAL_BATCH = 5000

/** Events verification reads at a time. */
const VERIFY_PAGE = 5000

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

type Chained = Pick<
  AuditEventRow,
  | 'number'
  | 'service_api_key'
  | 'client_id'
  | 'kind'
  | 'actor'
  | 'request_id'
  | 'at'
  | 'detail_hash'
>

/** The hash of the event at `seq`, after the event whose hash is `previous`. */
export function chainHash(previous: string, seq: number, event: Chained): string {
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

/** Holds the chain's row until the transaction ends: pruners take turns with sealers. */
async function lockChain(trx: Transaction<Database>) {
  return trx
    .updateTable('audit_chains')
    .set({ head_seq: sql`head_seq` })
    .where('chain', '=', CHAIN)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Runs the statements in one transaction when the first changes a row; whether they ran. */
export type GuardedRun = (statements: CompiledQuery[]) => Promise<boolean>

/**
 * Seals the events written since the last seal, oldest first, and queues each for the
 * webhooks of its service that take its kind (the outbox); resolves how many. The events
 * are read and hashed outside any transaction; the writes then run in one, guarded by the
 * head they were hashed after: should another sealer have moved it meanwhile, nothing is
 * written and the next round seals on the new head.
 */
export async function sealEvents(
  db: Kysely<Database>,
  flavor: Flavor,
  run: GuardedRun,
): Promise<number> {
  const chain = await db
    .selectFrom('audit_chains')
    .select(['head_seq', 'head_hash'])
    .where('chain', '=', CHAIN)
    .executeTakeFirstOrThrow()
  const rows = await db
    .selectFrom('audit_events')
    .select(CHAINED_COLUMNS)
    .where('seq', 'is', null)
    .orderBy('number')
    .limit(SEAL_BATCH)
    .execute()
  if (rows.length === 0) return 0
  const from = Number(chain.head_seq)
  let previous = chain.head_hash
  const sealed = rows.map((row, index) => {
    previous = chainHash(previous, from + index + 1, row)
    return { number: Number(row.number), seq: from + index + 1, hash: previous }
  })
  const to = from + rows.length
  const guard = db
    .updateTable('audit_chains')
    .set({ head_seq: to, head_hash: previous })
    .where('chain', '=', CHAIN)
    .where('head_seq', '=', from)
    .compile()
  const done = await run([
    guard,
    ...sealStatements(db, flavor, sealed),
    queueDeliveries(db, from, to),
  ])
  return done ? rows.length : 0
}

/** What an event's hash covers (chainHash), and its number. */
const CHAINED_COLUMNS = [
  'number',
  'service_api_key',
  'client_id',
  'kind',
  'actor',
  'request_id',
  'at',
  'detail_hash',
] as const

/**
 * Sets each event's seq and hash from a JSON array of `[number, seq, hash]`: one statement,
 * each event found by its number (with `seq is null` added, SQLite would scan the unsealed
 * index once per seal; the guard already keeps other sealers out).
 */
const sealAll = compileOnce((db: Kysely<Database>, args: { seals: string }) => ({
  compile: () =>
    sql`update audit_events set seq = s.seq, hash = s.hash
      from (select value ->> 0 as number, value ->> 1 as seq, value ->> 2 as hash
            from json_each(${args.seals})) as s
      where audit_events.number = s.number`.compile(db),
}))

function sealStatements(
  db: Kysely<Database>,
  flavor: Flavor,
  sealed: { number: number; seq: number; hash: string }[],
): CompiledQuery[] {
  // One statement either way: SQLite reads the seals as JSON, PostgreSQL from VALUES.
  if (flavor === 'sqlite') {
    const seals = JSON.stringify(sealed.map(({ number, seq, hash }) => [number, seq, hash]))
    return [sealAll(db, { seals })]
  }
  const values = sql.join(
    sealed.map(({ number, seq, hash }) => sql`(${number}::bigint, ${seq}::bigint, ${hash})`),
  )
  return [
    sql`update audit_events as e set seq = v.seq, hash = v.hash
      from (values ${values}) as v(number, seq, hash)
      where e.number = v.number and e.seq is null`.compile(db),
  ]
}

/** The outbox rows of events sealed at seqs after `from` up to `to` (webhooks). */
function queueDeliveries(db: Kysely<Database>, from: number, to: number): CompiledQuery {
  return db
    .insertInto('webhook_deliveries')
    .columns(['webhook_id', 'event_number', 'client_id', 'due_at', 'attempts'])
    .expression((eb) =>
      eb
        .selectFrom('audit_events as e')
        .innerJoin('webhooks as w', (join) =>
          join
            .onRef('w.service_api_key', '=', 'e.service_api_key')
            .on(sql<boolean>`w.kinds like '%,' || e.kind || ',%'`),
        )
        .select(['w.id', 'e.number', 'e.client_id', 'e.at', sql<number>`0`.as('attempts')])
        .where('e.seq', '>', from)
        .where('e.seq', '<=', to)
        .orderBy('e.seq'),
    )
    .compile()
}

/** Runs guarded statements in a Kysely transaction (PostgreSQL, or SQLite without its worker). */
export function guardedOnKysely(db: Kysely<Database>): GuardedRun {
  return (statements) =>
    db
      .transaction()
      .execute(async (trx) => {
        const [guard, ...rest] = statements
        const { numAffectedRows } = await trx.executeQuery(guard!)
        if (!numAffectedRows) throw NOT_GUARDED
        for (const statement of rest) await trx.executeQuery(statement)
        return true
      })
      .catch((error: unknown) => {
        if (error === NOT_GUARDED) return false
        throw error
      })
}

/** Rolls a guarded transaction back whose guard changed nothing. */
const NOT_GUARDED = new Error('the guard changed nothing')

/**
 * Walks the chain from where retention cut it to its head: an edited event no longer
 * hashes to its place, a deleted one leaves a gap, a deleted tail falls short of the head,
 * and an edited detail no longer matches its own hash.
 */
export async function verifyChain(
  db: Kysely<Database>,
  anchor?: AuditAnchor,
): Promise<AuditVerification> {
  const chain = await db
    .selectFrom('audit_chains')
    .selectAll()
    .where('chain', '=', CHAIN)
    .executeTakeFirstOrThrow()
  const problems: AuditVerification['problems'] = []
  let previous = chain.pruned_hash
  let expected = Number(chain.pruned_seq) + 1
  let checked = 0
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(VERIFY_PAGE)
      .execute()
    for (const row of rows) {
      const seq = Number(row.seq)
      const number = Number(row.number)
      if (seq !== expected) {
        const gap = seq - expected === 1 ? `${expected}` : `${expected} to ${seq - 1}`
        problems.push({ seq: expected, problem: `events at seq ${gap} are missing` })
      }
      if (seq === expected && chainHash(previous, seq, row) !== row.hash) {
        problems.push({ seq, number, problem: `event ${number} at seq ${seq} was altered` })
      }
      if (seq === anchor?.seq && row.hash !== anchor.hash) {
        problems.push({
          seq,
          number,
          problem: `the event at seq ${seq} is not the head seen before`,
        })
      }
      if (row.detail !== null && sha256(row.detail) !== row.detail_hash) {
        problems.push({ seq, number, problem: `the detail of event ${number} was altered` })
      }
      previous = row.hash ?? ''
      expected = seq + 1
      checked++
    }
    if (rows.length < VERIFY_PAGE) break
  }
  const headSeq = Number(chain.head_seq)
  if (expected - 1 < headSeq) {
    problems.push({
      seq: expected,
      problem: `events at seq ${expected} to ${headSeq} (the chain's head) are missing`,
    })
  } else if (expected - 1 === headSeq && previous !== chain.head_hash) {
    problems.push({ seq: headSeq, problem: `the head at seq ${headSeq} was altered` })
  }
  problems.push(...anchorProblems(anchor, chain, expected - 1))
  const { unsealed } = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('unsealed'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow()
  return {
    checked,
    head: { seq: headSeq, hash: chain.head_hash },
    problems,
    unsealed: Number(unsealed),
  }
}

/** What the walk cannot see of an anchor: one past the walk, or cut by retention. */
function anchorProblems(
  anchor: AuditAnchor | undefined,
  chain: { pruned_seq: number; pruned_hash: string },
  walkedTo: number,
): AuditVerification['problems'] {
  if (!anchor) return []
  if (anchor.seq > walkedTo) {
    return [
      { seq: anchor.seq, problem: `the chain ends before seq ${anchor.seq}, a head seen before` },
    ]
  }
  const pruned = Number(chain.pruned_seq)
  if (anchor.seq === pruned && anchor.hash !== chain.pruned_hash) {
    return [
      { seq: anchor.seq, problem: `the event at seq ${anchor.seq} is not the head seen before` },
    ]
  }
  return []
}

/**
 * Deletes the chain's oldest sealed events, up to the first written at or after `before`,
 * and records the last one deleted as the chain's new start; resolves how many.
 */
export async function pruneChain(db: Kysely<Database>, before: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const chain = await lockChain(trx)
    const kept = await trx
      .selectFrom('audit_events')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .where('seq', 'is not', null)
      .where('at', '>=', before)
      .executeTakeFirst()
    const last = kept?.seq == null ? Number(chain.head_seq) : Number(kept.seq) - 1
    if (last <= Number(chain.pruned_seq)) return 0
    const anchor = await trx
      .selectFrom('audit_events')
      .select('hash')
      .where('seq', '=', last)
      .executeTakeFirst()
    if (!anchor?.hash) return 0
    const { numDeletedRows } = await trx
      .deleteFrom('audit_events')
      .where('seq', '<=', last)
      .executeTakeFirst()
    await trx
      .updateTable('audit_chains')
      .set({ pruned_seq: last, pruned_hash: anchor.hash })
      .where('chain', '=', CHAIN)
      .execute()
    return Number(numDeletedRows)
  })
}
