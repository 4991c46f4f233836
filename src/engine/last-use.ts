/**
 * When a client last used its credentials (client/authenticate) or its registration access
 * token (RFC 7592 reads and updates), and a service API token last called the API:
 * for those who clean up after clients that never come back (MCP hosts cannot delete their
 * registrations) and who revoke tokens no one uses. Kept coarse so that checking a
 * credential stays a read: a use is written at most once an hour, on whichever node sees it
 * first after the hour has passed.
 */
import type { EngineContext } from './context.js'
import type { ApiTokenRecord, ClientRecord } from './records.js'

/** How old a recorded use may grow before a new one is written. */
export const USE_RESOLUTION_MILLISECONDS = 3_600_000

/** Whether a use at `now` is to be written over the one recorded (none: `undefined`). */
export function useIsDue(lastUsedAt: number | undefined, now: number): boolean {
  return lastUsedAt === undefined || now - lastUsedAt >= USE_RESOLUTION_MILLISECONDS
}

/** Records that `client`, as just read, authenticated now. */
export async function noteClientUse(context: EngineContext, client: ClientRecord): Promise<void> {
  const now = context.now()
  if (useIsDue(client.lastUsedAt, now)) {
    await context.store.recordClientUse(client.serviceApiKey, client.clientId, now)
  }
}

/** Records that the API token, as just read, authenticated a call now. */
export async function noteApiTokenUse(
  context: EngineContext,
  token: ApiTokenRecord,
): Promise<void> {
  const now = context.now()
  if (useIsDue(token.lastUsedAt, now)) await context.store.recordApiTokenUse(token.id, now)
}
