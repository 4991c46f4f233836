/**
 * The audit event of a client's update or deletion, written in the change's own
 * transaction (as a registration's is, client-insert.ts): a change that committed always
 * has its event, and an event never tells of a change that did not happen. The change and
 * its event run as a chain (KyselyStore.#writeChain): the event's insert runs only when the
 * change answered the row it changed.
 */
import type { CompiledQuery, Kysely } from 'kysely'
import type { AuditEvent } from '../engine/index.js'
import { eventRowOf } from './audit-trail.js'
import type { Database } from './schema.js'

/** The insert of the event's row. */
export function eventInsert(db: Kysely<Database>, event: AuditEvent): CompiledQuery {
  return db.insertInto('audit_events').values(eventRowOf(event)).compile()
}
