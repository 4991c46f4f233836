import type { WebhookDeliveryList, WebhookList } from '../wire/index.js'
import { segment, type Transport } from './transport.js'
import type {
  CreatedWebhook,
  ServiceId,
  WebhookDeliveryInfo,
  WebhookInfo,
  WebhookRequest,
} from './types.js'

/**
 * A service's webhooks: its events POSTed as CloudEvents 1.0, signed the Standard Webhooks
 * way with the webhook's secret.
 * @see README, Webhooks
 */
export class WebhooksApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** The signing `secret` is shown this once. */
  async create(serviceId: ServiceId, request: WebhookRequest): Promise<CreatedWebhook> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/webhook/create`,
      body: request,
    })) as CreatedWebhook
  }

  /** The service's webhooks, oldest first, without their secrets. */
  async list(serviceId: ServiceId): Promise<WebhookInfo[]> {
    const answer = (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/webhook/list`,
    })) as WebhookList
    return answer.webhooks
  }

  /** Deletes the webhook and whatever is still queued for it. */
  async delete(serviceId: ServiceId, id: string): Promise<void> {
    await this.#transport.send({
      method: 'DELETE',
      path: `api/${segment(serviceId)}/webhook/${segment(id)}`,
    })
  }

  /** The webhook's deliveries not yet made, oldest first: pending ones and failed ones. */
  async deliveries(serviceId: ServiceId, id: string): Promise<WebhookDeliveryInfo[]> {
    const answer = (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/webhook/${segment(id)}/deliveries`,
    })) as WebhookDeliveryList
    return answer.deliveries
  }
}
