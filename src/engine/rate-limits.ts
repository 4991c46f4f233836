/**
 * The registration step that applies a service's `rateLimits` (wire/policy.ts): which
 * buckets a registration draws from, and the 429 when one of them is empty. A bucket is
 * keyed by its service and its subject: the client's network, the body's software_id, the
 * initial access token's id (never its secret), or the service alone. A policy without
 * `rateLimits` (the default) costs one property read.
 * @see RFC 6585 §4, RFC 9110 §10.2.3, README, "Rate limits"
 */
import { createHash } from 'node:crypto'
import { OAuthError, type RateLimits } from '../wire/index.js'
import { networkOf, type NetworkPrefixLengths } from './network-prefix.js'
import type { ServiceRecord } from './records.js'
import {
  retryAfterSeconds,
  type BucketCheck,
  type BucketRefusal,
  type RateLimiter,
} from './token-bucket.js'

/** Who a registration comes from, as far as the buckets care. */
export interface RateLimitSubject {
  /** The client's IP address; absent through the DCR API, where it is the server's. */
  clientAddress?: string
  /** The request body's `software_id` member, whatever its type. */
  softwareId?: unknown
  /** The id of the verified initial access token presented, if any. */
  initialAccessTokenId?: string
}

export interface RateLimitContext {
  limiter: RateLimiter
  prefixes: NetworkPrefixLengths
}

/** What a refusal says the bucket counts, by policy member. */
const SUBJECTS: Record<keyof RateLimits, string> = {
  perNetwork: 'from this client network',
  perSoftwareId: 'with this software_id',
  perInitialAccessToken: 'with this initial access token',
  perService: 'for this service',
}

/** A software_id longer than this is keyed by its hash, so no key grows with the body. */
const LONGEST_KEYED_SOFTWARE_ID = 128

function softwareIdKey(softwareId: string): string {
  return softwareId.length <= LONGEST_KEYED_SOFTWARE_ID
    ? softwareId
    : `sha256:${createHash('sha256').update(softwareId).digest('base64url')}`
}

/** The buckets a registration draws from: those the policy sets and the request has a subject for. */
export function bucketsFor(
  service: ServiceRecord,
  rateLimits: RateLimits,
  subject: RateLimitSubject,
  prefixes: NetworkPrefixLengths,
): BucketCheck[] {
  // One hash slot per service in a Redis Cluster, so one script sees all of a check's keys.
  const prefix = `{${service.apiKey}}:`
  const checks: BucketCheck[] = []
  const add = (name: keyof RateLimits, subjectKey: string | undefined) => {
    const limit = rateLimits[name]
    if (limit && subjectKey !== undefined) checks.push({ name, key: prefix + subjectKey, limit })
  }
  const network = subject.clientAddress && networkOf(subject.clientAddress, prefixes)
  add('perNetwork', network ? `net:${network}` : undefined)
  const { softwareId } = subject
  add(
    'perSoftwareId',
    typeof softwareId === 'string' ? `sw:${softwareIdKey(softwareId)}` : undefined,
  )
  const tokenId = subject.initialAccessTokenId
  add('perInitialAccessToken', tokenId === undefined ? undefined : `iat:${tokenId}`)
  add('perService', 'service')
  return checks
}

/** The bucket behind each refusal: counted by the server's metrics, never rendered. */
const refusingBuckets = new WeakMap<OAuthError, keyof RateLimits>()

function tooManyRequests(refusal: BucketRefusal): OAuthError {
  const seconds = retryAfterSeconds(refusal.retryAfterMilliseconds)
  const name = refusal.check.name as keyof RateLimits
  const error = new OAuthError(
    'too_many_requests',
    `too many registrations ${SUBJECTS[name]} (policy rateLimits.${name}); retry after ${seconds} seconds`,
    { headers: { 'retry-after': String(seconds) } },
  )
  refusingBuckets.set(error, name)
  return error
}

/**
 * The policy member (`perNetwork`, `perService` ...) of the bucket that refused a
 * registration; undefined for any other error.
 */
export function refusingBucketOf(error: unknown): keyof RateLimits | undefined {
  return error instanceof OAuthError ? refusingBuckets.get(error) : undefined
}

/**
 * Draws one token from each bucket of the service's policy that applies to the subject;
 * OAuthError too_many_requests (429, with Retry-After) when one is empty, and then none is
 * drawn from.
 */
export async function takeRegistrationToken(
  context: RateLimitContext,
  service: ServiceRecord,
  subject: RateLimitSubject,
): Promise<void> {
  const rateLimits = service.policy.rateLimits
  if (rateLimits === undefined) return
  const checks = bucketsFor(service, rateLimits, subject, context.prefixes)
  if (checks.length === 0) return
  const refusal = await context.limiter.take(checks)
  if (refusal) throw tooManyRequests(refusal)
}

/** Whether an error is a bucket's refusal, which no registration Decision renders. */
export function isRateLimited(error: unknown): error is OAuthError {
  return error instanceof OAuthError && error.code === 'too_many_requests'
}
