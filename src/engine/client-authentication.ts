/**
 * Who may read, update or delete a registration: the holder of its registration access
 * token (RFC 7592 §2). Only the token's hash is stored; a wrong token, a missing one and an
 * unknown client fail alike and in like time (CONTRACT.md §2).
 */
import { OAuthError } from '../wire/index.js'
import type { EngineContext } from './context.js'
import { findClient } from './find-client.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import type { ClientConfigurationRequest } from './registration.js'
import { hashSecret, secretMatches } from './secrets.js'

/** Dynamic registration must be on for the service (spec §3.5). */
export function requireRegistrationEnabled(service: ServiceRecord): void {
  if (service.settings.dynamicRegistrationSupported === false) {
    throw new OAuthError(
      'invalid_request',
      'dynamic client registration is disabled for this service',
    )
  }
}

/** Hash compared even for an unknown client, so both fail alike and in like time. */
const NO_CLIENT_HASH = hashSecret('no client')

/**
 * The client a registration access token is for. A missing token, a wrong one and an
 * unknown client are indistinguishable (RFC 7592 §2, CONTRACT.md §2).
 */
export async function authenticateClient(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<ClientRecord> {
  requireRegistrationEnabled(service)
  if (!request.token) {
    throw new OAuthError('invalid_token', 'a registration access token is required')
  }
  const record = await findClient(context, service, request.clientId)
  const matches = secretMatches(
    request.token,
    record?.registrationAccessTokenHash ?? NO_CLIENT_HASH,
  )
  if (!record || !record.dynamicallyRegistered || !matches) throw invalidToken()
  return record
}

export function invalidToken(): OAuthError {
  return new OAuthError('invalid_token', 'the registration access token is invalid')
}
