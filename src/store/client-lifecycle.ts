/**
 * The statements of soft deletion (engine/client-lifecycle.ts): marking a client deleted,
 * clearing the mark, reaping idle clients and purging marked ones. Each is one statement
 * (the count follows through triggers, migration 10), so SQLite's worker runs it as any
 * other client write. The sweep's statements take a batch over one service's partial index
 * (clients_idle, clients_deleted) and repeat their condition on the rows they change: on
 * PostgreSQL a row changed meanwhile (a use recorded) is checked again before it is taken.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely'
import type { ClientRestore } from '../engine/index.js'
import type { Database } from './schema.js'

/** When a live client was last used, or created when never used: clients_idle's key. */
const idleSince = sql<number>`coalesce(last_used_at, created_at)`

/** The columns a sweep answers for each client it took. */
const TAKEN = ['client_id', 'number', 'version'] as const

/** Marks the client deleted at `at`; a row back when it was live. */
export function softDeleteStatement(
  db: Kysely<Database>,
  serviceApiKey: number,
  clientId: number,
  at: number,
): CompiledQuery {
  return db
    .updateTable('clients')
    .set({ deleted_at: at, version: sql<number>`version + 1` })
    .where('service_api_key', '=', serviceApiKey)
    .where('client_id', '=', clientId)
    .where('deleted_at', 'is', null)
    .returning('number')
    .compile()
}

/**
 * Clears the mark of a client marked at or after `deletedSince`, its restore a use `at`
 * (moving forward only), while its service holds fewer than `maxClients`; its row back.
 */
export function restoreStatement(
  db: Kysely<Database>,
  serviceApiKey: number,
  clientId: number,
  { deletedSince, at, maxClients }: ClientRestore,
): CompiledQuery {
  return db
    .updateTable('clients')
    .set({
      deleted_at: null,
      version: sql<number>`version + 1`,
      last_used_at: sql<number>`(case when last_used_at > ${at} then last_used_at else ${at} end)`,
    })
    .where('service_api_key', '=', serviceApiKey)
    .where('client_id', '=', clientId)
    .where('deleted_at', '>=', deletedSince)
    .$if(maxClients !== undefined, (query) =>
      // Counted as an insert counts them (services.client_count), the restored one not yet.
      query.where(
        sql<boolean>`(select client_count from services where api_key = ${serviceApiKey}) < ${maxClients}`,
      ),
    )
    .returningAll()
    .compile()
}

/**
 * Marks (at `deleteAt`) or deletes (without it) at most `limit` live clients of the service
 * idle since before `idleBefore`, the longest idle first; the clients taken back.
 */
export function reapStatement(
  db: Kysely<Database>,
  serviceApiKey: number,
  { idleBefore, limit, deleteAt }: { idleBefore: number; limit: number; deleteAt?: number },
): CompiledQuery {
  const batch = db
    .selectFrom('clients')
    .select('number')
    .where('service_api_key', '=', serviceApiKey)
    .where('deleted_at', 'is', null)
    .where(idleSince, '<', idleBefore)
    .orderBy(idleSince)
    .limit(limit)
  if (deleteAt === undefined) {
    return db
      .deleteFrom('clients')
      .where('number', 'in', batch)
      .where('deleted_at', 'is', null)
      .where(idleSince, '<', idleBefore)
      .returning(TAKEN)
      .compile()
  }
  return db
    .updateTable('clients')
    .set({ deleted_at: deleteAt, version: sql<number>`version + 1` })
    .where('number', 'in', batch)
    .where('deleted_at', 'is', null)
    .where(idleSince, '<', idleBefore)
    .returning(TAKEN)
    .compile()
}

/** Deletes at most `limit` clients of the service marked before `deletedBefore`; those taken back. */
export function purgeStatement(
  db: Kysely<Database>,
  serviceApiKey: number,
  { deletedBefore, limit }: { deletedBefore: number; limit: number },
): CompiledQuery {
  return db
    .deleteFrom('clients')
    .where('number', 'in', (eb) =>
      eb
        .selectFrom('clients')
        .select('number')
        .where('service_api_key', '=', serviceApiKey)
        .where('deleted_at', '<', deletedBefore)
        .orderBy('deleted_at')
        .limit(limit),
    )
    .where('deleted_at', '<', deletedBefore)
    .returning(TAKEN)
    .compile()
}

/** A client a sweep statement answered, as the engine's ReapedClient. */
export function toReapedClient(row: { client_id: number; number: number; version: number }) {
  return { clientId: row.client_id, number: row.number, version: row.version }
}
