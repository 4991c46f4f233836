/**
 * A service's webhooks: created with a URL and the event kinds it wants, listed without
 * their secrets, deleted with whatever is still queued for them. The signing secret is
 * answered once, at creation; the store keeps it as issued to sign every delivery.
 */
import {
  DEFAULT_WEBHOOK_EVENT_KINDS,
  MAX_PAGE_SIZE,
  OAuthError,
  WEBHOOK_EVENT_KINDS,
  type CreatedWebhook,
  type WebhookCreateBody,
  type WebhookEventKind,
} from '../wire/index.js'
import type { EngineContext } from './context.js'
import { refusedWrite } from './store.js'
import { mintWebhookSecret } from './webhook-signature.js'
import type { WebhookDeliveryRecord, WebhookRecord } from './webhook-store.js'

/** Only http and https: a receiver is a web server, never a file or another scheme. */
function receiverUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new OAuthError('invalid_request', 'url must be an absolute http or https URL')
  }
  return value
}

function eventKinds(requested: readonly string[] | undefined): WebhookEventKind[] {
  if (requested === undefined) return [...DEFAULT_WEBHOOK_EVENT_KINDS]
  const unknown = requested.filter(
    (kind) => !(WEBHOOK_EVENT_KINDS as readonly string[]).includes(kind),
  )
  if (unknown.length > 0) {
    throw new OAuthError(
      'invalid_request',
      `unknown event kind ${JSON.stringify(unknown[0])}; known: ${WEBHOOK_EVENT_KINDS.join(', ')}`,
    )
  }
  if (requested.length === 0) throw new OAuthError('invalid_request', 'kinds must not be empty')
  return WEBHOOK_EVENT_KINDS.filter((kind) => requested.includes(kind))
}

export async function createWebhook(
  context: EngineContext,
  serviceApiKey: number,
  request: WebhookCreateBody,
): Promise<CreatedWebhook> {
  const record: WebhookRecord = {
    id: Buffer.from(context.randomBytes(8)).toString('hex'),
    serviceApiKey,
    url: receiverUrl(request.url),
    secret: mintWebhookSecret(context.randomBytes),
    kinds: eventKinds(request.kinds),
    ...(request.description !== undefined && { description: request.description }),
    createdAt: context.now(),
  }
  await context.store.insertWebhook(record).catch((error: unknown) => {
    throw refusedWrite(error, 'invalid_request')
  })
  const { serviceApiKey: _service, ...created } = record
  return created
}

/** The webhook's deliveries still queued or failed, oldest first; not_found when it is not the service's. */
export async function listWebhookDeliveries(
  context: EngineContext,
  serviceApiKey: number,
  webhookId: string,
): Promise<WebhookDeliveryRecord[]> {
  const deliveries = await context.store.listWebhookDeliveries(
    serviceApiKey,
    webhookId,
    MAX_PAGE_SIZE,
  )
  if (!deliveries) throw new OAuthError('not_found', `no webhook ${webhookId}`)
  return deliveries
}

export async function deleteWebhook(
  context: EngineContext,
  serviceApiKey: number,
  webhookId: string,
): Promise<void> {
  if (!(await context.store.deleteWebhook(serviceApiKey, webhookId))) {
    throw new OAuthError('not_found', `no webhook ${webhookId}`)
  }
}
