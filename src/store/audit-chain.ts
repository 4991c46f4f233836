/**
 * The audit chain: events are written unsealed with the change they record, from any node,
 * without waiting for one another; a sealer then gives them their places in one chain, each
 * event's hash covering the event and the hash before it. Only sealers take turns (on the
 * chain's row), and a seal takes every event written since the last, so registrations are
 * never serialised across nodes. The chain's row is its anchor: its head moves with every
 * seal (a deleted tail is seen) and records where retention cut its start. The detail is
 * hashed apart (detail_hash), so erasing it keeps the chain verifiable.
 */
import { createHash } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { AuditVerification } from '../engine/index.js'
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

/** Holds the chain's row until the transaction ends: sealers and pruners take turns. */
async function lockChain(trx: Transaction<Database>) {
  return trx
    .updateTable('audit_chains')
    .set({ head_seq: sql`head_seq` })
    .where('chain', '=', CHAIN)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Seals the events written since the last seal, oldest first, and queues each for the
 * webhooks of its service that take its kind (the outbox); resolves how many.
 */
export async function sealEvents(db: Kysely<Database>, flavor: Flavor): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const chain = await lockChain(trx)
    const rows = await trx
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', 'is', null)
      .orderBy('number')
      .limit(SEAL_BATCH)
      .execute()
    if (rows.length === 0) return 0
    let previous = chain.head_hash
    let seq = Number(chain.head_seq)
    const sealed = rows.map((row) => {
      seq++
      previous = chainHash(previous, seq, row)
      return { number: Number(row.number), seq, hash: previous }
    })
    await writeSeals(trx, flavor, sealed)
    await trx
      .updateTable('audit_chains')
      .set({ head_seq: seq, head_hash: previous })
      .where('chain', '=', CHAIN)
      .execute()
    await queueDeliveries(trx, Number(chain.head_seq), seq)
    return rows.length
  })
}

async function writeSeals(
  trx: Transaction<Database>,
  flavor: Flavor,
  sealed: { number: number; seq: number; hash: string }[],
): Promise<void> {
  if (flavor === 'postgres') {
    // One statement for them all: each row's values from a VALUES list.
    const values = sql.join(
      sealed.map(({ number, seq, hash }) => sql`(${number}::bigint, ${seq}::bigint, ${hash})`),
    )
    await sql`update audit_events as e set seq = v.seq, hash = v.hash
      from (values ${values}) as v(number, seq, hash) where e.number = v.number`.execute(trx)
    return
  }
  // SQLite runs in-process: one prepared statement, run once a row, costs microseconds.
  for (const { number, seq, hash } of sealed) {
    await trx.updateTable('audit_events').set({ seq, hash }).where('number', '=', number).execute()
  }
}

/** The outbox rows of events sealed at seqs after `from` up to `to` (webhooks). */
async function queueDeliveries(trx: Transaction<Database>, from: number, to: number) {
  await trx
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
    .execute()
}

/**
 * Walks the chain from where retention cut it to its head: an edited event no longer
 * hashes to its place, a deleted one leaves a gap, a deleted tail falls short of the head,
 * and an edited detail no longer matches its own hash.
 */
export async function verifyChain(db: Kysely<Database>): Promise<AuditVerification> {
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
