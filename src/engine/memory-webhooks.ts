/**
 * The WebhookStore in memory, for MemoryStore. With no audit table to join, each delivery
 * holds its event: `enqueue` is what sealing an audit event does in a database.
 */
import type {
  ClaimedWebhookDelivery,
  WebhookDeliveryClaim,
  WebhookDeliveryLease,
  WebhookDeliveryRecord,
  WebhookEvent,
  WebhookRecord,
  WebhookStore,
} from './webhook-store.js'

interface Delivery extends WebhookDeliveryRecord {
  event: WebhookEvent
  leasedBy?: string
  leasedUntil?: number
}

const copy = <T>(value: T): T => structuredClone(value)

export class MemoryWebhooks implements WebhookStore {
  readonly #webhooks = new Map<string, WebhookRecord>()
  /** In outbox order. */
  #deliveries: Delivery[] = []
  #sequence = 0

  /** Queues the event for every webhook of its service that asked for its kind. */
  enqueue(event: WebhookEvent): void {
    for (const webhook of this.#webhooks.values()) {
      if (webhook.serviceApiKey !== event.serviceApiKey) continue
      if (!(webhook.kinds as string[]).includes(event.kind)) continue
      this.#deliveries.push({
        number: ++this.#sequence,
        webhookId: webhook.id,
        eventNumber: event.number,
        dueAt: event.at,
        attempts: 0,
        event: copy(event),
      })
    }
  }

  /** Retention deleted the event: its deliveries are not sent. */
  forgetEvent(eventNumber: number): void {
    this.#deliveries = this.#deliveries.filter((delivery) => delivery.eventNumber !== eventNumber)
  }

  /** A deleted service takes its webhooks with it. */
  deleteService(serviceApiKey: number): void {
    for (const webhook of [...this.#webhooks.values()]) {
      if (webhook.serviceApiKey === serviceApiKey)
        void this.deleteWebhook(serviceApiKey, webhook.id)
    }
  }

  async insertWebhook(record: WebhookRecord): Promise<void> {
    this.#webhooks.set(record.id, copy(record))
  }

  async listWebhooks(serviceApiKey: number): Promise<WebhookRecord[]> {
    return [...this.#webhooks.values()]
      .filter((webhook) => webhook.serviceApiKey === serviceApiKey)
      .map(copy)
  }

  async deleteWebhook(serviceApiKey: number, id: string): Promise<boolean> {
    if (this.#webhooks.get(id)?.serviceApiKey !== serviceApiKey) return false
    this.#webhooks.delete(id)
    this.#deliveries = this.#deliveries.filter((delivery) => delivery.webhookId !== id)
    return true
  }

  async listWebhookDeliveries(
    serviceApiKey: number,
    webhookId: string,
    limit: number,
  ): Promise<WebhookDeliveryRecord[] | undefined> {
    if (this.#webhooks.get(webhookId)?.serviceApiKey !== serviceApiKey) return undefined
    return this.#deliveries
      .filter((delivery) => delivery.webhookId === webhookId)
      .slice(0, limit)
      .map(({ number, webhookId, eventNumber, dueAt, attempts, lastError, failedAt }) => ({
        number,
        webhookId,
        eventNumber,
        dueAt,
        attempts,
        ...(lastError !== undefined && { lastError }),
        ...(failedAt !== undefined && { failedAt }),
      }))
  }

  async claimWebhookDeliveries(claim: WebhookDeliveryClaim): Promise<ClaimedWebhookDelivery[]> {
    const claimed: ClaimedWebhookDelivery[] = []
    for (const delivery of this.#deliveries) {
      if (claimed.length >= claim.limit) break
      if (!this.#isClaimable(delivery, claim.now)) continue
      const webhook = this.#webhooks.get(delivery.webhookId)!
      delivery.leasedBy = claim.leasedBy
      delivery.leasedUntil = claim.leasedUntil
      claimed.push({
        number: delivery.number,
        leasedBy: claim.leasedBy,
        leasedUntil: claim.leasedUntil,
        attempts: delivery.attempts,
        webhook: { id: webhook.id, url: webhook.url, secret: webhook.secret },
        event: copy(delivery.event),
      })
    }
    return claimed
  }

  #isClaimable(delivery: Delivery, now: number): boolean {
    if (delivery.failedAt !== undefined || delivery.dueAt > now) return false
    if (delivery.leasedUntil !== undefined && delivery.leasedUntil > now) return false
    const { clientId } = delivery.event
    if (clientId === undefined) return true
    return !this.#deliveries.some(
      (earlier) =>
        earlier.number < delivery.number &&
        earlier.webhookId === delivery.webhookId &&
        earlier.event.clientId === clientId &&
        earlier.failedAt === undefined,
    )
  }

  #leased(lease: WebhookDeliveryLease): Delivery | undefined {
    const delivery = this.#deliveries.find((candidate) => candidate.number === lease.number)
    return delivery?.leasedBy === lease.leasedBy && delivery.leasedUntil === lease.leasedUntil
      ? delivery
      : undefined
  }

  async completeWebhookDelivery(lease: WebhookDeliveryLease): Promise<void> {
    const delivery = this.#leased(lease)
    if (delivery) this.#deliveries = this.#deliveries.filter((other) => other !== delivery)
  }

  async retryWebhookDelivery(
    lease: WebhookDeliveryLease,
    retry: { dueAt: number; error: string },
  ): Promise<void> {
    const delivery = this.#leased(lease)
    if (!delivery) return
    Object.assign(delivery, {
      attempts: delivery.attempts + 1,
      dueAt: retry.dueAt,
      lastError: retry.error,
      leasedBy: undefined,
      leasedUntil: undefined,
    })
  }

  async failWebhookDelivery(
    lease: WebhookDeliveryLease,
    failure: { failedAt: number; error: string },
  ): Promise<void> {
    const delivery = this.#leased(lease)
    if (!delivery) return
    Object.assign(delivery, {
      attempts: delivery.attempts + 1,
      failedAt: failure.failedAt,
      lastError: failure.error,
      leasedBy: undefined,
      leasedUntil: undefined,
    })
  }
}
