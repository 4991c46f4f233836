/**
 * What idempotent registration keeps of a key, and how a repeated answer gets a working
 * registration access token (draft-ietf-httpapi-idempotency-key-header §2).
 *
 * Kept per service and key: SHA-256 hashes of the key (never the key), of the request body
 * in canonical form and of the initial access token presented, the client registered and
 * when the key was claimed. Keys expire after a window (24 hours by default).
 *
 * The token. A client record holds one SHA-256 hash of its registration access token and
 * the token is kept nowhere, yet a repeated answer must carry a token that works without
 * revoking the first answer's (that answer may have arrived after all). So the token of a
 * registration made with a key is derived, not drawn: HMAC-SHA-256, under a server secret,
 * of the service id, the moment the key was claimed and the key itself. The repeat derives
 * the very same token; nothing new is stored, the record's hash stays the only trace.
 * - The key itself, not its stored hash: the database alone (secret included) yields no
 *   token. The secret: a key alone (keys travel through logs) yields none either.
 * - The moment of the claim, not the client id: the token's hash goes into the client row
 *   as it is inserted, before the id is certain (a colliding id is drawn again); and a key
 *   used again after its window gets another token.
 * - Sealing a random token under the key would work as well, but stores a second
 *   token-bearing value; deriving stores nothing.
 * The secret is 256 random bits in the settings table, made once by whichever node needs it
 * first and shared by every node through the database.
 */
import { createHmac } from 'node:crypto'
import { OAuthError, parseStorableJson } from '../wire/index.js'
import { hashSecret, mintSecret, type RandomBytes } from './secrets.js'
import type { IdempotencyKeyReclaim, Store } from './store.js'

/** How long a key is remembered by default: 24 hours, in milliseconds. */
export const DEFAULT_IDEMPOTENCY_WINDOW_MILLISECONDS = 86_400_000

/** The longest key: 255 characters (a UUID has 36). */
const MAX_KEY_LENGTH = 255

/**
 * A claim still without a client after this long was left by a registration that died
 * with its node (a registration takes milliseconds; requests time out after 30 s by
 * default): the key may be claimed again, so no crash locks it for the whole window.
 */
const ABANDONED_AFTER_MILLISECONDS = 60_000

/** Expired keys are deleted at most this often, by a node that claims a key then. */
const SWEEP_INTERVAL_MILLISECONDS = 60_000

const SECRET_SETTING = 'idempotency_token_secret'

/**
 * A key must be 1 to 255 characters of printable ASCII: what an sf-string holds (RFC 8941
 * §3.3.3; draft-ietf-httpapi-idempotency-key-header §2.1), of a length worth storing.
 */
export function checkIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]*$/.test(key)) {
    throw new OAuthError(
      'invalid_request',
      `the Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters`,
    )
  }
}

/** JSON text with object members in code unit order and no white space. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  const members = Object.keys(value)
    .sort()
    .map(
      (name) =>
        `${JSON.stringify(name)}:${canonicalJson((value as Record<string, unknown>)[name])}`,
    )
  return `{${members.join(',')}}`
}

/**
 * The request's fingerprint (draft §2.4): SHA-256 of the body in canonical form, so member
 * order and white space do not make another request. A body that is no storable JSON (its
 * registration fails) is hashed as sent.
 */
export function requestHashOf(json: string): string {
  try {
    return hashSecret(`json:${canonicalJson(parseStorableJson(json))}`)
  } catch {
    return hashSecret(`text:${json}`)
  }
}

/** The keys of one engine: their window, the token secret, and when expired keys go. */
export class IdempotencyKeys {
  readonly #store: Store
  readonly #randomBytes: RandomBytes
  readonly #windowMilliseconds: number
  #secret: Promise<Buffer> | undefined
  #nextSweepAt = 0

  constructor(store: Store, randomBytes: RandomBytes, windowMilliseconds: number) {
    this.#store = store
    this.#randomBytes = randomBytes
    this.#windowMilliseconds = windowMilliseconds
  }

  /** When a held key may be claimed again, at `now`. */
  reclaim(now: number): IdempotencyKeyReclaim {
    return {
      expiredBefore: now - this.#windowMilliseconds,
      abandonedBefore: now - ABANDONED_AFTER_MILLISECONDS,
    }
  }

  /** The registration access token of the registration that claimed `key` at `claimedAt`. */
  async registrationAccessToken(
    serviceApiKey: number,
    claimedAt: number,
    key: string,
  ): Promise<string> {
    const secret = await this.#loadSecret()
    return createHmac('sha256', secret)
      .update(`${serviceApiKey}\n${claimedAt}\n${key}`)
      .digest('base64url')
  }

  /**
   * Deletes expired keys, at most once an interval and off the request's path: a failed
   * sweep leaves them for the next one, and an expired key is reclaimed when used anyway.
   */
  sweep(now: number): void {
    if (now < this.#nextSweepAt) return
    this.#nextSweepAt = now + SWEEP_INTERVAL_MILLISECONDS
    this.#store.deleteIdempotencyKeysBefore(now - this.#windowMilliseconds).catch(() => undefined)
  }

  #loadSecret(): Promise<Buffer> {
    this.#secret ??= this.#store
      .putSettingIfAbsent(SECRET_SETTING, mintSecret(this.#randomBytes))
      .then((stored) => Buffer.from(stored, 'base64url'))
    // A failed read is tried again by the next registration.
    this.#secret.catch(() => (this.#secret = undefined))
    return this.#secret
  }
}
