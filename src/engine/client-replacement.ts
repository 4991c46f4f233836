/**
 * Replacing a stored client's metadata, for RFC 7592 §2.2 and for Authlete's client
 * update alike. Optimistic concurrency: when another update or a delete got in first, the
 * change is made again on the new state, so no acknowledged update is lost silently.
 */
import { OAuthError, type ClientMetadata } from '../wire/index.js'
import { recordEvent, storeRecordsEvents } from './audit-events.js'
import type { AuditEvent } from './audit.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { issueSecret, withoutPreviousSecret } from './client-secret.js'
import { refusedWrite } from './store.js'

const ATTEMPTS = 5

/** The record with new metadata: the secret kept while the auth method needs one. */
export function withMetadata(
  context: EngineContext,
  service: ServiceRecord,
  current: ClientRecord,
  metadata: ClientMetadata,
): ClientRecord {
  const now = context.now()
  const { clientSecret: _replaced, ...rest } = current
  const issued = issueSecret(context, service, metadata, now, { current })
  // A rotation's overlap lasts only while the secret it gave stays the current one.
  const kept = issued.clientSecret === current.clientSecret ? rest : withoutPreviousSecret(rest)
  return { ...kept, ...issued, metadata, modifiedAt: now }
}

/**
 * Reads the current record, changes it and writes it, again while others win the race;
 * resolves the record the change was made to and the record written. The change's audit
 * event (`eventOf`, made only when there is an audit trail) is written with it: in its
 * transaction when the store keeps the trail (audit-events.ts, storeRecordsEvents).
 */
export async function updateOptimistically(
  context: EngineContext,
  readCurrent: () => Promise<ClientRecord>,
  change: (current: ClientRecord) => Promise<ClientRecord>,
  eventOf: (before: ClientRecord, after: ClientRecord) => AuditEvent,
): Promise<{ before: ClientRecord; after: ClientRecord }> {
  const withChange = storeRecordsEvents(context)
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await readCurrent()
    const changed = await change(before)
    const event = context.audit && eventOf(before, { ...changed, version: changed.version + 1 })
    const after = await context.store
      .updateClient(changed, withChange ? event : undefined)
      .catch((error: unknown) => {
        throw refusedWrite(error, 'invalid_client_metadata')
      })
    if (after) {
      if (event && !withChange) await recordEvent(context, event)
      return { before, after }
    }
  }
  throw new OAuthError('server_error', 'the client kept changing concurrently; try again')
}
