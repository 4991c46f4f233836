/**
 * The audit chain: events are written unsealed with the change they record, from any node,
 * without waiting for one another; a sealer then gives them their places in one chain, each
 * event's hash covering the event and the hash before it (audit-seal.ts). Only sealers take
 * turns (on the chain's row), and a seal takes every event written since the last, so
 * registrations are never serialised across nodes. The chain's row is its anchor: its head
 * moves with every seal (a deleted tail is seen) and records where retention cut its start.
 * The detail is hashed apart (detail_hash), so erasing it keeps the chain verifiable.
 */
import { CompiledQuery, sql, type Compilable, type Kysely, type Transaction } from 'kysely'
import type { AuditAnchor, AuditVerification } from '../engine/index.js'
import { chainHash, detailHash, runSteps, sealSteps, type SealScript } from './audit-seal.js'
import { compileTemplate } from './precompiled.js'
import type { Database, Flavor } from './schema.js'

/** The chain's row in audit_chains (migration 5 inserts it). */
export const CHAIN = 'main'

/**
 * Events one seal takes at most; the rest wait for the next. Small enough that a seal on
 * SQLite's worker thread (a few milliseconds) never holds back the registrations queued
 * behind it for long.
 */
const SEAL_BATCH = 500

/** Events verification reads at a time. */
const VERIFY_PAGE = 5000

/** Holds the chain's row until the transaction ends: pruners take turns with sealers. */
async function lockChain(trx: Transaction<Database>) {
  return trx
    .updateTable('audit_chains')
    .set({ head_seq: sql`head_seq` })
    .where('chain', '=', CHAIN)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * The statements of a seal on `db`, a database of `flavor` (audit-seal.ts runs them). The
 * head is read FOR UPDATE on PostgreSQL; SQLite's seal runs in an IMMEDIATE transaction,
 * whose write lock keeps other sealers out.
 */
export function sealScript(db: Kysely<Database>, flavor: Flavor): SealScript {
  const head = db
    .selectFrom('audit_chains')
    .select(['head_seq', 'head_hash'])
    .where('chain', '=', CHAIN)
  const template = <A extends Record<string, unknown>>(
    names: (keyof A & string)[],
    build: (args: A) => Compilable<unknown>,
  ) => compileTemplate(db, (_db, args: A) => build(args), names).template
  return {
    head: template([], () => (flavor === 'postgres' ? head.forUpdate() : head)),
    unsealed: template([], () =>
      db
        .selectFrom('audit_events')
        .select([...CHAINED_COLUMNS, 'detail'])
        .where('seq', 'is', null)
        .orderBy('number')
        .limit(SEAL_BATCH),
    ),
    seal: template(['seals'], (args: { seals: string }) => ({
      compile: () => sealAll(flavor, args.seals).compile(db),
    })),
    advance: template(['seq', 'hash'], (args: { seq: number; hash: string }) =>
      db
        .updateTable('audit_chains')
        .set({ head_seq: args.seq, head_hash: args.hash })
        .where('chain', '=', CHAIN),
    ),
    queue: template(['from', 'to'], (args: { from: number; to: number }) =>
      queueDeliveries(db, args.from, args.to),
    ),
  }
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
 * Sets each event's seq, hash and detail hash from a JSON array of `{number, seq, hash,
 * detail_hash}`: one statement,
 * each event found by its number (a `seq is null` condition would make SQLite scan the
 * unsealed index once per seal; the held head already keeps other sealers out).
 */
function sealAll(flavor: Flavor, seals: string) {
  return flavor === 'postgres'
    ? sql`update audit_events as e set seq = s.seq, hash = s.hash, detail_hash = s.detail_hash
        from json_to_recordset(${seals}::json)
          as s(number bigint, seq bigint, hash text, detail_hash text)
        where e.number = s.number`
    : sql`update audit_events set seq = s.seq, hash = s.hash, detail_hash = s.detail_hash
        from (select value ->> 'number' as number, value ->> 'seq' as seq,
                value ->> 'hash' as hash, value ->> 'detail_hash' as detail_hash
              from json_each(${seals})) as s
        where audit_events.number = s.number`
}

/** The outbox rows of the events sealed at seqs after `from` up to `to` (webhooks). */
function queueDeliveries(db: Kysely<Database>, from: number, to: number) {
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
}

/** Runs a seal in a Kysely transaction (PostgreSQL, or SQLite before its worker is up). */
export function sealOnKysely(db: Kysely<Database>, script: SealScript): Promise<number> {
  return db
    .transaction()
    .execute((trx) =>
      runSteps(
        sealSteps(script),
        async ([text, parameters]) =>
          (await trx.executeQuery(CompiledQuery.raw(text, [...parameters]))).rows,
      ),
    )
}

/**
 * Walks the chain from where retention cut it to its head: an edited event no longer
 * hashes to its place, a deleted one leaves a gap, a deleted tail falls short of the head,
 * and an edited detail no longer matches its own hash.
 */
export async function verifyChain(
  db: Kysely<Database>,
  anchor?: AuditAnchor,
): Promise<AuditVerification> {
  // Counted before the head is read: a seal committing in between then leaves the count
  // too high, never a head older than a count of 0 says (an empty head with nothing unsealed).
  const { unsealed } = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('unsealed'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow()
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
      // A sealed event always has its detail's hash; one without is altered too.
      const chained = { ...row, detail_hash: row.detail_hash ?? '' }
      if (seq === expected && chainHash(previous, seq, chained) !== row.hash) {
        problems.push({ seq, number, problem: `event ${number} at seq ${seq} was altered` })
      }
      if (seq === anchor?.seq && row.hash !== anchor.hash) {
        problems.push({
          seq,
          number,
          problem: `the event at seq ${seq} is not the head seen before`,
        })
      }
      if (row.detail !== null && detailHash(row.detail) !== row.detail_hash) {
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
    // In chain order, over the seq index: it reads only the events it is about to delete.
    const kept = await trx
      .selectFrom('audit_events')
      .select('seq')
      .where('seq', 'is not', null)
      .where('at', '>=', before)
      .orderBy('seq')
      .limit(1)
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
