/**
 * Webhooks against the real `registrar serve` (README, Webhooks): the API that manages
 * them, and deliveries of the events that registrations make, to a real receiver that is
 * down for a while, on SQLite and from two server processes sharing PostgreSQL.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Api, call } from '../support/http.js'
import { createTestSchema, type TestSchema } from '../support/postgres.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import {
  readmeVerifyWebhook,
  WebhookReceiver,
  type ReceivedPost,
} from '../support/webhook-receiver.js'

/** Short waits between attempts, so a receiver coming back is retried within a second or two. */
const FAST_RETRIES = ['--webhook-retry-base', '0.05']
const PUBLIC_URL = 'https://dcr.example.test'

describe('the webhook API', () => {
  let server: RunningServer
  let admin: Api
  before(async () => {
    server = await startServer()
    admin = new Api(server.url, server.adminToken)
  })
  after(() => server?.stop())

  test('creates a webhook with the default kinds, answering its secret once; lists and deletes it', async () => {
    const service = await admin.createService()
    const created = await admin.call(`/api/${service}/webhook/create`, {
      body: { url: 'https://hooks.example.com/in', description: 'audit sink' },
    })
    assert.equal(created.status, 200, created.text)
    assert.match(created.json.id, /^[0-9a-f]{16}$/)
    assert.match(created.json.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
    assert.equal(Buffer.from(created.json.secret.slice(6), 'base64').length, 32)
    assert.deepEqual(created.json.kinds, [
      'client.created',
      'client.updated',
      'client.deleted',
      'client.rolled_back',
      'client.reaped',
      'client.restored',
      'client.secret_rotated',
    ])
    assert.equal(created.json.description, 'audit sink')

    const listed = await admin.call(`/api/${service}/webhook/list`)
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.json.webhooks, [
      {
        id: created.json.id,
        url: 'https://hooks.example.com/in',
        kinds: created.json.kinds,
        description: 'audit sink',
        createdAt: created.json.createdAt,
      },
    ])
    assert.ok(!listed.text.includes(created.json.secret), 'the secret is shown once only')

    const deliveries = await admin.call(`/api/${service}/webhook/${created.json.id}/deliveries`)
    assert.deepEqual([deliveries.status, deliveries.json], [200, { deliveries: [] }])
    const deleted = await admin.call(`/api/${service}/webhook/${created.json.id}`, {
      method: 'DELETE',
    })
    assert.equal(deleted.status, 204)
    const again = await admin.call(`/api/${service}/webhook/${created.json.id}`, {
      method: 'DELETE',
    })
    assert.equal(again.status, 404)
    assert.equal(typeof again.json.resultMessage, 'string')
    const gone = await admin.call(`/api/${service}/webhook/${created.json.id}/deliveries`)
    assert.equal(gone.status, 404)
    assert.deepEqual((await admin.call(`/api/${service}/webhook/list`)).json, { webhooks: [] })
  })

  test('refuses a URL that is not http or https, and an unknown event kind, with 400', async () => {
    const service = await admin.createService()
    const bodies = [
      { url: 'ftp://files.example.com/in' },
      { url: 'javascript:alert(1)' },
      { url: 'not a url' },
      { url: 'https://hooks.example.com/in', kinds: ['client.created', 'client.exploded'] },
      { url: 'https://hooks.example.com/in', kinds: [] },
      { kinds: ['client.created'] },
    ]
    for (const body of bodies) {
      const answer = await admin.call(`/api/${service}/webhook/create`, { body })
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`)
      assert.equal(typeof answer.json.resultMessage, 'string')
    }
    assert.deepEqual((await admin.call(`/api/${service}/webhook/list`)).json, { webhooks: [] })
  })

  test("a service token manages its own service's webhooks and gets 403 for another's", async () => {
    const mine = await admin.createService()
    const theirs = await admin.createService()
    const token = await admin.call(`/api/${mine}/token/create`, { body: {} })
    const service = new Api(server.url, token.json.token)
    const own = await service.call(`/api/${mine}/webhook/create`, {
      body: { url: 'http://127.0.0.1:9999/hook', kinds: ['authentication.failed'] },
    })
    assert.equal(own.status, 200, own.text)
    const foreign = await admin.call(`/api/${theirs}/webhook/create`, {
      body: { url: 'https://theirs.example.com/' },
    })
    const id = foreign.json.id as string

    for (const [path, method] of [
      [`/api/${theirs}/webhook/create`, 'POST'],
      [`/api/${theirs}/webhook/list`, 'GET'],
      [`/api/${theirs}/webhook/${id}`, 'DELETE'],
      [`/api/${theirs}/webhook/${id}/deliveries`, 'GET'],
    ] as const) {
      const answer = await service.call(path, {
        method,
        ...(method === 'POST' && { body: { url: 'https://x.example/' } }),
      })
      assert.equal(answer.status, 403, `${method} ${path}`)
    }
    // Its own service's path does not reach another service's webhook either.
    const crossed = await service.call(`/api/${mine}/webhook/${id}`, { method: 'DELETE' })
    assert.equal(crossed.status, 404)
    assert.equal((await admin.call(`/api/${theirs}/webhook/list`)).json.webhooks.length, 1)
  })
})

/** A client's life through the registration endpoints: created, updated twice, deleted. */
async function liveAndDie(baseUrl: string, service: string, name: string): Promise<string> {
  const metadata = { client_name: name, redirect_uris: ['https://app.example.com/cb'] }
  const registered = await call(`${baseUrl}/${service}/register`, { body: metadata })
  assert.equal(registered.status, 201, registered.text)
  const { client_id: clientId, registration_access_token: token } = registered.json
  const uri = `${baseUrl}/${service}/register/${clientId}`
  for (const version of [2, 3]) {
    const updated = await call(uri, {
      method: 'PUT',
      token,
      body: { ...metadata, client_id: clientId, client_name: `${name} v${version}` },
    })
    assert.equal(updated.status, 200, updated.text)
  }
  assert.equal((await call(uri, { method: 'DELETE', token })).status, 204)
  return clientId as string
}

interface Delivered {
  post: ReceivedPost
  event: { id: string; type: string; subject: string; source: string; data: { clientId: string } }
}

async function waitFor(condition: () => boolean, what: string, seconds = 60): Promise<void> {
  for (let waited = 0; !condition(); waited += 100) {
    if (waited > seconds * 1000) assert.fail(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/**
 * Every client's four events arrived, each accepted exactly once (by webhook-id), signed
 * with the secret and in order per client.
 */
async function assertDeliveredOnce(
  receiver: WebhookReceiver,
  secret: string,
  clientIds: string[],
): Promise<void> {
  const verifyWebhook = await readmeVerifyWebhook()
  const expected = clientIds.length * 4
  await waitFor(() => receiver.accepted.length >= expected, `${expected} deliveries`)
  // Anything sent twice would arrive within the retry waits; give it the time.
  await sleep(1500)
  const delivered: Delivered[] = receiver.accepted.map((post) => ({
    post,
    event: JSON.parse(post.body),
  }))
  const ids = delivered.map(({ post }) => post.id)
  assert.equal(new Set(ids).size, ids.length, 'no event accepted twice')
  assert.equal(ids.length, expected)
  for (const post of receiver.posts) {
    assert.equal(post.headers['content-type'], 'application/cloudevents+json')
    assert.ok(verifyWebhook(secret, post.headers, post.body), `signature of ${post.id}`)
    assert.equal(verifyWebhook(secret, post.headers, `${post.body} `), false, 'body bound')
  }
  for (const clientId of clientIds) {
    const events = delivered.filter(({ event }) => event.subject === clientId)
    assert.deepEqual(
      events.map(({ event }) => event.type),
      ['created', 'updated', 'updated', 'deleted'].map((kind) => `dev.registrar.client.${kind}`),
      `client ${clientId}'s events in order`,
    )
    const numbers = events.map(({ event }) => Number(event.id))
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    )
    for (const { event, post } of events) {
      assert.equal(event.id, post.id)
      assert.equal(event.data.clientId, clientId)
    }
  }
}

describe('webhook deliveries on SQLite', () => {
  let folder: string
  let server: RunningServer
  let receiver: WebhookReceiver
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-webhooks-'))
    server = await startServer({ database: join(folder, 'registrar.db'), args: FAST_RETRIES })
    receiver = await WebhookReceiver.start('down')
  })
  after(async () => {
    await server?.stop()
    await receiver?.close()
    await rm(folder, { recursive: true, force: true })
  })

  test('a receiver that refuses connections, then answers 503, then comes back gets every event once, in order, signed', async () => {
    const admin = new Api(server.url, server.adminToken)
    const service = await admin.createService()
    const hook = await admin.call(`/api/${service}/webhook/create`, { body: { url: receiver.url } })
    assert.equal(hook.status, 200, hook.text)

    const clientIds = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((name) => liveAndDie(server.url, service, name)),
    )
    await sleep(2000)
    const pending = await admin.call(`/api/${service}/webhook/${hook.json.id}/deliveries`)
    assert.ok(pending.json.deliveries.length > 0, 'queued while the receiver is down')
    assert.ok(
      pending.json.deliveries.some(
        (delivery: { lastError?: string; state: string }) =>
          delivery.lastError === 'network error ECONNREFUSED' && delivery.state === 'pending',
      ),
      JSON.stringify(pending.json),
    )

    await receiver.setMode('failing')
    await waitFor(() => receiver.posts.length > 0, 'a post to the failing receiver')
    await sleep(1000)
    await receiver.setMode('up')
    await assertDeliveredOnce(receiver, hook.json.secret, clientIds)
    const after = await admin.call(`/api/${service}/webhook/${hook.json.id}/deliveries`)
    assert.deepEqual(after.json, { deliveries: [] })
    const [first] = receiver.accepted
    const event = JSON.parse(first.body)
    assert.equal(event.specversion, '1.0')
    assert.equal(event.source, `${server.url}/${service}`)
    assert.equal(event.datacontenttype, 'application/json')
    assert.ok(!Number.isNaN(Date.parse(event.time)))
    assert.doesNotMatch(first.body, /registration_access_token"\s*:\s*"[^*]/)
  })
})

describe('a security event delivered', () => {
  let server: RunningServer
  let receiver: WebhookReceiver
  before(async () => {
    server = await startServer({ args: FAST_RETRIES })
    receiver = await WebhookReceiver.start('up')
  })
  after(async () => {
    await server?.stop()
    await receiver?.close()
  })

  test('reuse of a rotated registration access token reaches a webhook that asks for it', async () => {
    const admin = new Api(server.url, server.adminToken)
    const service = await admin.createService({ registrationAccessTokenRotation: 'on_use' })
    const hook = await admin.call(`/api/${service}/webhook/create`, {
      body: { url: receiver.url, kinds: ['registration_token.reused'] },
    })
    assert.equal(hook.status, 200, hook.text)
    const metadata = { client_name: 'leaky', redirect_uris: ['https://app.example.com/cb'] }
    const registered = await call(`${server.url}/${service}/register`, { body: metadata })
    const { client_id: clientId, registration_access_token: first } = registered.json
    const uri = registered.json.registration_client_uri as string
    assert.equal((await call(uri, { token: first })).status, 200) // rotates
    assert.equal((await call(uri, { token: first })).status, 200) // its one use within the grace
    assert.equal((await call(uri, { token: first })).status, 401) // reuse

    await waitFor(() => receiver.accepted.length >= 1, 'the reuse event')
    const event = JSON.parse(receiver.accepted[0].body)
    assert.equal(event.type, 'dev.registrar.registration_token.reused')
    assert.equal(event.subject, clientId)
    assert.equal(receiver.accepted[0].body.includes(first), false, 'no token in the event')
  })
})

describe('webhook deliveries across a crash', () => {
  let folder: string
  let receiver: WebhookReceiver
  const servers: RunningServer[] = []
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-webhooks-crash-'))
    receiver = await WebhookReceiver.start('down')
  })
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()))
    await receiver?.close()
    await rm(folder, { recursive: true, force: true })
  })

  test('events queued when the node is killed are delivered once it is back', async () => {
    const database = join(folder, 'registrar.db')
    const first = await startServer({ database, args: FAST_RETRIES })
    servers.push(first)
    const admin = new Api(first.url, first.adminToken)
    const service = await admin.createService()
    const hook = await admin.call(`/api/${service}/webhook/create`, { body: { url: receiver.url } })
    const clientIds = await Promise.all(
      ['a', 'b', 'c'].map((name) => liveAndDie(first.url, service, name)),
    )
    // Sealed and queued (about a second), tried against a receiver that is down, then killed.
    await sleep(2500)
    assert.equal(await first.stop('SIGKILL'), null)

    await receiver.setMode('up')
    const second = await startServer({
      database,
      adminToken: first.adminToken,
      args: FAST_RETRIES,
    })
    servers.push(second)
    await assertDeliveredOnce(receiver, hook.json.secret, clientIds)
  })
})

describe('webhook deliveries from two server processes sharing PostgreSQL', () => {
  let schema: TestSchema
  let servers: RunningServer[]
  let receiver: WebhookReceiver
  before(async () => {
    schema = await createTestSchema()
    // Nodes behind one name, as in production: events carry it as their source.
    const args = [...FAST_RETRIES, '--base-url', PUBLIC_URL]
    const first = await startServer({ database: schema.url, args })
    const second = await startServer({ database: schema.url, adminToken: first.adminToken, args })
    servers = [first, second]
    receiver = await WebhookReceiver.start('up')
  })
  after(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()))
    await receiver?.close()
    await schema?.drop()
  })

  test('each event is accepted exactly once, in order per client, however the work is shared', async () => {
    const admin = new Api(servers[0].url, servers[0].adminToken)
    const service = await admin.createService()
    const hook = await admin.call(`/api/${service}/webhook/create`, { body: { url: receiver.url } })
    assert.equal(hook.status, 200, hook.text)
    // The first attempt at every third event fails: its retry may fall to either node.
    const refused = new Set<string>()
    receiver.refuse = ({ id }) => Number(id) % 3 === 0 && !refused.has(id) && !!refused.add(id)

    const clientIds = await Promise.all(
      Array.from({ length: 12 }, (_, i) => liveAndDie(servers[i % 2].url, service, `client ${i}`)),
    )
    await assertDeliveredOnce(receiver, hook.json.secret, clientIds)
    assert.ok(refused.size > 0, 'some first attempts failed and were retried')
    const sources = new Set(receiver.accepted.map((post) => JSON.parse(post.body).source))
    assert.deepEqual([...sources], [`${PUBLIC_URL}/${service}`])
  })
})
