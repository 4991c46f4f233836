/**
 * Who may read, update or delete a registration: the holder of its registration access
 * token (RFC 7592 §2). Only the token's hash is stored; a wrong token, a missing one and an
 * unknown client fail alike and in like time.
 */
import { OAuthError } from '../wire/index.js'
import type { EngineContext } from './context.js'
import { findClient } from './find-client.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import type { ClientConfigurationRequest } from './registration.js'
import { hashSecret, secretMatches } from './secrets.js'
import { afterUse, presentedRetired, type Presented } from './token-rotation.js'

/** Dynamic registration must be on for the service (Authlete's API). */
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
 * unknown client are indistinguishable (RFC 7592 §2).
 */
export async function authenticateClient(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<ClientRecord> {
  return (await authenticateHolder(context, service, request)).record
}

/**
 * As authenticateClient, saying which of the client's tokens was presented: its current
 * one, or (once, within the grace after a rotation) its previous one. A retired token fails
 * as a wrong one does, and revokes the client's tokens (token-rotation.ts).
 */
export async function authenticateHolder(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<{ record: ClientRecord; presented: Presented }> {
  requireRegistrationEnabled(service)
  const token = request.token
  if (!token) {
    throw new OAuthError('invalid_token', 'a registration access token is required')
  }
  const record = await findClient(context, service, request.clientId)
  const matches = secretMatches(token, record?.registrationAccessTokenHash ?? NO_CLIENT_HASH)
  if (!record || !record.dynamicallyRegistered) throw invalidToken()
  if (matches) return { record, presented: 'current' }
  const previous = await presentedRetired(
    context,
    record,
    token,
    request.origin,
    invalidToken,
    () => findClient(context, service, request.clientId),
  )
  return { record: previous, presented: 'previous' }
}

/**
 * A change the client makes with its registration access token (an RFC 7592 update, the
 * renewal of its secret): `read` authenticates the holder, `use` rotates the token as the
 * service's rotation and the token presented require (token-rotation.ts), and `issued`
 * answers the token that rotation made, undefined when the token stays.
 */
export function changeByTokenHolder(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
) {
  let presented: Presented = 'current'
  let issued: string | undefined
  return {
    read: async (): Promise<ClientRecord> => {
      const held = await authenticateHolder(context, service, request)
      presented = held.presented
      return held.record
    },
    use: (record: ClientRecord): ClientRecord => {
      const rotation = afterUse(context, service, record, presented, 'update')
      issued = rotation.token
      return rotation.record
    },
    issued: (): string | undefined => issued,
  }
}

export function invalidToken(): OAuthError {
  return new OAuthError('invalid_token', 'the registration access token is invalid')
}
