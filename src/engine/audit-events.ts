/**
 * The audit events the engine's decisions make (audit.ts), and their recording: an event is
 * kept before the answer goes out, so an acknowledged change has its history.
 */
import { isOAuthError, type OAuthErrorCode } from '../wire/index.js'
import {
  maskSecrets,
  metadataDiff,
  principalActor,
  type AuditDetail,
  type AuditEvent,
  type AuditKind,
  type RequestOrigin,
} from './audit.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'

/** Keeps the event, when the engine has an audit trail. */
export async function recordEvent(context: EngineContext, event: AuditEvent): Promise<void> {
  await context.audit?.append([event])
}

/** The base of an event: who, from where, when. */
function eventOf(
  context: EngineContext,
  kind: AuditKind,
  serviceApiKey: number,
  actor: string,
  origin: RequestOrigin | undefined,
  detail: AuditDetail,
  clientId?: number,
): AuditEvent {
  return {
    kind,
    serviceApiKey,
    ...(clientId !== undefined && { clientId }),
    actor,
    ...(origin?.requestId !== undefined && { requestId: origin.requestId }),
    at: context.now(),
    detail: { ...(origin?.address !== undefined && { source: origin.address }), ...detail },
  }
}

/**
 * A client created, updated, rolled back or deleted: for all but a delete, the version and
 * masked metadata it has now (a version to roll back to) and what changed.
 */
export function changeEvent(
  context: EngineContext,
  kind: 'client.created' | 'client.updated' | 'client.rolled_back' | 'client.deleted',
  actor: string,
  origin: RequestOrigin | undefined,
  before: ClientRecord | undefined,
  after: ClientRecord | undefined,
): AuditEvent {
  const client = (after ?? before)!
  const masked = after && maskSecrets(after.metadata)
  return eventOf(
    context,
    kind,
    client.serviceApiKey,
    actor,
    origin,
    {
      version: client.version,
      ...(masked && { metadata: masked }),
      diff: metadataDiff(before && maskSecrets(before.metadata), masked),
    },
    client.clientId,
  )
}

/** A management read of a client. */
export function readEvent(
  context: EngineContext,
  origin: RequestOrigin | undefined,
  client: ClientRecord,
): AuditEvent {
  return eventOf(
    context,
    'client.read',
    client.serviceApiKey,
    principalActor(origin?.principal),
    origin,
    { version: client.version },
    client.clientId,
  )
}

/** Errors that refuse what a registration or update asked for (RFC 7591 §3.2.2). */
const REJECTIONS = new Set<OAuthErrorCode>([
  'invalid_client_metadata',
  'invalid_redirect_uri',
  'invalid_software_statement',
  'unapproved_software_statement',
])

/**
 * The event a refused request makes, if any: a bad token is a failed authentication, and
 * refused metadata a rejection (with the first violation's rule); other refusals are not
 * events.
 */
export function refusalEvent(
  context: EngineContext,
  service: ServiceRecord,
  actor: string,
  origin: RequestOrigin | undefined,
  error: unknown,
  clientId?: number,
): AuditEvent | undefined {
  if (!isOAuthError(error)) return undefined
  if (error.code === 'invalid_token') {
    // The credential was not accepted: whoever presented it acted as no one.
    return eventOf(
      context,
      'authentication.failed',
      service.apiKey,
      'anonymous',
      origin,
      { error: error.code },
      clientId,
    )
  }
  if (!REJECTIONS.has(error.code)) return undefined
  const rule = error.violations?.[0]?.rule
  return eventOf(
    context,
    'registration.rejected',
    service.apiKey,
    actor,
    origin,
    { error: error.code, ...(rule !== undefined && { rule }) },
    clientId,
  )
}

/** A bearer token the management API refused (0: a route of no service). */
export function failedApiAuthenticationEvent(
  context: EngineContext,
  serviceApiKey: number,
  origin: RequestOrigin | undefined,
): AuditEvent {
  return eventOf(context, 'authentication.failed', serviceApiKey, 'anonymous', origin, {
    error: 'invalid_token',
  })
}

/** The client id a configuration request names, when it is a number. */
export function namedClientId(clientId: string | number | undefined): number | undefined {
  const id = typeof clientId === 'number' ? clientId : Number(clientId)
  return Number.isSafeInteger(id) && id > 0 ? id : undefined
}
