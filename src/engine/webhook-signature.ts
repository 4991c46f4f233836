/**
 * Webhook signatures as Standard Webhooks defines them: the secret is `whsec_` and the
 * base64 of the key; the signature is `v1,` and the base64 HMAC-SHA256, under the key, of
 * `<webhook-id>.<webhook-timestamp>.<body>`. The timestamp is signed so that a receiver can
 * refuse a replayed message by its age.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac } from 'node:crypto'
import type { RandomBytes } from './secrets.js'

const SECRET_PREFIX = 'whsec_'

/** A new signing secret: 256 random bits. */
export function mintWebhookSecret(randomBytes: RandomBytes): string {
  return SECRET_PREFIX + Buffer.from(randomBytes(32)).toString('base64')
}

/** The `webhook-signature` header of a message. */
export function webhookSignature(
  secret: string,
  message: { id: string; timestamp: number; body: string },
): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
  const signed = `${message.id}.${message.timestamp}.${message.body}`
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`
}
