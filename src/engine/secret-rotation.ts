/**
 * Client secret rotation with overlap. A rotation gives the client a new secret, with the
 * service's clientSecretLifetime from now (issueSecret: never past a probation client's
 * expiry), and keeps the secret it replaces as `previousClientSecret`, accepted by
 * client/authenticate until `previousSecretValidUntil`: the service's
 * clientSecretRotationOverlap from the rotation, and never past that secret's own expiry.
 * Only one replaced secret is kept: a second rotation within the overlap ends the first's.
 * A secret that had already expired is given no overlap, nor is one of 0 seconds.
 *
 * Three ways in: Authlete's `client/secret/refresh` (a secret drawn here) and
 * `client/secret/update` (a secret the administrator chose), and the client itself with
 * its registration access token at `POST {registration_client_uri}/secret`, Registrar's
 * extension of RFC 7592. Each is a change of the client (optimistic concurrency, its
 * `client.secret_rotated` audit event in the change's transaction), made only for an auth
 * method that uses a client secret.
 */
import { needsSecret } from '../metadata/index.js'
import { isSettableClientSecret, OAuthError } from '../wire/index.js'
import { principalActor, type RequestOrigin } from './audit.js'
import { secretRotatedEvent } from './audit-events.js'
import { changeByTokenHolder } from './client-authentication.js'
import { updateOptimistically } from './client-replacement.js'
import { issueSecret, secretHasExpired, withoutPreviousSecret } from './client-secret.js'
import { requireClient } from './clients.js'
import { clientInformation } from './client-views.js'
import type { EngineContext } from './context.js'
import { succeeded, type Decision } from './decision.js'
import { noteClientUse } from './last-use.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import {
  configurationFailed,
  tokenHolder,
  type ClientConfigurationRequest,
} from './registration.js'

/** What a rotation through the management API answers (Authlete's refresh and update). */
export interface ClientSecretRotation {
  newClientSecret: string
  /** The secret replaced, absent when the client had none. */
  oldClientSecret?: string
  client: ClientRecord
}

/**
 * The client's secret members after a rotation at `now` to `chosen`, or to a secret drawn
 * here; OAuthError invalid_request for a client whose auth method uses no secret.
 */
export function rotatedSecret(
  context: EngineContext,
  service: ServiceRecord,
  current: ClientRecord,
  now: number,
  chosen?: string,
): Pick<
  ClientRecord,
  'clientSecret' | 'clientSecretExpiresAt' | 'previousClientSecret' | 'previousSecretValidUntil'
> {
  if (!needsSecret(current.metadata)) {
    const method = current.metadata.token_endpoint_auth_method ?? 'client_secret_basic'
    throw new OAuthError(
      'invalid_request',
      `client ${current.clientId} authenticates with ${method}, which uses no client secret`,
    )
  }
  // Without `current`, issueSecret always draws a new secret, as a registration would.
  const issued = issueSecret(context, service, current.metadata, now, {
    expiresAt: current.expiresAt,
  })
  const fresh = { ...issued, clientSecret: chosen ?? issued.clientSecret! }
  const overlapSeconds = service.settings.clientSecretRotationOverlap ?? 0
  const old = current.clientSecret
  if (
    overlapSeconds <= 0 ||
    old === undefined ||
    old === fresh.clientSecret ||
    secretHasExpired(current, now)
  ) {
    return fresh
  }
  const ownExpiry = current.clientSecretExpiresAt * 1000
  const overlapEnd = now + overlapSeconds * 1000
  return {
    ...fresh,
    previousClientSecret: old,
    previousSecretValidUntil: ownExpiry > 0 ? Math.min(overlapEnd, ownExpiry) : overlapEnd,
  }
}

/**
 * Rotates the secret of the client `readCurrent` reads, as `actor`, to `chosen` or a drawn
 * one, then passes the record through `andThen` (the client's own renewal rotates its
 * registration access token there too); the record before and after.
 */
async function rotate(
  context: EngineContext,
  service: ServiceRecord,
  readCurrent: () => Promise<ClientRecord>,
  actor: string,
  origin: RequestOrigin | undefined,
  { chosen, andThen = (record) => record }: RotateOptions = {},
): Promise<{ before: ClientRecord; after: ClientRecord }> {
  return updateOptimistically(
    context,
    readCurrent,
    async (current) => {
      const now = context.now()
      const { clientSecret: _replaced, ...rest } = withoutPreviousSecret(current)
      const secret = rotatedSecret(context, service, current, now, chosen)
      return andThen({ ...rest, ...secret, modifiedAt: now })
    },
    (_before, after) => secretRotatedEvent(context, actor, origin, after),
  )
}

interface RotateOptions {
  chosen?: string
  andThen?: (record: ClientRecord) => ClientRecord
}

async function rotateAsAdministrator(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  origin: RequestOrigin | undefined,
  chosen?: string,
): Promise<ClientSecretRotation> {
  const actor = principalActor(origin?.principal)
  const read = () => requireClient(context, service, clientId)
  const { before, after } = await rotate(context, service, read, actor, origin, { chosen })
  return {
    newClientSecret: after.clientSecret!,
    ...(before.clientSecret !== undefined && { oldClientSecret: before.clientSecret }),
    client: after,
  }
}

/**
 * A new secret drawn for the client (Authlete's `client/secret/refresh`).
 */
export async function refreshClientSecret(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  origin?: RequestOrigin,
): Promise<ClientSecretRotation> {
  return rotateAsAdministrator(context, service, clientId, origin)
}

/**
 * The secret an administrator chose, set for the client (Authlete's
 * `client/secret/update`): at most 86 characters of the base64url alphabet.
 */
export async function updateClientSecret(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  secret: string,
  origin?: RequestOrigin,
): Promise<ClientSecretRotation> {
  if (!isSettableClientSecret(secret)) {
    throw new OAuthError(
      'invalid_request',
      'clientSecret must be 1 to 86 characters of the base64url alphabet (A-Z a-z 0-9 - _)',
    )
  }
  return rotateAsAdministrator(context, service, clientId, origin, secret)
}

/**
 * The client renews its own secret with its registration access token: Registrar's
 * extension of RFC 7592, answered with the client information response as a read
 * (RFC 7592 §3) and refused as a read is (§2.1: 401 invalid_token).
 */
export async function renewOwnSecret(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<Decision> {
  try {
    // A use of the registration access token like an update: the previous token's one use
    // within its grace, and the service's rotation, apply to it (token-rotation.ts).
    const change = changeByTokenHolder(context, service, request)
    const actor = tokenHolder(request)
    const { after } = await rotate(context, service, change.read, actor, request.origin, {
      andThen: change.use,
    })
    await noteClientUse(context, after)
    const body = clientInformation(context, service, after, change.issued() ?? request.token!)
    return succeeded('UPDATED', service, after, body)
  } catch (error) {
    return configurationFailed(context, service, request, error)
  }
}
