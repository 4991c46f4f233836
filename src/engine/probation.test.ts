import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AuthleteService, ClientInformation, Policy } from '../wire/index.js'
import { createEngine, MemoryStore } from './index.js'

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0)
const LIFETIME = 600
const EXPIRY = Math.floor(NOW / 1000) + LIFETIME
const BODY = { redirect_uris: ['https://rp.example.com/cb'], scope: 'read' }

async function setUp(settings: AuthleteService = {}, policy: Policy = {}) {
  let now = NOW
  const store = new MemoryStore()
  const engine = createEngine({ store, baseUrl: 'https://dcr.example.com', now: () => now })
  const { apiKey } = await engine.createService(settings)
  const service = await engine.replacePolicy(apiKey, {
    probation: { lifetimeSeconds: LIFETIME, scopes: ['read'] },
    ...policy,
  })
  const register = async (body: unknown = BODY, initialAccessToken?: string) => {
    const decision = await engine.register(service, {
      json: JSON.stringify(body),
      initialAccessToken,
    })
    assert.equal(decision.action, 'CREATED', JSON.stringify(decision.body))
    return decision.body as ClientInformation
  }
  const read = (client: ClientInformation) =>
    engine.read(service, { clientId: client.client_id, token: client.registration_access_token })
  return {
    engine,
    store,
    service,
    register,
    read,
    advance: (seconds: number) => (now += seconds * 1000),
  }
}

describe('the probation tier (policy.probation)', () => {
  it('gives an anonymous client an expiry, and a secret that outlives it none (RFC 7591 §3.2.1)', async () => {
    const { register, store, service } = await setUp()
    const client = await register()
    assert.equal(client.client_secret_expires_at, EXPIRY)
    const record = await store.getClient(service.apiKey, Number(client.client_id))
    assert.equal(record?.expiresAt, NOW + LIFETIME * 1000)
  })

  it('keeps a secret lifetime shorter than the probation, and caps a longer one', async () => {
    const short = await (await setUp({ clientSecretLifetime: 60 })).register()
    assert.equal(short.client_secret_expires_at, Math.floor(NOW / 1000) + 60)
    const long = await (await setUp({ clientSecretLifetime: 86_400 })).register()
    assert.equal(long.client_secret_expires_at, EXPIRY)
  })

  it('does not hold a registration with an initial access token (RFC 7591 §3)', async () => {
    const { engine, service, register, advance, read } = await setUp()
    const { token } = await engine.createInitialAccessToken(service.apiKey, { maxUses: 1 })
    const client = await register({ ...BODY, scope: 'write' }, token)
    assert.equal(client.client_secret_expires_at, 0)
    advance(LIFETIME * 10)
    assert.equal((await read(client)).action, 'OK')
  })

  it('an expired client is unknown to RFC 7592, the client API and lists, before any sweep', async () => {
    const { engine, service, register, read, advance } = await setUp()
    const client = await register()
    const lasting = await (async () => {
      const { token } = await engine.createInitialAccessToken(service.apiKey, { maxUses: 1 })
      return register(BODY, token)
    })()
    assert.equal((await read(client)).action, 'OK')
    advance(LIFETIME - 1)
    assert.equal((await read(client)).action, 'OK')
    advance(1)

    const request = { clientId: client.client_id, token: client.registration_access_token }
    const unknown = await engine.read(service, { ...request, clientId: '10000000000001' })
    for (const decision of [
      await read(client),
      await engine.update(service, { ...request, json: JSON.stringify(BODY) }),
      await engine.delete(service, request),
    ]) {
      assert.equal(decision.action, 'UNAUTHORIZED')
      assert.equal(decision.status, 401)
      assert.deepEqual(decision.body, unknown.body)
    }
    await assert.rejects(engine.requireClient(service, client.client_id), { code: 'not_found' })
    const page = await engine.listClients(service, { start: 0, end: 10 })
    assert.deepEqual(
      page.items.map((record) => String(record.clientId)),
      [lasting.client_id],
    )
    assert.equal(page.totalCount, 1)
    assert.equal(await engine.deleteExpiredClients(), 1)
    assert.equal((await read(lasting)).action, 'OK')
  })

  it('an idempotent repeat of an expired registration registers anew', async () => {
    const { engine, service, advance } = await setUp()
    const register = () =>
      engine.register(service, { json: JSON.stringify(BODY), idempotencyKey: 'key-1' })
    const first = (await register()).body as ClientInformation
    assert.equal(((await register()).body as ClientInformation).client_id, first.client_id)
    advance(LIFETIME)
    const again = await register()
    assert.equal(again.action, 'CREATED')
    assert.notEqual((again.body as ClientInformation).client_id, first.client_id)
  })

  it('an update keeps the expiry and caps a secret it issues', async () => {
    const { engine, service, register, store } = await setUp()
    const client = await register({ ...BODY, token_endpoint_auth_method: 'none' })
    assert.equal(client.client_secret, undefined)
    const decision = await engine.update(service, {
      clientId: client.client_id,
      token: client.registration_access_token,
      json: JSON.stringify({ ...BODY, client_id: client.client_id }),
    })
    assert.equal(decision.action, 'UPDATED', JSON.stringify(decision.body))
    const updated = decision.body as ClientInformation
    assert.ok(updated.client_secret)
    assert.equal(updated.client_secret_expires_at, EXPIRY)
    const record = await store.getClient(service.apiKey, Number(client.client_id))
    assert.equal(record?.expiresAt, NOW + LIFETIME * 1000)
  })

  it('refuses scopes beyond the probation list, naming the rule', async () => {
    const { engine, service } = await setUp()
    const decision = await engine.register(service, {
      json: JSON.stringify({ ...BODY, scope: 'read write' }),
    })
    assert.equal(decision.action, 'BAD_REQUEST')
    const body = decision.body as { error: string; violations: unknown[] }
    assert.equal(body.error, 'invalid_client_metadata')
    assert.deepEqual(body.violations, [
      {
        pointer: '/scope',
        rule: 'scopeIsAllowedOnProbation',
        spec: 'policy.probation.scopes',
        error: 'invalid_client_metadata',
        error_description: 'scope value write is not allowed for a client on probation',
      },
    ])
  })
})
