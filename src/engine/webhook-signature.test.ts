import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mintWebhookSecret, webhookSignature } from './webhook-signature.js'

test('signs as the Standard Webhooks reference test vector', () => {
  const signature = webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
  })
  assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
})

test('mints whsec_ and the base64 of 32 random bytes', () => {
  const secret = mintWebhookSecret(() => new Uint8Array(32).fill(7))
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32)
})
