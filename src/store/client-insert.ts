/**
 * One registration inside a (possibly shared) transaction: use one use of the initial
 * access token, if any, then insert the client. Neither expected refusal raises an SQL
 * error, so the transaction stays usable for the rest of its batch: a spent token is an
 * UPDATE that matched no row, and a taken client id is an INSERT ... ON CONFLICT DO
 * NOTHING that returned no row (whose token use is then given back).
 */
import { sql, type Kysely } from 'kysely'
import type { ClientRecord, NewClientRecord } from '../engine/records.js'
import {
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type ConsumeInitialAccessToken,
} from '../engine/store.js'
import type { Outcome } from './group-commit.js'
import { precompile } from './precompiled.js'
import { toClientRow, toStoredClient } from './rows.js'
import type { Database } from './schema.js'

export interface ClientInsert {
  record: NewClientRecord
  consume?: ConsumeInitialAccessToken
}

export type ClientInserter = (
  trx: Kysely<Database>,
  inserts: ClientInsert[],
) => Promise<Outcome<ClientRecord>[]>

/**
 * Inserts each client in turn within `trx`; a refusal is that item's outcome. Each
 * inserter compiles its statements once, for the database it first runs on.
 */
export function clientInserter(): ClientInserter {
  const queries = insertQueries()
  return async (trx, inserts) => {
    const outcomes: Outcome<ClientRecord>[] = []
    for (const insert of inserts) outcomes.push(await insertClient(queries, trx, insert))
    return outcomes
  }
}

function insertQueries() {
  return {
    // The row is all we need back but its number: the rest is the record in hand, so the
    // JSON just written is not read back and parsed again.
    insert: precompile((db: Kysely<Database>, row: ReturnType<typeof toClientRow>) =>
      db
        .insertInto('clients')
        .values(row)
        .onConflict((conflict) => conflict.columns(['service_api_key', 'client_id']).doNothing())
        .returning('number'),
    ),
    /** Takes one use of a live token of the service; no row when there is none to take. */
    useToken: precompile(
      (db: Kysely<Database>, args: { id: string; serviceApiKey: number; now: number }) =>
        db
          .updateTable('initial_access_tokens')
          .set({ uses_left: sql<number>`uses_left - (case when max_uses > 0 then 1 else 0 end)` })
          .where('id', '=', args.id)
          .where('service_api_key', '=', args.serviceApiKey)
          .where((eb) => eb.or([eb('expires_at', '=', 0), eb('expires_at', '>', args.now)]))
          .where((eb) => eb.or([eb('max_uses', '=', 0), eb('uses_left', '>', 0)]))
          .returning('id'),
    ),
  }
}

async function insertClient(
  queries: ReturnType<typeof insertQueries>,
  trx: Kysely<Database>,
  { record, consume }: ClientInsert,
): Promise<Outcome<ClientRecord>> {
  if (consume) {
    const { id, now } = consume
    const used = await queries.useToken(trx, { id, serviceApiKey: record.serviceApiKey, now })
    if (used.rows.length === 0) return { ok: false, error: new InitialAccessTokenSpentError() }
  }
  const { rows } = await queries.insert(trx, toClientRow(record))
  if (rows.length > 0) return { ok: true, value: toStoredClient(record, rows[0].number, 1) }
  if (consume) await giveBackInitialAccessToken(trx, consume.id)
  return { ok: false, error: new DuplicateClientIdError(record.clientId) }
}

/** Rare (a taken id after a token use), so built when needed. */
async function giveBackInitialAccessToken(trx: Kysely<Database>, id: string): Promise<void> {
  await trx
    .updateTable('initial_access_tokens')
    .set({ uses_left: sql<number>`uses_left + (case when max_uses > 0 then 1 else 0 end)` })
    .where('id', '=', id)
    .execute()
}
