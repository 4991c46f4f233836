/**
 * A client's history from the audit trail: its versions, a rollback to one of them, the
 * erasure of its personal data, and the service's events as the API pages through them.
 */
import { OAuthError, type ClientMetadata } from '../wire/index.js'
import {
  isSecretMember,
  MASKED,
  principalActor,
  type AuditAnchor,
  type AuditKind,
  type AuditQuery,
  type AuditTrail,
  type AuditVerification,
  type RequestOrigin,
  type StoredAuditEvent,
} from './audit.js'
import { changeEvent, recordEvent } from './audit-events.js'
import { updateOptimistically, withMetadata } from './client-replacement.js'
import { requireClient, resolveAsAdministrator } from './clients.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'

/** The events that leave a version of the client's metadata behind. */
const VERSION_KINDS: AuditKind[] = ['client.created', 'client.updated', 'client.rolled_back']

/** The most versions kept in view: older ones are still in the events. */
const MAX_VERSIONS = 1000

export interface ClientVersion {
  version: number
  kind: AuditKind
  actor: string
  at: number
  /** Masked as recorded; absent once erased. */
  metadata?: ClientMetadata
}

function trailOf(context: EngineContext): AuditTrail {
  if (!context.audit) throw new OAuthError('invalid_request', 'the audit history is off')
  return context.audit
}

/** Walks the whole chain. */
export function verifyAudit(
  context: EngineContext,
  anchor?: AuditAnchor,
): Promise<AuditVerification> {
  return trailOf(context).verify(anchor)
}

/** The service's events, newest first. */
export function auditEvents(
  context: EngineContext,
  service: ServiceRecord,
  query: Omit<AuditQuery, 'serviceApiKey'>,
): Promise<StoredAuditEvent[]> {
  return trailOf(context).list({ ...query, serviceApiKey: service.apiKey })
}

/** The client's versions, newest first, while the history keeps them. */
export async function clientVersions(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
): Promise<ClientVersion[]> {
  const client = await requireClient(context, service, clientId)
  const events = await trailOf(context).list({
    serviceApiKey: service.apiKey,
    clientId: client.clientId,
    kinds: VERSION_KINDS,
    limit: MAX_VERSIONS,
  })
  return events.flatMap(({ kind, actor, at, detail }) =>
    detail.version === undefined
      ? []
      : [
          {
            version: detail.version,
            kind,
            actor,
            at,
            ...(detail.metadata && { metadata: detail.metadata }),
          },
        ],
  )
}

/**
 * Sets the client's metadata back to what it was at `version`, as a new version. Secrets
 * were masked in the history, so a masked member keeps its current value.
 */
export async function rollbackClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  version: number,
  origin?: RequestOrigin,
): Promise<ClientRecord> {
  const target = (await clientVersions(context, service, clientId)).find(
    (candidate) => candidate.version === version,
  )
  if (!target) {
    throw new OAuthError(
      'invalid_request',
      `client ${clientId} has no version ${version} in its history`,
    )
  }
  if (!target.metadata) {
    throw new OAuthError('invalid_request', `version ${version} of client ${clientId} was erased`)
  }
  const recorded = target.metadata
  const { after } = await updateOptimistically(
    context,
    () => requireClient(context, service, clientId),
    async (current) => {
      const metadata = await resolveAsAdministrator(
        context,
        service,
        unmasked(recorded, current.metadata),
      )
      return withMetadata(context, service, current, metadata)
    },
    (before, after) =>
      changeEvent(
        context,
        'client.rolled_back',
        principalActor(origin?.principal),
        origin,
        before,
        after,
      ),
  )
  return after
}

/** The recorded metadata, each masked member (audit.ts maskSecrets) taken from `current`. */
function unmasked(recorded: ClientMetadata, current: ClientMetadata): ClientMetadata {
  const restored: Record<string, unknown> = {}
  const now = current as Record<string, unknown>
  for (const [member, value] of Object.entries(recorded)) {
    // By maskSecrets' own rule: a secret's whole value, or a JWK Set's private members.
    const masked =
      isSecretMember(member) ||
      (member === 'jwks' && JSON.stringify(value).includes(JSON.stringify(MASKED)))
    if (!masked) restored[member] = value
    else if (now[member] !== undefined) restored[member] = now[member]
  }
  return restored as ClientMetadata
}

/**
 * Erases the personal data in the client's events (their detail: source addresses and
 * metadata), keeping the chain verifiable; the erasure is itself an event. Resolves how many
 * events were erased. The client need not exist any more.
 */
export async function eraseClientHistory(
  context: EngineContext,
  service: ServiceRecord,
  clientId: number,
  origin?: RequestOrigin,
): Promise<number> {
  const erased = await trailOf(context).erase(service.apiKey, clientId)
  await recordEvent(context, {
    kind: 'client.erased',
    serviceApiKey: service.apiKey,
    clientId,
    actor: principalActor(origin?.principal),
    ...(origin?.requestId !== undefined && { requestId: origin.requestId }),
    at: context.now(),
    detail: {},
  })
  return erased
}
