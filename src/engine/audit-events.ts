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
import { networkOf } from './network-prefix.js'
import type { ClientRecord, NewClientRecord, ServiceRecord } from './records.js'

/**
 * Whether the store keeps the engine's audit trail itself: then a change's event is written
 * in the change's own transaction (Store.insertClient, updateClient, deleteClient), so that
 * a change that committed always has its event. Another trail gets the event once the
 * change has committed.
 */
export function storeRecordsEvents(context: EngineContext): boolean {
  return context.audit !== undefined && context.audit === context.store.audit
}

/** Keeps the event, when the engine has an audit trail. */
export async function recordEvent(context: EngineContext, event: AuditEvent): Promise<void> {
  await context.audit?.append([event])
}

/** Refusal events of one kind one network may add to a service's history a minute. */
export const REFUSAL_EVENTS_PER_MINUTE = 10

/** Refusals written and left out in the current minute, by kind, service and network. */
export interface RefusalWindow {
  minute: number
  written: number
  leftOut: number
}

/**
 * Keeps the event of a refused request, unless its network has had its share this minute:
 * anyone may send wrong tokens and bad metadata, and each would otherwise be a row. What is
 * left out is counted, and the next event kept from that network says how many
 * (`detail.leftOut`); metrics count every refusal.
 */
export async function recordRefusalEvent(context: EngineContext, event: AuditEvent): Promise<void> {
  if (!context.audit) return
  const source = event.detail.source
  const network = (source && networkOf(source, context.rateLimits.prefixes)) ?? 'unknown'
  const key = `${event.kind} ${event.serviceApiKey} ${network}`
  const minute = Math.floor(event.at / 60_000)
  let window = context.refusalWindows.get(key)
  if (window?.minute !== minute) {
    const leftOut = window?.leftOut ?? 0
    window = { minute, written: 0, leftOut: 0 }
    context.refusalWindows.set(key, window)
    if (leftOut > 0) event.detail.leftOut = leftOut
  }
  if (window.written >= REFUSAL_EVENTS_PER_MINUTE) {
    window.leftOut++
    return
  }
  window.written++
  await recordEvent(context, event)
}

/** The base of an event: who, from where, when. */
function eventOf(
  context: EngineContext,
  kind: AuditKind,
  serviceApiKey: number,
  actor: string,
  origin: RequestOrigin | undefined,
  detail: AuditDetail,
  client?: { clientId: number; number?: number },
): AuditEvent {
  // Members set one by one, not spread: a registration makes one of these (V8's spread of
  // a literal with conditional members is its slow path, microseconds each).
  const address = origin?.address
  const event: AuditEvent = {
    kind,
    serviceApiKey,
    actor,
    at: context.now(),
    detail: address === undefined ? detail : Object.assign({ source: address }, detail),
  }
  if (client !== undefined) {
    event.clientId = client.clientId
    if (client.number !== undefined) event.clientNumber = client.number
  }
  if (origin?.requestId !== undefined) event.requestId = origin.requestId
  return event
}

/**
 * A client created: the version (1) and masked metadata it starts with, the first version
 * to roll back to. Written in the registration's own transaction (Store.insertClient).
 */
export function createdEvent(
  context: EngineContext,
  actor: string,
  origin: RequestOrigin | undefined,
  client: NewClientRecord,
): AuditEvent {
  return eventOf(
    context,
    'client.created',
    client.serviceApiKey,
    actor,
    origin,
    { version: 1, metadata: maskSecrets(client.metadata) },
    client,
  )
}

/**
 * A client updated or rolled back: the version and masked metadata it has now (a version
 * to roll back to) and what changed.
 */
export function changeEvent(
  context: EngineContext,
  kind: 'client.updated' | 'client.rolled_back',
  actor: string,
  origin: RequestOrigin | undefined,
  before: ClientRecord,
  after: ClientRecord,
): AuditEvent {
  const metadata = maskSecrets(after.metadata)
  return eventOf(
    context,
    kind,
    after.serviceApiKey,
    actor,
    origin,
    {
      version: after.version,
      metadata,
      diff: metadataDiff(maskSecrets(before.metadata), metadata),
    },
    after,
  )
}

/** A client deleted, at the version it had. */
export function deletedEvent(
  context: EngineContext,
  actor: string,
  origin: RequestOrigin | undefined,
  client: ClientRecord,
): AuditEvent {
  const detail = { version: client.version }
  return eventOf(context, 'client.deleted', client.serviceApiKey, actor, origin, detail, client)
}

/**
 * A retired registration access token presented again, and the client's lineage revoked
 * (token-rotation.ts): a security event, at the version the revocation wrote.
 */
export function tokenReusedEvent(
  context: EngineContext,
  origin: RequestOrigin | undefined,
  client: ClientRecord,
  reason: string,
): AuditEvent {
  const actor = `registration_access_token:${client.clientId}`
  const detail = { version: client.version, reason }
  return eventOf(
    context,
    'registration_token.reused',
    client.serviceApiKey,
    actor,
    origin,
    detail,
    client,
  )
}

/** An administrator issued the client a new registration access token. */
export function tokenReissuedEvent(
  context: EngineContext,
  origin: RequestOrigin | undefined,
  client: ClientRecord,
): AuditEvent {
  const detail = { version: client.version }
  return eventOf(
    context,
    'registration_token.reissued',
    client.serviceApiKey,
    principalActor(origin?.principal),
    origin,
    detail,
    client,
  )
}

/**
 * A client reaped for idleness, restored or purged (client-lifecycle.ts), at the version it
 * had; a sweep's events have the actor `system` and no origin.
 */
export function lifecycleEvent(
  context: EngineContext,
  kind: 'client.reaped' | 'client.restored' | 'client.purged',
  serviceApiKey: number,
  actor: string,
  origin: RequestOrigin | undefined,
  client: { clientId: number; number: number; version: number },
): AuditEvent {
  const detail = { version: client.version }
  return eventOf(context, kind, serviceApiKey, actor, origin, detail, client)
}

/**
 * A client's secret rotated, at the version it has now: who did it and how long the
 * replaced secret stays accepted, never a secret.
 */
export function secretRotatedEvent(
  context: EngineContext,
  actor: string,
  origin: RequestOrigin | undefined,
  client: ClientRecord,
): AuditEvent {
  const detail: AuditDetail = { version: client.version }
  if (client.previousSecretValidUntil !== undefined) {
    detail.previousSecretValidUntil = client.previousSecretValidUntil
  }
  const { serviceApiKey } = client
  return eventOf(context, 'client.secret_rotated', serviceApiKey, actor, origin, detail, client)
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
    client,
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
 * The event a refused request makes, if any: a bad token or client credential is a failed
 * authentication, and refused metadata a rejection (with the first violation's rule); other
 * refusals are not events.
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
  const client = clientId === undefined ? undefined : { clientId }
  if (error.code === 'invalid_token' || error.code === 'invalid_client') {
    // The credential was not accepted: whoever presented it acted as no one.
    return eventOf(
      context,
      'authentication.failed',
      service.apiKey,
      'anonymous',
      origin,
      { error: error.code },
      client,
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
    client,
  )
}

/** Records the event a refused request makes, if any, as refusals are kept. */
export async function recordRefusal(
  context: EngineContext,
  service: ServiceRecord,
  actor: string,
  origin: RequestOrigin | undefined,
  error: unknown,
  clientId?: number,
): Promise<void> {
  const event = refusalEvent(context, service, actor, origin, error, clientId)
  if (event) await recordRefusalEvent(context, event)
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
