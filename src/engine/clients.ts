/**
 * Client management through Authlete's client APIs. The metadata goes through
 * the same resolution as dynamic registration, without the service's allow-lists: an
 * administrator may register what a service does not offer to anonymous clients.
 */
import { authleteToClientMetadata, policyOf, resolveClientMetadata } from '../metadata/index.js'
import {
  boundedWindow,
  OAuthError,
  type AuthleteClient,
  type ClientMetadata,
} from '../wire/index.js'
import { principalActor, type RequestOrigin } from './audit.js'
import { changeEvent, createdEvent, deletedEvent, readEvent, recordEvent } from './audit-events.js'
import type { EngineContext } from './context.js'
import { findClient } from './find-client.js'
import type { ClientExtras, ClientRecord, Page, ServiceRecord } from './records.js'
import { updateOptimistically, withMetadata } from './client-replacement.js'
import { deleteRecorded } from './client-lifecycle.js'
import { issueSecret } from './client-secret.js'
import { insertWithFreshId } from './registration.js'

/** Authlete Client members with no RFC 7591 counterpart, kept as they are given. */
const EXTRA_MEMBERS = [
  'clientIdAlias',
  'clientIdAliasEnabled',
  'description',
  'descriptions',
  'attributes',
  'locked',
  'pkceRequired',
  'pkceS256Required',
  'frontChannelRequestObjectEncryptionRequired',
  'requestObjectEncryptionAlgMatchRequired',
  'requestObjectEncryptionEncMatchRequired',
  'singleAccessTokenPerSubject',
  'selfSignedCertificateKeyId',
  'responseModes',
] as const satisfies readonly (keyof ClientExtras)[]

function extrasOf(input: AuthleteClient): ClientExtras {
  const extras: Record<string, unknown> = {}
  for (const member of EXTRA_MEMBERS) {
    if (input[member] !== undefined && input[member] !== null) extras[member] = input[member]
  }
  const {
    requestableScopes: _scopes,
    requestableScopesEnabled: _enabled,
    ...durations
  } = input.extension ?? {}
  if (Object.keys(durations).length > 0) extras['extension'] = durations
  return extras as ClientExtras
}

async function metadataOf(
  context: EngineContext,
  service: ServiceRecord,
  input: AuthleteClient,
): Promise<ClientMetadata> {
  const metadata: ClientMetadata = authleteToClientMetadata(input)
  // A PUBLIC client with no auth method authenticates with none (Authlete's API: clientType).
  if (input.clientType === 'PUBLIC' && input.tokenAuthMethod === undefined) {
    metadata.token_endpoint_auth_method = 'none'
  }
  return resolveAsAdministrator(context, service, metadata)
}

/** Resolves metadata an administrator sets: the same rules, none of the allow-lists. */
export async function resolveAsAdministrator(
  context: EngineContext,
  service: ServiceRecord,
  metadata: ClientMetadata,
): Promise<ClientMetadata> {
  const policy = policyOf({
    supportedCustomClientMetadata: service.settings.supportedCustomClientMetadata,
  })
  return resolveClientMetadata(metadata, policy, { now: Math.floor(context.now() / 1000) })
}

export async function createClient(
  context: EngineContext,
  service: ServiceRecord,
  input: AuthleteClient,
  origin?: RequestOrigin,
): Promise<ClientRecord> {
  const metadata = await metadataOf(context, service, input)
  const now = context.now()
  const actor = principalActor(origin?.principal)
  return insertWithFreshId(
    context,
    service,
    {
      serviceApiKey: service.apiKey,
      ...issueSecret(context, service, metadata, now),
      metadata,
      extras: extrasOf(input),
      dynamicallyRegistered: false,
      developer: input.developer || `authlete_${service.apiKey}`,
      createdAt: now,
      modifiedAt: now,
    },
    undefined,
    (created) => createdEvent(context, actor, origin, created),
  )
}

export async function requireClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
): Promise<ClientRecord> {
  const found = await findClient(context, service, clientId)
  if (!found)
    throw new OAuthError('not_found', `no client ${clientId} in service ${service.apiKey}`)
  return found
}

/** The client, read through the management API: the read is an audit event. */
export async function readClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  origin?: RequestOrigin,
): Promise<ClientRecord> {
  const client = await requireClient(context, service, clientId)
  await recordEvent(context, readEvent(context, origin, client))
  return client
}

/**
 * Replaces the client's metadata and management fields with the given ones, as
 * Authlete's update does; the id, secret (while the auth method needs one) and
 * timestamps stay.
 */
export async function updateClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  input: AuthleteClient,
  origin?: RequestOrigin,
): Promise<ClientRecord> {
  const metadata = await metadataOf(context, service, input)
  const { after } = await updateOptimistically(
    context,
    () => requireClient(context, service, clientId),
    async (current) => ({
      ...withMetadata(context, service, current, metadata),
      extras: extrasOf(input),
      developer: input.developer || current.developer,
    }),
    (before, after) =>
      changeEvent(
        context,
        'client.updated',
        principalActor(origin?.principal),
        origin,
        before,
        after,
      ),
  )
  return after
}

export async function deleteClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  origin?: RequestOrigin,
): Promise<void> {
  const current = await requireClient(context, service, clientId)
  const deleted = await deleteRecorded(context, service, current, () =>
    deletedEvent(context, principalActor(origin?.principal), origin, current),
  )
  if (!deleted) {
    throw new OAuthError('not_found', `no client ${clientId} in service ${service.apiKey}`)
  }
}

export async function listClients(
  context: EngineContext,
  service: ServiceRecord,
  request: { start: number; end: number; developer?: string },
): Promise<Page<ClientRecord>> {
  return context.store.listClients(service.apiKey, {
    ...request,
    ...boundedWindow(request),
    now: context.now(),
  })
}
