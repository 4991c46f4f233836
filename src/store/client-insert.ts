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
import { toClientRecord, toClientRow } from './rows.js'
import type { Database } from './schema.js'

export interface ClientInsert {
  record: NewClientRecord
  consume?: ConsumeInitialAccessToken
}

/** Inserts each client in turn within `trx`; a refusal is that item's outcome. */
export async function insertClients(
  trx: Kysely<Database>,
  inserts: ClientInsert[],
): Promise<Outcome<ClientRecord>[]> {
  const outcomes: Outcome<ClientRecord>[] = []
  for (const insert of inserts) outcomes.push(await insertClient(trx, insert))
  return outcomes
}

async function insertClient(
  trx: Kysely<Database>,
  { record, consume }: ClientInsert,
): Promise<Outcome<ClientRecord>> {
  if (consume && !(await useInitialAccessToken(trx, record.serviceApiKey, consume))) {
    return { ok: false, error: new InitialAccessTokenSpentError() }
  }
  const row = await trx
    .insertInto('clients')
    .values(toClientRow(record))
    .onConflict((conflict) => conflict.columns(['service_api_key', 'client_id']).doNothing())
    .returningAll()
    .executeTakeFirst()
  if (row) return { ok: true, value: toClientRecord(row) }
  if (consume) await giveBackInitialAccessToken(trx, consume.id)
  return { ok: false, error: new DuplicateClientIdError(record.clientId) }
}

/** Takes one use of a live token of the service; false when there is none to take. */
async function useInitialAccessToken(
  trx: Kysely<Database>,
  serviceApiKey: number,
  { id, now }: ConsumeInitialAccessToken,
): Promise<boolean> {
  const used = await trx
    .updateTable('initial_access_tokens')
    .set({ uses_left: sql<number>`uses_left - (case when max_uses > 0 then 1 else 0 end)` })
    .where('id', '=', id)
    .where('service_api_key', '=', serviceApiKey)
    .where((eb) => eb.or([eb('expires_at', '=', 0), eb('expires_at', '>', now)]))
    .where((eb) => eb.or([eb('max_uses', '=', 0), eb('uses_left', '>', 0)]))
    .returning('id')
    .executeTakeFirst()
  return used !== undefined
}

async function giveBackInitialAccessToken(trx: Kysely<Database>, id: string): Promise<void> {
  await trx
    .updateTable('initial_access_tokens')
    .set({ uses_left: sql<number>`uses_left + (case when max_uses > 0 then 1 else 0 end)` })
    .where('id', '=', id)
    .execute()
}
