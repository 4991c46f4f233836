/**
 * When a client last used its credentials, for those who clean up after clients that
 * never come back (MCP hosts cannot delete their registrations). Kept coarse so that
 * checking credentials stays a read: a client's use is written at most once an hour, on
 * whichever node sees it first after the hour has passed.
 */
import type { EngineContext } from './context.js'
import type { ClientRecord } from './records.js'

/** How old a recorded use may grow before a new one is written. */
export const CLIENT_USE_RESOLUTION_MILLISECONDS = 3_600_000

/** Records that `client`, as just read, authenticated now. */
export async function noteClientUse(context: EngineContext, client: ClientRecord): Promise<void> {
  const now = context.now()
  const { lastUsedAt } = client
  if (lastUsedAt !== undefined && now - lastUsedAt < CLIENT_USE_RESOLUTION_MILLISECONDS) return
  await context.store.recordClientUse(client.serviceApiKey, client.clientId, now)
}
