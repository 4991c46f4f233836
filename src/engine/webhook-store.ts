/**
 * The WebhookStore port: a service's webhooks, and the durable outbox of deliveries the
 * audit history fills (one row per event and webhook that asked for its kind, written in
 * the transaction that seals the event into the chain, so an event sealed is an event that
 * will be delivered).
 *
 * Contract every implementation keeps:
 * - claimWebhookDeliveries hands each delivery to one claimer at a time: of claimers racing,
 *   on one node or many, exactly one gets it, until its lease runs out.
 * - It never hands out a delivery while an earlier one (lower number) of the same webhook
 *   and client is pending, leased or waiting for a retry: a client's events arrive in order.
 *   A failed delivery no longer holds back the ones after it; events without a client are
 *   not ordered.
 * - A delivery whose event is gone (retention) is dropped when claimed.
 * - complete, retry and fail change a delivery only while the caller's lease holds it.
 */
import type { WebhookEventKind } from '../wire/index.js'

export interface WebhookRecord {
  /** 16 hex digits. */
  id: string
  serviceApiKey: number
  url: string
  /**
   * `whsec_` and 32 random bytes in base64 (Standard Webhooks). Kept as issued, unlike
   * bearer secrets: every delivery is signed with it, so a hash would not do.
   */
  secret: string
  kinds: WebhookEventKind[]
  description?: string
  /** Milliseconds since the epoch. */
  createdAt: number
}

/** A delivery still in the outbox: pending, or failed and kept for inspection. */
export interface WebhookDeliveryRecord {
  /** Its place in the outbox; a client's deliveries go in this order. */
  number: number
  webhookId: string
  /** The audit event's number: the CloudEvents id. */
  eventNumber: number
  /** Milliseconds since the epoch: when it may next be tried. */
  dueAt: number
  attempts: number
  lastError?: string
  /** Set once every attempt has failed; it is never tried again. */
  failedAt?: number
}

/** An audit event, as a delivery reads it. */
export interface WebhookEvent {
  number: number
  serviceApiKey: number
  clientId?: number
  kind: string
  actor: string
  requestId?: string
  /** Milliseconds since the epoch. */
  at: number
  /** The event's detail; absent once erased. */
  detail?: Record<string, unknown>
}

/** Who holds a claimed delivery, and until when: a stale claimer changes nothing. */
export interface WebhookDeliveryLease {
  number: number
  leasedBy: string
  /** Milliseconds since the epoch. */
  leasedUntil: number
}

/** A delivery handed to one claimer, with what it needs to send it. */
export interface ClaimedWebhookDelivery extends WebhookDeliveryLease {
  /** Attempts made before this one. */
  attempts: number
  webhook: Pick<WebhookRecord, 'id' | 'url' | 'secret'>
  event: WebhookEvent
}

export interface WebhookDeliveryClaim {
  /** Milliseconds since the epoch: deliveries due by then, and leases run out by then. */
  now: number
  leasedBy: string
  leasedUntil: number
  /** How many at most. */
  limit: number
}

export interface WebhookStore {
  insertWebhook(record: WebhookRecord): Promise<void>
  /** The service's webhooks, oldest first. */
  listWebhooks(serviceApiKey: number): Promise<WebhookRecord[]>
  /** Deletes the webhook with its deliveries, pending and failed; false when the service has none such. */
  deleteWebhook(serviceApiKey: number, id: string): Promise<boolean>
  /**
   * The webhook's deliveries still in the outbox, in order, at most `limit`; undefined when
   * the service has no such webhook.
   */
  listWebhookDeliveries(
    serviceApiKey: number,
    webhookId: string,
    limit: number,
  ): Promise<WebhookDeliveryRecord[] | undefined>

  /** Leases deliveries that are due, in outbox order, under the ordering rule above. */
  claimWebhookDeliveries(claim: WebhookDeliveryClaim): Promise<ClaimedWebhookDelivery[]>
  /** Delivered: removes it from the outbox. */
  completeWebhookDelivery(lease: WebhookDeliveryLease): Promise<void>
  /** Counts the attempt, records why it failed and when to try again; releases the lease. */
  retryWebhookDelivery(
    lease: WebhookDeliveryLease,
    retry: { dueAt: number; error: string },
  ): Promise<void>
  /** Counts the attempt and gives up: kept, failed, never tried again. */
  failWebhookDelivery(
    lease: WebhookDeliveryLease,
    failure: { failedAt: number; error: string },
  ): Promise<void>
}
