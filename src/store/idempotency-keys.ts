/**
 * The statements of the Idempotency-Key table (migration 3) and its rows. A claim is one
 * INSERT ... ON CONFLICT DO UPDATE ... WHERE: it inserts, or replaces a row that may be
 * reclaimed, and RETURNING says whether it did; the primary key (service, key hash) makes
 * racing claims on any nodes take turns. Writes come back compiled, for the store to run
 * where it runs client writes (SQLite's worker thread when there is one).
 */
import type { CompiledQuery, Kysely } from 'kysely'
import type { IdempotencyKeyReclaim, IdempotencyKeyRecord } from '../engine/index.js'
import type { Database, IdempotencyKeyRow } from './schema.js'

export function toIdempotencyKeyRecord(row: IdempotencyKeyRow): IdempotencyKeyRecord {
  return {
    serviceApiKey: row.service_api_key,
    keyHash: row.key_hash,
    requestHash: row.request_hash,
    ...(row.token_hash === null ? {} : { tokenHash: row.token_hash }),
    ...(row.client_id === null ? {} : { clientId: row.client_id }),
    createdAt: row.created_at,
  }
}

/** The claim: one row back when it took the key, none when another holds it. */
export function claimStatement(
  db: Kysely<Database>,
  claim: IdempotencyKeyRecord,
  reclaim: IdempotencyKeyReclaim,
): CompiledQuery {
  const taken = {
    request_hash: claim.requestHash,
    token_hash: claim.tokenHash ?? null,
    client_id: null,
    created_at: claim.createdAt,
  }
  return db
    .insertInto('idempotency_keys')
    .values({ service_api_key: claim.serviceApiKey, key_hash: claim.keyHash, ...taken })
    .onConflict((conflict) =>
      conflict
        .columns(['service_api_key', 'key_hash'])
        .doUpdateSet(taken)
        .where((eb) =>
          eb.or([
            eb('idempotency_keys.created_at', '<', reclaim.expiredBefore),
            eb.and([
              eb('idempotency_keys.client_id', 'is', null),
              eb('idempotency_keys.created_at', '<', reclaim.abandonedBefore),
            ]),
          ]),
        ),
    )
    .returning('created_at')
    .compile()
}

/** Only the claim made at its createdAt: one that replaced it meanwhile stays as it is. */
const ofClaim = (db: Kysely<Database>, claim: IdempotencyKeyRecord) => ({
  update: db
    .updateTable('idempotency_keys')
    .where('service_api_key', '=', claim.serviceApiKey)
    .where('key_hash', '=', claim.keyHash)
    .where('created_at', '=', claim.createdAt),
  delete: db
    .deleteFrom('idempotency_keys')
    .where('service_api_key', '=', claim.serviceApiKey)
    .where('key_hash', '=', claim.keyHash)
    .where('created_at', '=', claim.createdAt),
})

export function completeStatement(
  db: Kysely<Database>,
  claim: IdempotencyKeyRecord,
  clientId: number,
): CompiledQuery {
  return ofClaim(db, claim)
    .update.set({ client_id: clientId })
    .where('client_id', 'is', null)
    .compile()
}

export function releaseStatement(db: Kysely<Database>, claim: IdempotencyKeyRecord): CompiledQuery {
  return ofClaim(db, claim).delete.compile()
}

/** Expired keys, found through the created_at index. */
export function deleteBeforeStatement(db: Kysely<Database>, before: number): CompiledQuery {
  return db.deleteFrom('idempotency_keys').where('created_at', '<', before).compile()
}

export async function getIdempotencyKey(
  db: Kysely<Database>,
  serviceApiKey: number,
  keyHash: string,
): Promise<IdempotencyKeyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('service_api_key', '=', serviceApiKey)
    .where('key_hash', '=', keyHash)
    .executeTakeFirst()
  return row && toIdempotencyKeyRecord(row)
}
