/**
 * Registration access token rotation, tolerant of a lost answer. RFC 7592 §3 lets the server
 * issue a new registration access token in any read or update answer; the client must then
 * use it and throw the old one away. A server that rotates on every use and forgets the old
 * token at once (Keycloak) locks the client out for good when one answer is lost on the way.
 *
 * Design. The service chooses when a token rotates (`registrationAccessTokenRotation`:
 * `never`, `on_update`, `on_use`). A rotation makes a fresh token current and keeps the
 * hash of the token it replaced as the client's "previous" token, good until now + the
 * service's grace (`registrationAccessTokenGrace`, seconds):
 *
 * - The previous token presented within its grace works exactly once: it answers as the
 *   current token would, and itself rotates to a fresh token. The previous slot is then
 *   spent, and the token current before (the one whose answer was lost) is retired too. So a
 *   client whose answer got lost retries with the token it still holds and recovers.
 * - Any other presentation of a retired token of the client (the previous token after its
 *   grace or after its one use, or an older one) is reuse: someone holds a token the client
 *   was told to throw away, so the token leaked, or the client runs twice. Reuse revokes the
 *   whole lineage (the current token stops working too; only an administrator's reissue
 *   gives the client a token again), records a `registration_token.reused` audit event, and
 *   answers 401 invalid_token exactly as a wrong token does.
 *
 * Only hashes are kept (SHA-256, base64url, as the current token's): the previous one, and
 * the last RETIRED_TOKENS_KEPT retired ones, so reuse of an older token is still seen. A
 * token that matches none of them is merely wrong.
 *
 * A rotation is an optimistic update (Store.updateClient compares the version), so of two
 * uses racing with one token only one rotates it; the other is decided again on what the
 * winner wrote, and gets what a retry would get. With `never` nothing here runs on the
 * success path: the token matches the current hash and nothing is written.
 */
import { timingSafeEqual } from 'node:crypto'
import { OAuthError } from '../wire/index.js'
import { recordEvent, storeRecordsEvents, tokenReusedEvent } from './audit-events.js'
import type { RequestOrigin } from './audit.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { hashSecret, mintSecret } from './secrets.js'

export const TOKEN_ROTATIONS = ['never', 'on_update', 'on_use'] as const
export type TokenRotation = (typeof TOKEN_ROTATIONS)[number]

/** Seconds the previous token works once after a rotation, unless the service says. */
export const DEFAULT_GRACE_SECONDS = 60
/** A longer grace would keep a replaced token alive for long: a day at most. */
export const MAX_GRACE_SECONDS = 86_400
/** Retired token hashes kept per client, to tell reuse of an older token from a wrong one. */
export const RETIRED_TOKENS_KEPT = 20

/** Tries at an optimistic write before giving up with server_error. */
const ATTEMPTS = 5

/** Which of the client's tokens was presented and accepted. */
export type Presented = 'current' | 'previous'

/** Checks the rotation settings of a service create or update (services.ts). */
export function checkRotationSettings(settings: Record<string, unknown>): void {
  const rotation = settings['registrationAccessTokenRotation']
  if (rotation !== undefined && !TOKEN_ROTATIONS.includes(rotation as TokenRotation)) {
    throw new OAuthError(
      'invalid_request',
      `registrationAccessTokenRotation must be one of ${TOKEN_ROTATIONS.join(', ')}`,
    )
  }
  const grace = settings['registrationAccessTokenGrace']
  if (
    grace !== undefined &&
    !(
      Number.isSafeInteger(grace) &&
      (grace as number) >= 0 &&
      (grace as number) <= MAX_GRACE_SECONDS
    )
  ) {
    throw new OAuthError(
      'invalid_request',
      `registrationAccessTokenGrace must be an integer from 0 to ${MAX_GRACE_SECONDS}`,
    )
  }
}

/** Whether a use of the current token for `use` replaces it (RFC 7592 §3). */
export function rotatesOn(service: ServiceRecord, use: 'read' | 'update'): boolean {
  const rotation = service.settings.registrationAccessTokenRotation
  return rotation === 'on_use' || (rotation === 'on_update' && use === 'update')
}

/** The record and the token to answer with, when a use rotates the token. */
export interface Rotation {
  record: ClientRecord
  /** The new token, shown in this answer only; undefined when the token stays. */
  token?: string
}

/**
 * The record after a use with the `presented` token: rotated when the service rotates on
 * `use`, and always after the previous token's one use.
 */
export function afterUse(
  context: EngineContext,
  service: ServiceRecord,
  record: ClientRecord,
  presented: Presented,
  use: 'read' | 'update',
): Rotation {
  if (presented === 'current' && !rotatesOn(service, use)) return { record }
  return rotated(context, service, record, presented)
}

/** The record with a fresh current token, the token it replaced kept as the lineage says. */
export function rotated(
  context: EngineContext,
  service: ServiceRecord,
  record: ClientRecord,
  presented: Presented,
): Required<Rotation> {
  const now = context.now()
  const token = mintSecret(context.randomBytes)
  const {
    registrationAccessTokenPreviousHash: previous,
    registrationAccessTokenPreviousValidUntil: _until,
    registrationAccessTokenHash: current,
    ...rest
  } = record
  const retired = [...(record.registrationAccessTokenRetiredHashes ?? [])]
  const next: ClientRecord = { ...rest, registrationAccessTokenHash: hashSecret(token) }
  if (presented === 'previous') {
    // Its one use: the slot is spent, and the current token, whose answer was lost, retires.
    retired.push(previous!, current!)
  } else {
    // The client holds the current token, so it needs the previous one no longer.
    if (previous !== undefined) retired.push(previous)
    const grace = service.settings.registrationAccessTokenGrace ?? DEFAULT_GRACE_SECONDS
    if (grace > 0) {
      next.registrationAccessTokenPreviousHash = current!
      next.registrationAccessTokenPreviousValidUntil = now + grace * 1000
    } else {
      retired.push(current!)
    }
  }
  next.registrationAccessTokenRetiredHashes = retired.slice(-RETIRED_TOKENS_KEPT)
  return { record: next, token }
}

/** The record with its lineage revoked at `now`: no token works until one is reissued. */
export function revoked(record: ClientRecord, now: number): ClientRecord {
  const {
    registrationAccessTokenHash: current,
    registrationAccessTokenPreviousHash: previous,
    registrationAccessTokenPreviousValidUntil: _until,
    ...rest
  } = record
  const retired = [...(record.registrationAccessTokenRetiredHashes ?? [])]
  for (const hash of [previous, current]) if (hash !== undefined) retired.push(hash)
  return {
    ...rest,
    registrationAccessTokenRetiredHashes: retired.slice(-RETIRED_TOKENS_KEPT),
    registrationAccessTokenRevokedAt: now,
  }
}

/**
 * Where a token that is not the client's current one stands in its lineage: its previous
 * token within the grace, a retired one (reuse, with why), or none of them (a wrong token).
 */
export function placeOf(
  record: ClientRecord,
  token: string,
  now: number,
): 'previous' | { reused: 'previous_after_grace' | 'retired' } | undefined {
  const previous = record.registrationAccessTokenPreviousHash
  const retired = record.registrationAccessTokenRetiredHashes
  if (previous === undefined && retired === undefined) return undefined
  const presented = Buffer.from(hashSecret(token), 'base64url')
  if (previous !== undefined && hashesEqual(presented, previous)) {
    const validUntil = record.registrationAccessTokenPreviousValidUntil ?? 0
    return now < validUntil ? 'previous' : { reused: 'previous_after_grace' }
  }
  // Every entry compared, so the time taken tells nothing of which one matched.
  let found = false
  for (const hash of retired ?? []) found = hashesEqual(presented, hash) || found
  return found ? { reused: 'retired' } : undefined
}

function hashesEqual(presented: Buffer, stored: string): boolean {
  const expected = Buffer.from(stored, 'base64url')
  return expected.length === presented.length && timingSafeEqual(expected, presented)
}

/**
 * Decides a token that is not the client's current one: resolves the record whose previous
 * token it is, within its grace; revokes the lineage when it is a retired one (unless
 * that was done already); and fails as a wrong token does in every case but the first.
 */
export async function presentedRetired(
  context: EngineContext,
  record: ClientRecord,
  token: string,
  origin: RequestOrigin | undefined,
  invalidToken: () => OAuthError,
  reread: () => Promise<ClientRecord | undefined>,
): Promise<ClientRecord> {
  let current: ClientRecord | undefined = record
  for (let attempt = 0; current && attempt < ATTEMPTS; attempt++) {
    const place = placeOf(current, token, context.now())
    if (place === 'previous') return current
    if (place === undefined || current.registrationAccessTokenRevokedAt !== undefined) break
    if (await revokeLineage(context, current, place.reused, origin)) break
    // Changed meanwhile (a rotation, an update): decided again on what was written.
    current = await reread()
  }
  throw invalidToken()
}

/** Writes the revocation with its event; false when the client changed meanwhile. */
async function revokeLineage(
  context: EngineContext,
  record: ClientRecord,
  reason: string,
  origin: RequestOrigin | undefined,
): Promise<boolean> {
  const changed = revoked(record, context.now())
  const withChange = storeRecordsEvents(context)
  const event =
    context.audit &&
    tokenReusedEvent(context, origin, { ...changed, version: changed.version + 1 }, reason)
  const written = await context.store.updateClient(changed, withChange ? event : undefined)
  if (written && event && !withChange) await recordEvent(context, event)
  return written !== undefined
}

/**
 * Writes a use's rotation; undefined when the client changed meanwhile, so the caller
 * decides the request again on what was written (as a retry would be).
 */
export async function writeRotation(
  context: EngineContext,
  rotation: Rotation,
): Promise<Rotation | undefined> {
  const written = await context.store.updateClient(rotation.record)
  return written && { record: written, token: rotation.token }
}

/** Gives up after ATTEMPTS lost races, as client-replacement.ts does. */
export async function retried<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < ATTEMPTS; tries++) {
    const result = await attempt()
    if (result !== undefined) return result
  }
  throw new OAuthError('server_error', 'the client kept changing concurrently; try again')
}
