/**
 * Token buckets (policy `rateLimits`): a bucket holds up to `capacity` tokens and gains
 * `refillPerMinute` of them back continuously; a registration takes one token from every
 * bucket that applies to it, or from none when any of them holds less than one. A bucket is
 * stored as its level and the time of that level; a bucket never stored is full, so an
 * unknown key costs nothing until it is used.
 *
 * LocalBuckets keeps them in this process, at most `keys` of them: anyone may make new keys
 * (a new network, a new software_id), so the keys unused longest are dropped to make room
 * (generational-cache.ts), which only ever hands their owners full buckets again. Every
 * request touches its service's and its network's keys, so those are the last to go.
 * @see RFC 6585 §4 (429 Too Many Requests), RFC 9110 §10.2.3 (Retry-After)
 */
import type { RateLimit } from '../wire/index.js'
import { GenerationalCache } from './generational-cache.js'

/** A bucket as stored: its level, in tokens, at `at` (milliseconds since the epoch). */
export interface BucketState {
  tokens: number
  at: number
}

/** One bucket a registration draws from: its key (service and subject) and its limit. */
export interface BucketCheck {
  /** The policy member that set the limit: `perNetwork`, `perSoftwareId`, ... */
  name: string
  key: string
  limit: RateLimit
}

/** Why a registration was refused: the bucket, and how long until it holds a token. */
export interface BucketRefusal {
  check: BucketCheck
  retryAfterMilliseconds: number
}

/**
 * Where buckets are kept: this process, or a store shared by every node. `take` draws one
 * token from every bucket, or none and says which bucket refused.
 */
export interface RateLimiter {
  take(
    checks: readonly BucketCheck[],
  ): BucketRefusal | undefined | Promise<BucketRefusal | undefined>
  /** Where buckets are kept right now, as `GET /health` reports it. */
  mode(): RateLimitMode
}

export type RateLimitMode = 'local' | 'redis' | 'local (redis unavailable)'

const refillPerMillisecond = (limit: RateLimit) => limit.refillPerMinute / 60_000

/** The level of a bucket at `now`: what it held plus what flowed back since, up to capacity. */
export function levelAt(state: BucketState | undefined, limit: RateLimit, now: number): number {
  if (state === undefined) return limit.capacity
  const elapsed = Math.max(0, now - state.at)
  return Math.min(limit.capacity, state.tokens + elapsed * refillPerMillisecond(limit))
}

/** What a sum of fractional refills may fall short of a whole token by, and still hold one. */
const ROUNDING = 1e-9

/** Milliseconds until a bucket at `level` holds one whole token; 0 when it does. */
export function millisecondsUntilToken(level: number, limit: RateLimit): number {
  return level >= 1 - ROUNDING ? 0 : (1 - level) / refillPerMillisecond(limit)
}

/**
 * The Retry-After value (RFC 9110 §10.2.3: a whole number of seconds) for a wait: rounded
 * up, so a client that waits as told finds a token, and at least 1.
 */
export function retryAfterSeconds(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1000))
}

/**
 * Takes a token from each of `levels`' buckets when all hold one; else the refusal of the
 * bucket that needs longest, so the answer's Retry-After is enough for all of them.
 */
export function refusalOf(
  checks: readonly BucketCheck[],
  levels: readonly number[],
): BucketRefusal | undefined {
  let refusal: BucketRefusal | undefined
  checks.forEach((check, index) => {
    const wait = millisecondsUntilToken(levels[index]!, check.limit)
    if (wait > 0 && wait > (refusal?.retryAfterMilliseconds ?? 0)) {
      refusal = { check, retryAfterMilliseconds: wait }
    }
  })
  return refusal
}

/** Buckets in this process's memory; one check is O(1) per bucket. */
export class LocalBuckets implements RateLimiter {
  readonly #buckets: GenerationalCache<string, BucketState>
  readonly #now: () => number

  /** @param keys buckets kept at most (those unused longest are dropped: full buckets) */
  constructor(keys: number, now: () => number = Date.now) {
    this.#buckets = new GenerationalCache(keys)
    this.#now = now
  }

  take(checks: readonly BucketCheck[]): BucketRefusal | undefined {
    const now = this.#now()
    const levels = checks.map((check) => levelAt(this.#buckets.get(check.key), check.limit, now))
    const refusal = refusalOf(checks, levels)
    if (refusal) return refusal
    checks.forEach((check, index) => {
      this.#buckets.set(check.key, { tokens: levels[index]! - 1, at: now })
    })
    return undefined
  }

  mode(): RateLimitMode {
    return 'local'
  }
}
