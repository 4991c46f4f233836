/**
 * Bearer tokens that grant access rather than identify a client: the admin token (whole
 * API), service-scoped API tokens and initial access tokens (RFC 7591
 * §3). Each secret is shown once; only its hash is kept.
 */
import {
  MAX_INT32,
  OAuthError,
  type ApiTokenCreateBody,
  type InitialAccessTokenCreateBody,
} from '../wire/index.js'
import type { EngineContext } from './context.js'
import { noteApiTokenUse } from './last-use.js'
import type { ApiTokenRecord, InitialAccessTokenRecord } from './records.js'
import { refusedWrite } from './store.js'
import { hashSecret, mintIdToken, mintSecret, secretMatches, splitIdToken } from './secrets.js'

const ADMIN_TOKEN_SETTING = 'admin_token_hash'

/**
 * Who a credential speaks for: the admin, or one service through one of its API tokens
 * (`tokenId`) or its apiSecret (no `tokenId`).
 */
export type Principal =
  { kind: 'admin' } | { kind: 'service'; serviceApiKey: number; tokenId?: string }

/**
 * Makes sure an admin token exists: the configured one replaces the stored hash; with
 * none configured and none stored, one is generated and returned to be shown once.
 */
export async function ensureAdminToken(
  context: EngineContext,
  configured: string | undefined,
): Promise<{ generated?: string }> {
  if (configured) {
    await context.store.putSetting(ADMIN_TOKEN_SETTING, hashSecret(configured))
    return {}
  }
  if (await context.store.getSetting(ADMIN_TOKEN_SETTING)) return {}
  return { generated: await rotateAdminToken(context) }
}

/**
 * A new admin token, returned to be shown once; only its hash is stored. The old one stops
 * working at once, also in a server running on the same database: the hash is read from
 * the store at each use, never kept in memory.
 */
export async function rotateAdminToken(context: EngineContext): Promise<string> {
  const token = mintSecret(context.randomBytes)
  await context.store.putSetting(ADMIN_TOKEN_SETTING, hashSecret(token))
  return token
}

/** The principal a bearer token speaks for, or undefined for an unknown token. */
export async function authenticateBearer(
  context: EngineContext,
  token: string,
): Promise<Principal | undefined> {
  const split = splitIdToken(token)
  if (!split) {
    const adminTokenHash = await context.store.getSetting(ADMIN_TOKEN_SETTING)
    return secretMatches(token, adminTokenHash) ? { kind: 'admin' } : undefined
  }
  const record = await context.store.getApiToken(split.id)
  if (!record || !secretMatches(split.secret, record.secretHash)) return undefined
  if (record.expiresAt !== undefined && record.expiresAt <= context.now()) return undefined
  await noteApiTokenUse(context, record)
  return { kind: 'service', serviceApiKey: record.serviceApiKey, tokenId: record.id }
}

/**
 * The service an HTTP Basic `apiKey:apiSecret` pair speaks for (Authlete's API v2
 * authentication), or undefined. Read from the store, not the service cache, so a refreshed
 * secret takes effect on every node at once. A service token's rights (no `tokenId`).
 */
export async function authenticateServiceSecret(
  context: EngineContext,
  apiKey: number,
  apiSecret: string,
): Promise<Principal | undefined> {
  const service = Number.isSafeInteger(apiKey) ? await context.store.getService(apiKey) : undefined
  if (!service || !secretMatches(apiSecret, service.apiSecretHash)) return undefined
  return { kind: 'service', serviceApiKey: service.apiKey }
}

const refuseWrite = (error: unknown) => {
  throw refusedWrite(error, 'invalid_request')
}

/** A service API token; `expiresIn` in seconds, absent or 0 = never. */
export async function createApiToken(
  context: EngineContext,
  serviceApiKey: number,
  request: ApiTokenCreateBody,
): Promise<{ id: string; token: string; expiresAt?: number }> {
  const expiresIn = request.expiresIn ?? 0
  if (!isCount(expiresIn)) {
    throw new OAuthError('invalid_request', `expiresIn must be an integer from 0 to ${MAX_INT32}`)
  }
  const { id, secret, token } = mintIdToken(context.randomBytes)
  const now = context.now()
  const expiresAt = expiresIn > 0 ? now + expiresIn * 1000 : undefined
  await context.store
    .insertApiToken({
      id,
      serviceApiKey,
      secretHash: hashSecret(secret),
      description: request.description,
      createdAt: now,
      ...(expiresAt !== undefined && { expiresAt }),
    })
    .catch(refuseWrite)
  return { id, token, ...(expiresAt !== undefined && { expiresAt }) }
}

/** The service's API tokens without their secrets' hashes, oldest first. */
export async function listApiTokens(
  context: EngineContext,
  serviceApiKey: number,
): Promise<Omit<ApiTokenRecord, 'secretHash' | 'serviceApiKey'>[]> {
  const tokens = await context.store.listApiTokens(serviceApiKey)
  return tokens.map(({ secretHash: _hash, serviceApiKey: _service, ...shown }) => shown)
}

/** `expiresIn` in seconds, absent or 0 = never; `maxUses` absent or 0 = unlimited. */
export type InitialAccessTokenRequest = InitialAccessTokenCreateBody

const isCount = (value: number) => Number.isInteger(value) && value >= 0 && value <= MAX_INT32

/** @see RFC 7591 §3 */
export async function createInitialAccessToken(
  context: EngineContext,
  serviceApiKey: number,
  request: InitialAccessTokenRequest,
): Promise<{ id: string; token: string; expiresAt: number; maxUses: number }> {
  const expiresIn = request.expiresIn ?? 0
  const maxUses = request.maxUses ?? 0
  // Both fit a 32-bit integer: max_uses and uses_left are 32-bit columns.
  if (!isCount(expiresIn)) {
    throw new OAuthError('invalid_request', `expiresIn must be an integer from 0 to ${MAX_INT32}`)
  }
  if (!isCount(maxUses)) {
    throw new OAuthError('invalid_request', `maxUses must be an integer from 0 to ${MAX_INT32}`)
  }
  const now = context.now()
  const { id, secret, token } = mintIdToken(context.randomBytes)
  const expiresAt = expiresIn === 0 ? 0 : now + expiresIn * 1000
  await context.store
    .insertInitialAccessToken({
      id,
      serviceApiKey,
      secretHash: hashSecret(secret),
      expiresAt,
      maxUses,
      usesLeft: maxUses,
      description: request.description,
      createdAt: now,
    })
    .catch(refuseWrite)
  return { id, token, expiresAt, maxUses }
}

/**
 * Whether an initial access token may still be used at `now`: not expired, and a use left
 * unless its uses are unlimited (a deleted one is not in the store at all). The SQL stores
 * ask the same in SQL, where the row is (store/token-liveness.ts); the two must agree.
 * @see RFC 7591 §3
 */
export function isInitialAccessTokenLive(
  token: Pick<InitialAccessTokenRecord, 'expiresAt' | 'maxUses' | 'usesLeft'>,
  now: number,
): boolean {
  return (
    (token.expiresAt === 0 || token.expiresAt > now) && (token.maxUses === 0 || token.usesLeft > 0)
  )
}

/**
 * The initial access token a registration presents, checked: it must be this service's,
 * live and have a use left. Missing where required, or invalid: invalid_token.
 * @see RFC 7591 §3
 */
export async function checkInitialAccessToken(
  context: EngineContext,
  serviceApiKey: number,
  required: boolean,
  token: string | undefined,
): Promise<InitialAccessTokenRecord | undefined> {
  if (!token) {
    if (!required) return undefined
    throw new OAuthError('invalid_token', 'an initial access token is required to register')
  }
  const split = splitIdToken(token)
  const record = split && (await context.store.getInitialAccessToken(split.id))
  const now = context.now()
  const valid =
    split &&
    record &&
    record.serviceApiKey === serviceApiKey &&
    secretMatches(split.secret, record.secretHash) &&
    isInitialAccessTokenLive(record, now)
  if (!valid) {
    throw new OAuthError('invalid_token', 'the initial access token is invalid, expired or spent')
  }
  return record
}
