import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createEngine, MemoryStore, type Engine } from './index.js'
import { DEFAULT_WEBHOOK_DELIVERY, retryDelay, type WebhookDelivery } from './webhook-dispatch.js'
import { webhookSignature } from './webhook-signature.js'

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0)
/** The largest fraction the engine's randomness draws. */
const LARGEST_DRAW = 1 - 2 ** -32

describe('retryDelay', () => {
  const delivery = { ...DEFAULT_WEBHOOK_DELIVERY } as WebhookDelivery
  test('doubles from the base per failure, drawn from the upper half of each wait', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((failures) => retryDelay(failures, delivery, 0)),
      [500, 1000, 2000, 4000],
    )
    assert.equal(retryDelay(3, delivery, LARGEST_DRAW), 4000)
  })
  test('never waits longer than the cap, however many failures', () => {
    assert.equal(retryDelay(13, delivery, LARGEST_DRAW), 3_600_000)
    assert.equal(retryDelay(1_000, delivery, 0), 1_800_000)
  })
})

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

describe('dispatchWebhooks against a real receiver', () => {
  let server: Server
  let url: string
  let status = 204
  const received: Received[] = []
  before(async () => {
    server = createServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => (body += chunk))
      request.on('end', () => {
        received.push({ headers: request.headers, body })
        response.writeHead(status).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  async function setUp(): Promise<{
    engine: Engine
    store: MemoryStore
    advance(ms: number): void
    serviceApiKey: number
    secret: string
  }> {
    let now = NOW
    const store = new MemoryStore()
    const engine = createEngine({
      store,
      baseUrl: 'https://dcr.example.com',
      now: () => now,
      webhooks: { maxAttempts: 3, nodeId: 'node-1' },
    })
    const { apiKey } = await engine.createService({ serviceName: 'hooks' })
    const { secret } = await engine.createWebhook(apiKey, { url })
    return { engine, store, advance: (ms) => (now += ms), serviceApiKey: apiKey, secret }
  }

  test('posts a signed CloudEvent without secrets, and removes it once answered 2xx', async () => {
    const { engine, store, serviceApiKey, secret } = await setUp()
    status = 204
    received.length = 0
    store.webhooks.enqueue({
      number: 41,
      serviceApiKey,
      clientId: 1234,
      kind: 'client.updated',
      actor: 'admin',
      requestId: 'req-9',
      at: NOW - 1000,
      detail: {
        source: '192.0.2.1',
        version: 3,
        diff: { client_name: { from: 'a', to: 'b' }, client_secret: { from: 'x', to: 'y' } },
      },
    })
    assert.deepEqual(await engine.dispatchWebhooks(), { delivered: 1, retried: 0, failed: 0 })
    const [{ headers, body }] = received
    assert.equal(headers['content-type'], 'application/cloudevents+json')
    assert.equal(headers['webhook-id'], '41')
    assert.equal(headers['webhook-timestamp'], String(NOW / 1000))
    assert.equal(
      headers['webhook-signature'],
      webhookSignature(secret, { id: '41', timestamp: NOW / 1000, body }),
    )
    assert.deepEqual(JSON.parse(body), {
      specversion: '1.0',
      id: '41',
      source: `https://dcr.example.com/${serviceApiKey}`,
      type: 'dev.registrar.client.updated',
      subject: '1234',
      time: new Date(NOW - 1000).toISOString(),
      datacontenttype: 'application/json',
      data: {
        serviceId: String(serviceApiKey),
        clientId: '1234',
        actor: 'admin',
        requestId: 'req-9',
        version: 3,
        diff: { client_name: { from: 'a', to: 'b' } },
      },
    })
    const [webhook] = await engine.listWebhooks(serviceApiKey)
    assert.deepEqual(await engine.listWebhookDeliveries(serviceApiKey, webhook.id), [])
  })

  test('retries a failed post after the backoff, and gives up after maxAttempts', async () => {
    const { engine, store, advance, serviceApiKey } = await setUp()
    status = 503
    received.length = 0
    store.webhooks.enqueue({
      number: 7,
      serviceApiKey,
      clientId: 1,
      kind: 'client.created',
      actor: 'admin',
      at: NOW,
    })
    const [webhook] = await engine.listWebhooks(serviceApiKey)
    assert.deepEqual(await engine.dispatchWebhooks(), { delivered: 0, retried: 1, failed: 0 })
    const [pending] = await engine.listWebhookDeliveries(serviceApiKey, webhook.id)
    assert.equal(pending.attempts, 1)
    assert.equal(pending.lastError, 'HTTP 503')
    assert.ok(pending.dueAt >= NOW + 500 && pending.dueAt <= NOW + 1000, 'within 1 s')
    assert.deepEqual(await engine.dispatchWebhooks(), { delivered: 0, retried: 0, failed: 0 })

    advance(1000)
    assert.deepEqual(await engine.dispatchWebhooks(), { delivered: 0, retried: 1, failed: 0 })
    advance(2000)
    assert.deepEqual(await engine.dispatchWebhooks(), { delivered: 0, retried: 0, failed: 1 })
    const [failed] = await engine.listWebhookDeliveries(serviceApiKey, webhook.id)
    assert.equal(failed.attempts, 3)
    assert.equal(failed.failedAt, NOW + 3000)
    assert.equal(received.length, 3)
  })

  test('a receiver that refuses connections is retried, named without its URL', async () => {
    const { engine, serviceApiKey, store } = await setUp()
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const { id } = await engine.createWebhook(serviceApiKey, {
      url: `http://127.0.0.1:${port}/secret-path?token=abc`,
      kinds: ['authentication.failed'],
    })
    store.webhooks.enqueue({
      number: 8,
      serviceApiKey,
      kind: 'authentication.failed',
      actor: 'a',
      at: NOW,
    })
    assert.deepEqual(await engine.dispatchWebhooks(), { delivered: 0, retried: 1, failed: 0 })
    const [pending] = await engine.listWebhookDeliveries(serviceApiKey, id)
    assert.equal(pending.lastError, 'network error ECONNREFUSED')
    assert.doesNotMatch(pending.lastError!, /secret|token/)
  })
})
