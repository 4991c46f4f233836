/**
 * Replacing a stored client's metadata, for RFC 7592 §2.2 and for Authlete's client
 * update alike. Optimistic concurrency: when another update or a delete got in first, the
 * change is made again on the new state, so no acknowledged update is lost silently.
 */
import { OAuthError, type ClientMetadata } from '../wire/index.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { issueSecret } from './client-secret.js'
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
  return {
    ...rest,
    ...issueSecret(context, service, metadata, now, { current }),
    metadata,
    modifiedAt: now,
  }
}

/**
 * Reads the current record, changes it and writes it, again while others win the race;
 * resolves the record the change was made to and the record written.
 */
export async function updateOptimistically(
  context: EngineContext,
  readCurrent: () => Promise<ClientRecord>,
  change: (current: ClientRecord) => Promise<ClientRecord>,
): Promise<{ before: ClientRecord; after: ClientRecord }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await readCurrent()
    const changed = await change(before)
    const after = await context.store.updateClient(changed).catch((error: unknown) => {
      throw refusedWrite(error, 'invalid_client_metadata')
    })
    if (after) return { before, after }
  }
  throw new OAuthError('server_error', 'the client kept changing concurrently; try again')
}
