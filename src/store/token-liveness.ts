/**
 * Whether an initial access token row may still be used at `now`: not expired, and a use
 * left unless its uses are unlimited (RFC 7591 §3). It is asked in SQL, where the row is,
 * so that using a token is one conditional UPDATE (no read, then write, racing another
 * registration) and a listing pages over live tokens only. The engine and the in-memory
 * store ask the same of a record in TypeScript (engine/access-tokens.ts,
 * isInitialAccessTokenLive); the two must agree.
 */
import type { ExpressionBuilder } from 'kysely'
import type { Database } from './schema.js'

export function isLiveInitialAccessToken(
  eb: ExpressionBuilder<Database, 'initial_access_tokens'>,
  now: number,
) {
  return eb.and([
    eb.or([eb('expires_at', '=', 0), eb('expires_at', '>', now)]),
    eb.or([eb('max_uses', '=', 0), eb('uses_left', '>', 0)]),
  ])
}
