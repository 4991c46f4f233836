import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ClientInformation } from '../wire/index.js'
import { requestHashOf } from './idempotency.js'
import { createEngine, hashSecret, MemoryStore } from './index.js'

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)
const KEY = '8e03978e-40d5-43e8-bc93-6894a57f9324'
const BODY = { client_name: 'web app', redirect_uris: ['https://app.example/cb'] }

async function setUp(idempotencyWindowMilliseconds?: number) {
  let now = NOW
  const store = new MemoryStore()
  const engine = createEngine({
    store,
    baseUrl: 'https://dcr.example.com',
    now: () => now,
    idempotencyWindowMilliseconds,
  })
  const service = await engine.createService({})
  return {
    engine,
    store,
    service,
    advance: (milliseconds: number) => (now += milliseconds),
    register: (body: unknown = BODY, idempotencyKey: string | undefined = KEY, token?: string) =>
      engine.register(service, {
        json: typeof body === 'string' ? body : JSON.stringify(body),
        idempotencyKey,
        initialAccessToken: token,
      }),
    count: async () => (await engine.listClients(service, { start: 0, end: 100 })).totalCount,
    readWith: (info: ClientInformation) =>
      engine.read(service, { clientId: info.client_id, token: info.registration_access_token }),
  }
}

const info = (decision: { body?: unknown }) => decision.body as ClientInformation

describe('registration with an idempotency key (draft-ietf-httpapi-idempotency-key-header §2)', () => {
  it('answers a repeat with the same client, 201, with a token that works, and the first still works', async () => {
    const { register, count, readWith, advance } = await setUp()
    const first = await register()
    assert.equal(first.status, 201)
    advance(5_000)
    const again = await register()
    assert.equal(again.status, 201)
    assert.equal(again.action, 'CREATED')
    assert.deepEqual(info(again), info(first))
    assert.equal(await count(), 1)
    assert.equal((await readWith(info(first))).status, 200)
    assert.equal((await readWith(info(again))).status, 200)
  })

  it('answers 409, not a second client, once the client’s token has rotated (token-rotation.ts)', async () => {
    const { engine, service, register, count } = await setUp()
    await engine.updateService(service.apiKey, { registrationAccessTokenRotation: 'on_use' })
    const rotating = await engine.requireService(service.apiKey)
    const first = info(await register())
    const read = await engine.read(rotating, {
      clientId: first.client_id,
      token: first.registration_access_token,
    })
    assert.equal(read.status, 200)
    const again = await register()
    assert.equal(again.status, 409)
    assert.equal(JSON.stringify(again.body).includes(first.registration_access_token!), false)
    assert.equal(await count(), 1)
  })

  it('takes member order and white space for the same body', async () => {
    const { register, count } = await setUp()
    const first = await register(
      '{"client_name":"web app","redirect_uris":["https://app.example/cb"]}',
    )
    const again = await register(
      '{ "redirect_uris": ["https://app.example/cb"],\n "client_name": "web app" }',
    )
    assert.equal(info(again).client_id, info(first).client_id)
    assert.equal(await count(), 1)
  })

  it('refuses the key with another body or another initial access token: 422, nothing stored (§2.7)', async () => {
    const { engine, service, register, count } = await setUp()
    const token = (await engine.createInitialAccessToken(service.apiKey, {})).token
    const other = (await engine.createInitialAccessToken(service.apiKey, {})).token
    await register(BODY, KEY, token)
    const otherBody = await register({ ...BODY, client_name: 'another' }, KEY, token)
    assert.equal(otherBody.status, 422)
    assert.equal(otherBody.action, 'BAD_REQUEST')
    assert.equal((otherBody.body as { error: string }).error, 'invalid_request')
    assert.equal((await register(BODY, KEY, other)).status, 422)
    assert.equal((await register(BODY, KEY)).status, 422)
    assert.equal(await count(), 1)
  })

  it('repeats a registration whose single-use initial access token it spent', async () => {
    const { engine, service, register, count } = await setUp()
    const token = (await engine.createInitialAccessToken(service.apiKey, { maxUses: 1 })).token
    const first = await register(BODY, KEY, token)
    const again = await register(BODY, KEY, token)
    assert.equal(again.status, 201)
    assert.equal(info(again).client_id, info(first).client_id)
    assert.equal(await count(), 1)
  })

  it('does not remember a failed registration: the corrected request registers with the key', async () => {
    const { register, count } = await setUp()
    const failed = await register({ redirect_uris: ['https://app.example/cb#fragment'] })
    assert.equal(failed.status, 400)
    const corrected = await register()
    assert.equal(corrected.status, 201)
    assert.equal(await count(), 1)
  })

  it('refuses a key that is empty, too long or not printable ASCII: 400 invalid_request', async () => {
    const { register, count } = await setUp()
    for (const key of ['', 'k'.repeat(256), 'tab\there', 'ключ']) {
      const answer = await register(BODY, key)
      assert.equal(answer.status, 400, JSON.stringify(key))
      assert.equal((answer.body as { error: string }).error, 'invalid_request')
    }
    assert.equal((await register(BODY, 'k'.repeat(255))).status, 201)
    assert.equal(await count(), 1)
  })

  it('forgets a key after its window: the same request registers another client', async () => {
    const { register, count, advance, readWith } = await setUp(60_000)
    const first = await register()
    advance(59_999)
    assert.equal(info(await register()).client_id, info(first).client_id)
    advance(2)
    const later = await register()
    assert.equal(later.status, 201)
    assert.notEqual(info(later).client_id, info(first).client_id)
    assert.notEqual(info(later).registration_access_token, info(first).registration_access_token)
    assert.equal(await count(), 2)
    assert.equal((await readWith(info(first))).status, 200)
  })

  it('sweeps expired keys from the store as keys are claimed', async () => {
    const { register, store, service, advance } = await setUp(60_000)
    await register(BODY, 'first-key-0000000')
    advance(120_000)
    await register(BODY, 'second-key-000000')
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(
      await store.getIdempotencyKey(service.apiKey, hashSecret('first-key-0000000')),
      undefined,
    )
    assert.ok(await store.getIdempotencyKey(service.apiKey, hashSecret('second-key-000000')))
  })

  it('registers anew when the client of a key was deleted', async () => {
    const { engine, service, register, count } = await setUp()
    const first = info(await register())
    await engine.deleteClient(service, first.client_id)
    const again = await register()
    assert.equal(again.status, 201)
    assert.notEqual(info(again).client_id, first.client_id)
    assert.equal(await count(), 1)
  })

  it('of requests racing with one key, one registers and the others answer its client', async () => {
    const { register, count } = await setUp()
    const answers = await Promise.all(Array.from({ length: 20 }, () => register()))
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]))
    assert.equal(new Set(answers.map((answer) => info(answer).client_id)).size, 1)
    assert.equal(await count(), 1)
  })

  it('answers 409 while the registration holding the key is in flight (§2.7), and takes over one abandoned', async () => {
    const { register, store, service, count, advance } = await setUp()
    // A claim without a client, as a registration in flight on another node leaves it.
    await store.claimIdempotencyKey(
      {
        serviceApiKey: service.apiKey,
        keyHash: hashSecret(KEY),
        requestHash: requestHashOf(JSON.stringify(BODY)),
        createdAt: NOW,
      },
      { expiredBefore: 0, abandonedBefore: 0 },
    )
    const pending = await register()
    assert.equal(pending.status, 409)
    assert.equal((pending.body as { error: string }).error, 'invalid_request')
    assert.equal(await count(), 0)
    advance(60_001)
    assert.equal((await register()).status, 201)
    assert.equal(await count(), 1)
  })
})
