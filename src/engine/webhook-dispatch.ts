/**
 * The webhook dispatcher's one step, run over and over by each server process: claim what
 * is due from the outbox (webhook-store.ts), post each as a signed CloudEvent, and settle
 * it: delivered ones leave the outbox, failed ones are tried again after a backoff that
 * doubles from `retryBaseMilliseconds` up to `retryMaxMilliseconds`, with jitter, until
 * `maxAttempts` have failed. A delivery is removed only after its receiver answered 2xx,
 * so a node that stops in between leaves it leased, and another node sends it again once
 * the lease runs out: delivery is at least once, and receivers dedupe by `webhook-id`.
 * @see Standard Webhooks §Retry schedule
 */
import { toCloudEvent } from './cloud-event.js'
import type { EngineContext } from './context.js'
import { postWebhook } from './webhook-post.js'
import type { ClaimedWebhookDelivery } from './webhook-store.js'

/** How deliveries are made; every member has its default in DEFAULT_WEBHOOK_DELIVERY. */
export interface WebhookDeliveryOptions {
  /**
   * The fetch that posts messages.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch
  /**
   * This process's name on its leases.
   * @default 16 random hex digits
   */
  nodeId?: string
  /**
   * Attempts before a delivery is given up as failed.
   * @default 20 (about 9 hours of retries)
   */
  maxAttempts?: number
  /** @default 1000 (1 s): the wait after the first failure */
  retryBaseMilliseconds?: number
  /** @default 3600000 (1 hour): the longest wait between attempts */
  retryMaxMilliseconds?: number
  /** @default 10000 (10 s): how long a receiver has to answer */
  timeoutMilliseconds?: number
  /**
   * How long a claim holds a delivery: far longer than an attempt can take, so that only
   * a node that stopped loses its deliveries to another.
   * @default 60000 (1 minute)
   */
  leaseMilliseconds?: number
  /** @default 32: deliveries claimed, and posted at once, per step */
  batchSize?: number
}

export const DEFAULT_WEBHOOK_DELIVERY = Object.freeze({
  maxAttempts: 20,
  retryBaseMilliseconds: 1_000,
  retryMaxMilliseconds: 3_600_000,
  timeoutMilliseconds: 10_000,
  leaseMilliseconds: 60_000,
  batchSize: 32,
})

export type WebhookDelivery = Required<WebhookDeliveryOptions>

/** What one step did. */
export interface WebhookDispatchReport {
  delivered: number
  retried: number
  failed: number
}

/**
 * The wait before the next attempt, after `failures` failed ones: the base doubled per
 * failure, capped, then drawn from its upper half ("equal jitter"), so receivers coming
 * back are not met by every node's retries at once.
 */
export function retryDelay(failures: number, delivery: WebhookDelivery, random: number): number {
  const full = Math.min(
    delivery.retryMaxMilliseconds,
    delivery.retryBaseMilliseconds * 2 ** Math.min(failures - 1, 40),
  )
  return Math.round(full / 2 + (full / 2) * random)
}

/** A uniform draw from [0, 1) out of the engine's randomness. */
function randomFraction(context: EngineContext): number {
  return Buffer.from(context.randomBytes(4)).readUInt32BE(0) / 2 ** 32
}

export async function dispatchWebhooks(
  context: EngineContext,
  delivery: WebhookDelivery,
): Promise<WebhookDispatchReport> {
  const now = context.now()
  const claimed = await context.store.claimWebhookDeliveries({
    now,
    leasedBy: delivery.nodeId,
    leasedUntil: now + delivery.leaseMilliseconds,
    limit: delivery.batchSize,
  })
  // A claim holds at most one delivery of each webhook and client: all may go at once.
  const outcomes = await Promise.all(claimed.map((one) => deliver(context, delivery, one)))
  const report: WebhookDispatchReport = { delivered: 0, retried: 0, failed: 0 }
  for (const outcome of outcomes) report[outcome]++
  return report
}

async function deliver(
  context: EngineContext,
  delivery: WebhookDelivery,
  claimed: ClaimedWebhookDelivery,
): Promise<keyof WebhookDispatchReport> {
  const { store } = context
  const event = toCloudEvent(claimed.event, context.baseUrl)
  const error = await postWebhook(
    delivery.fetch,
    {
      url: claimed.webhook.url,
      secret: claimed.webhook.secret,
      id: event.id,
      body: JSON.stringify(event),
    },
    Math.floor(context.now() / 1000),
    delivery.timeoutMilliseconds,
  )
  if (error === undefined) {
    await store.completeWebhookDelivery(claimed)
    return 'delivered'
  }
  const failures = claimed.attempts + 1
  const now = context.now()
  if (failures >= delivery.maxAttempts) {
    await store.failWebhookDelivery(claimed, { failedAt: now, error })
    return 'failed'
  }
  const dueAt = now + retryDelay(failures, delivery, randomFraction(context))
  await store.retryWebhookDelivery(claimed, { dueAt, error })
  return 'retried'
}
