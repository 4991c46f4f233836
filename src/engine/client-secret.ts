import { needsSecret } from '../metadata/index.js'
import type { ClientMetadata } from '../wire/index.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { mintSecret } from './secrets.js'

/** Whether the client's secret is past its client_secret_expires_at (0: never; RFC 7591 §3.2.1). */
export function secretHasExpired(
  client: Pick<ClientRecord, 'clientSecretExpiresAt'>,
  now: number,
): boolean {
  return client.clientSecretExpiresAt !== 0 && client.clientSecretExpiresAt * 1000 <= now
}

/**
 * A client secret for methods that need one: the current one while it is valid, else a
 * new one with the service's lifetime (0 = never expires, RFC 7591
 * §3.2.1), so a client whose secret expired gets a new one from its next update instead
 * of being stranded. None for methods that need none, so none is stored. The secret of a client that
 * expires (probation, wire/policy.ts) expires no later than the client:
 * client_secret_expires_at is when it stops being valid, 0 only for never, so a secret
 * that would never expire gets the client's expiry.
 */
export function issueSecret(
  context: EngineContext,
  service: ServiceRecord,
  metadata: ClientMetadata,
  now: number,
  client: { current?: ClientRecord; expiresAt?: number } = {},
): Pick<ClientRecord, 'clientSecret' | 'clientSecretExpiresAt'> {
  if (!needsSecret(metadata)) return { clientSecretExpiresAt: 0 }
  const { current, expiresAt = current?.expiresAt } = client
  if (current?.clientSecret !== undefined && !secretHasExpired(current, now)) {
    return {
      clientSecret: current.clientSecret,
      clientSecretExpiresAt: current.clientSecretExpiresAt,
    }
  }
  const lifetime = service.settings.clientSecretLifetime ?? 0
  // Seconds since the epoch, 0 for never: the earlier of the two limits that are set.
  const secretLimit = lifetime > 0 ? Math.floor(now / 1000) + lifetime : 0
  const clientLimit = expiresAt === undefined ? 0 : Math.floor(expiresAt / 1000)
  return {
    clientSecret: mintSecret(context.randomBytes),
    clientSecretExpiresAt:
      secretLimit && clientLimit ? Math.min(secretLimit, clientLimit) : secretLimit || clientLimit,
  }
}

/**
 * The secrets a client may authenticate with at `now` (milliseconds): its current one
 * while it has not expired, then the one a rotation replaced while its overlap lasts
 * (previousSecretValidUntil is exclusive, as client_secret_expires_at is).
 */
export function liveSecrets(
  client: Pick<
    ClientRecord,
    'clientSecret' | 'clientSecretExpiresAt' | 'previousClientSecret' | 'previousSecretValidUntil'
  >,
  now: number,
): string[] {
  const secrets: string[] = []
  if (client.clientSecret && !secretHasExpired(client, now)) secrets.push(client.clientSecret)
  const { previousClientSecret: previous, previousSecretValidUntil: until } = client
  if (previous && until !== undefined && now < until) secrets.push(previous)
  return secrets
}

/**
 * The record without the secret a rotation replaced: once the current secret changes
 * other than by a rotation (a new one for an expired one, none for a method that needs
 * none), the overlap of the one before it ends too.
 */
export function withoutPreviousSecret<R extends Partial<ClientRecord>>(
  record: R,
): Omit<R, 'previousClientSecret' | 'previousSecretValidUntil'> {
  const { previousClientSecret: _secret, previousSecretValidUntil: _until, ...rest } = record
  return rest
}
