/**
 * One attempt at delivering a webhook message: a POST of the CloudEvent, signed, that
 * counts as delivered on a 2xx alone. Redirects are not followed (a receiver moved is
 * reconfigured, not chased), and a receiver that does not answer within the timeout has
 * failed this attempt. Why an attempt failed is said in a few words, without the URL,
 * which may carry credentials.
 * @see Standard Webhooks §Headers; CloudEvents HTTP Protocol Binding 1.0 §3.2 (structured mode)
 */
import { webhookSignature } from './webhook-signature.js'

export interface WebhookMessage {
  url: string
  secret: string
  /** The `webhook-id`: the CloudEvent's id. */
  id: string
  body: string
}

/** Undefined when delivered; else why not. */
export type PostOutcome = string | undefined

export async function postWebhook(
  fetch: typeof globalThis.fetch,
  message: WebhookMessage,
  timestampSeconds: number,
  timeoutMilliseconds: number,
): Promise<PostOutcome> {
  let response: Response
  try {
    response = await fetch(message.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json',
        'webhook-id': message.id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': webhookSignature(message.secret, {
          id: message.id,
          timestamp: timestampSeconds,
          body: message.body,
        }),
      },
      body: message.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMilliseconds),
    })
  } catch (error) {
    return failureOf(error, timeoutMilliseconds)
  }
  // The answer's body means nothing to us: dropped unread, so no receiver can make us hold it.
  await response.body?.cancel().catch(() => undefined)
  return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`
}

function failureOf(error: unknown, timeoutMilliseconds: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMilliseconds / 1000} s`
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  return typeof cause?.code === 'string' ? `network error ${cause.code}` : 'network error'
}
