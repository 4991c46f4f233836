/**
 * When DcrClient renews its client secret by itself, before `client_secret_expires_at`:
 * once the secret expires within the renewal margin (and, at the latest, once it has
 * expired), at the server's `{registration_client_uri}/secret` (Registrar's extension of
 * RFC 7592). A server without it answers 404 or 405; the client then does what it does
 * without renewal: it keeps the secret while it lasts, and registers anew once it has expired.
 * @see RFC 7591 §3.2.1 (client_secret_expires_at)
 */
import { DcrError } from './errors.js'
import type { ClientRegistrationResponse } from './types.js'

/**
 * How long before its expiry a secret is renewed, by default: an hour, so that a secret
 * in use by a running process is replaced before it fails. A server whose secrets live
 * shorter than the margin sees a renewal at each ensureRegistered().
 */
export const DEFAULT_SECRET_RENEWAL_MARGIN_SECONDS = 3600

/**
 * Whether the credentials' secret is due for renewal at `now` (milliseconds): it has an
 * expiry (0 means never, RFC 7591 §3.2.1) within `marginSeconds`, or past.
 */
export function secretRenewalIsDue(
  credentials: ClientRegistrationResponse,
  now: number,
  marginSeconds: number,
): boolean {
  const expiresAt = credentials.client_secret_expires_at
  if (credentials.client_secret === undefined) return false
  if (typeof expiresAt !== 'number' || expiresAt <= 0) return false
  return (expiresAt - marginSeconds) * 1000 <= now
}

/** Whether the server has no secret renewal: it answered 404 (no such route) or 405. */
export function lacksSecretRenewal(error: unknown): boolean {
  return error instanceof DcrError && (error.status === 404 || error.status === 405)
}
