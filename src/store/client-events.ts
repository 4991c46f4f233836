/**
 * Finding one client's audit events. A registration writes its event through an index that
 * only grows at its end, by the client's row number (migrations.ts, version 6), never through
 * one keyed by its random client id: so a client's events are found in two parts, each over
 * an index of its own. Its registrations, by the row numbers the client has had: the live
 * row's, and those its other events name, which outlive a deletion. Everything else, by
 * client id.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import type { Database } from './schema.js'

/** A filter of audit_events rows, for a select or an update alike. */
export type EventFilter = (eb: ExpressionBuilder<Database, 'audit_events'>) => Expression<SqlBool>

/** A literal, not a parameter: SQLite uses a partial index only when the query names its value. */
const CREATED_KIND = sql.lit('client.created')

/** The client's events, as one filter per index: its registrations (if any), then the rest. */
export async function clientEventFilters(
  db: Kysely<Database>,
  serviceApiKey: number,
  clientId: number,
): Promise<EventFilter[]> {
  const registrations = await registrationEventNumbers(db, serviceApiKey, clientId)
  const others: EventFilter = (eb) =>
    eb.and([
      eb('service_api_key', '=', serviceApiKey),
      eb('client_id', '=', clientId),
      eb('kind', '<>', CREATED_KIND),
    ])
  // By their numbers: with the caller's filters beside, SQLite would pick another index.
  return registrations.length > 0 ? [(eb) => eb('number', 'in', registrations), others] : [others]
}

/** The numbers of the client's registration events. */
async function registrationEventNumbers(
  db: Kysely<Database>,
  serviceApiKey: number,
  clientId: number,
): Promise<number[]> {
  const clientNumbers = await db
    .selectFrom('clients')
    .select('number')
    .where('service_api_key', '=', serviceApiKey)
    .where('client_id', '=', clientId)
    .union(
      db
        .selectFrom('audit_events')
        .select(sql<number>`client_number`.as('number'))
        .where('service_api_key', '=', serviceApiKey)
        .where('client_id', '=', clientId)
        .where('kind', '<>', CREATED_KIND)
        .where('client_number', 'is not', null),
    )
    .execute()
  let registrations = db
    .selectFrom('audit_events')
    .select('number')
    .where('service_api_key', '=', serviceApiKey)
    .where('kind', '=', CREATED_KIND)
    .where('client_id', '=', clientId)
  // A client no event links to a row (deleted by the expiry sweep before any other event
  // of it) is looked for among all of the service's registrations.
  if (clientNumbers.length > 0) {
    registrations = registrations.where(
      'client_number',
      'in',
      clientNumbers.map((row) => Number(row.number)),
    )
  }
  return (await registrations.execute()).map((row) => Number(row.number))
}
