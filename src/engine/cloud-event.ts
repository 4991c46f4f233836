/**
 * An audit event as a CloudEvent: structured JSON mode, so the one body carries the
 * context attributes and the data. `id` is the event's number, unique within its `source`
 * (the service's URL); `subject` is the client the event is about.
 * @see CloudEvents 1.0 §3.1 (context attributes); JSON Event Format 1.0 §3 (structured mode)
 */
import { cloudEventType } from '../wire/index.js'
import type { WebhookEvent } from './webhook-store.js'

/** Members that never leave the process, wherever they appear in a detail's metadata or diff. */
const SECRET_MEMBERS = new Set(['client_secret', 'registration_access_token', 'clientSecret'])

export interface CloudEvent {
  specversion: '1.0'
  id: string
  source: string
  type: string
  subject?: string
  time: string
  datacontenttype: 'application/json'
  data: Record<string, unknown>
}

function withoutSecrets(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).filter(([name]) => !SECRET_MEMBERS.has(name)))
}

/**
 * What a receiver learns of the event: who did what to which client, and the change.
 * The detail's source address stays in the audit log, which erasure can reach.
 */
function eventData(event: WebhookEvent): Record<string, unknown> {
  const detail = event.detail ?? {}
  const data: Record<string, unknown> = {
    serviceId: String(event.serviceApiKey),
    ...(event.clientId !== undefined && { clientId: String(event.clientId) }),
    actor: event.actor,
    ...(event.requestId !== undefined && { requestId: event.requestId }),
  }
  for (const member of ['version', 'error', 'rule', 'previousSecretValidUntil'] as const) {
    if (detail[member] !== undefined) data[member] = detail[member]
  }
  if (detail['metadata'] !== undefined) data['metadata'] = withoutSecrets(detail['metadata'])
  if (detail['diff'] !== undefined) data['diff'] = withoutSecrets(detail['diff'])
  return data
}

export function toCloudEvent(event: WebhookEvent, baseUrl: string): CloudEvent {
  return {
    specversion: '1.0',
    id: String(event.number),
    source: `${baseUrl}/${event.serviceApiKey}`,
    type: cloudEventType(event.kind),
    ...(event.clientId !== undefined && { subject: String(event.clientId) }),
    time: new Date(event.at).toISOString(),
    datacontenttype: 'application/json',
    data: eventData(event),
  }
}
