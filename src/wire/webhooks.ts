/**
 * Webhooks of a service (README, Webhooks): the management API's shapes, and the event
 * kinds a webhook may ask for. Each event is delivered as a CloudEvents 1.0 structured
 * JSON document whose `type` is `dev.registrar.<kind>`.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
import { Type, type Static } from '@sinclair/typebox'
import { AUDIT_EVENT_KINDS, type AuditEventKind } from './audit.js'
import { ServiceIdParams } from './schemas.js'

/** Every kind of audit event, each of which a webhook may be sent. */
export const WEBHOOK_EVENT_KINDS = AUDIT_EVENT_KINDS
export type WebhookEventKind = AuditEventKind

/** What a webhook created without `kinds` is sent: the changes to clients. */
export const DEFAULT_WEBHOOK_EVENT_KINDS: readonly WebhookEventKind[] = [
  'client.created',
  'client.updated',
  'client.deleted',
  'client.rolled_back',
  'client.reaped',
  'client.restored',
  'client.secret_rotated',
]

/** The CloudEvents `type` of an event of this kind. */
export const cloudEventType = (kind: string) => `dev.registrar.${kind}`

const Kinds = Type.Array(Type.Union(WEBHOOK_EVENT_KINDS.map((kind) => Type.Literal(kind))), {
  description: `Event kinds delivered; default ${DEFAULT_WEBHOOK_EVENT_KINDS.join(', ')}`,
})

/** `POST /api/{S}/webhook/create`. */
export const WebhookCreateSchema = Type.Object({
  url: Type.String({ description: 'An http or https URL events are POSTed to' }),
  kinds: Type.Optional(Kinds),
  description: Type.Optional(Type.String({ description: 'What the webhook is for, for people' })),
})
export type WebhookCreateBody = Static<typeof WebhookCreateSchema>

/** A webhook as listed: never its secret. */
export const WebhookSchema = Type.Object({
  id: Type.String({ description: 'Names the webhook in delete and deliveries calls' }),
  url: Type.String({ description: 'Where events are POSTed' }),
  kinds: Kinds,
  description: Type.Optional(Type.String({ description: 'What the webhook is for, for people' })),
  createdAt: Type.Integer({ description: 'Milliseconds since the epoch' }),
})
/** @see README, Webhooks */
export type WebhookInfo = Static<typeof WebhookSchema>

export const WebhookCreatedSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.String({
    description: 'whsec_ and 32 random bytes in base64: the key of every signature; shown once',
  }),
})
/** A new webhook; `secret` is shown this once. @see README, Webhooks */
export type CreatedWebhook = Static<typeof WebhookCreatedSchema>

export const WebhookListSchema = Type.Object({
  webhooks: Type.Array(WebhookSchema, { description: "The service's webhooks" }),
})
/** @see README, Webhooks */
export type WebhookList = Static<typeof WebhookListSchema>

/** A delivery not yet made: waiting for its next attempt, or failed for good. */
export const WebhookDeliverySchema = Type.Object({
  eventId: Type.String({ description: 'The CloudEvents id (and webhook-id header)' }),
  state: Type.Union([Type.Literal('pending'), Type.Literal('failed')], {
    description: '`pending`: it will be tried again; `failed`: attempts are over',
  }),
  attempts: Type.Integer({ description: 'Attempts made so far' }),
  dueAt: Type.Integer({ description: 'When it is tried next (milliseconds since the epoch)' }),
  lastError: Type.Optional(Type.String({ description: 'What went wrong on the last attempt' })),
  failedAt: Type.Optional(Type.Integer({ description: 'When it gave up; only when failed' })),
})
/** @see README, Webhooks */
export type WebhookDeliveryInfo = Static<typeof WebhookDeliverySchema>

export const WebhookDeliveryListSchema = Type.Object({
  deliveries: Type.Array(WebhookDeliverySchema, { description: 'Pending, then failed' }),
})
/** @see README, Webhooks */
export type WebhookDeliveryList = Static<typeof WebhookDeliveryListSchema>

export const WebhookParams = Type.Object({
  serviceId: ServiceIdParams.properties.serviceId,
  id: Type.String({ description: 'The id its create call answered' }),
})
