import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isOAuthError, SERVICE_ASSIGNED_MEMBERS } from '../wire/index.js'
import { createEngine, hashSecret, MemoryStore } from './index.js'

it('members the server assigns to a service are neither stored nor taken on create and update (spec §7 trap 12)', async () => {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const assigned = {
    number: 7,
    serviceOwnerNumber: 7,
    apiKey: 7,
    apiSecret: 'chosen',
    createdAt: 7,
    modifiedAt: 7,
    metadata: [{ key: 'k', value: 'v' }],
  }
  assert.deepEqual(Object.keys(assigned).sort(), [...SERVICE_ASSIGNED_MEMBERS].sort())
  const created = await engine.createService({ serviceName: 'assigned', ...assigned })
  const updated = await engine.updateService(created.apiKey, assigned)
  for (const record of [created, updated]) {
    assert.notEqual(record.apiKey, 7)
    assert.notEqual(record.apiSecretHash, hashSecret('chosen'))
    assert.equal(record.settings.serviceName, 'assigned')
    for (const member of SERVICE_ASSIGNED_MEMBERS) assert.equal(member in record.settings, false)
  }
})

it('a service starts with an empty policy; replacePolicy checks the document, stores it and applies it at once', async () => {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const service = await engine.createService({ serviceName: 'policed' })
  assert.deepEqual(service.policy, {})
  for (const [bad, message] of [
    [[], /^policy: /],
    [{ maxClients: -1 }, /^policy\.maxClients: /],
    [{ scope: ['read'] }, /^policy\.scope: Unexpected property/],
    [{ anonymous: { grantTypes: 'implicit' } }, /^policy\.anonymous\.grantTypes: /],
    [{ grantTypes: ['magic'] }, /^policy\.grantTypes: 'magic' is not a known grant type/],
    [
      { rateLimits: { perIp: { capacity: 1, refillPerMinute: 1 } } },
      /^policy\.rateLimits\.perIp: Unexpected/,
    ],
    [
      { rateLimits: { perService: { capacity: 0, refillPerMinute: 1 } } },
      /^policy\.rateLimits\.perService\.capacity: /,
    ],
    [
      { rateLimits: { perService: { capacity: 1, refillPerMinute: 0 } } },
      /^policy\.rateLimits\.perService\.refillPerMinute: /,
    ],
    [
      { rateLimits: { perService: { capacity: 1, refillPerMinute: 0.0001 } } },
      /^policy\.rateLimits\.perService\.refillPerMinute: 0.0001 refills less than one/,
    ],
  ] as const) {
    await assert.rejects(engine.replacePolicy(service.apiKey, bad), (error: unknown) => {
      assert.ok(isOAuthError(error))
      assert.equal(error.code, 'invalid_request')
      assert.match(error.description, message)
      return true
    })
  }
  await assert.rejects(engine.replacePolicy(404, {}), /no service 404/)
  const policy = { scopes: ['mcp'], defaultScope: 'mcp' }
  const replaced = await engine.replacePolicy(service.apiKey, policy)
  assert.deepEqual(replaced.policy, policy)
  assert.deepEqual(replaced.settings, service.settings)
  assert.deepEqual((await engine.requireService(service.apiKey)).policy, policy)
  // The cached service is forgotten, so the next registration meets the new policy.
  const refused = await engine.register(replaced, { json: '{"scope":"admin"}' })
  assert.equal(refused.action, 'BAD_REQUEST')
  const current = await engine.requireService(service.apiKey)
  const registered = await engine.register(current, {
    json: '{"redirect_uris":["https://rp.example.com/cb"]}',
  })
  assert.equal(registered.action, 'CREATED')
  assert.equal(registered.client?.metadata.scope, 'mcp')
  assert.deepEqual(engine.discovery(current)['scopes_supported'], ['mcp'])
})

it('the policy can require an initial access token and PKCE of every client it registers', async () => {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const { apiKey } = await engine.createService({ serviceName: 'internal' })
  await engine.replacePolicy(apiKey, { initialAccessTokenRequired: true, pkce: 'S256' })
  const service = await engine.requireService(apiKey)
  const json = '{"redirect_uris":["https://rp.example.com/cb"]}'
  const refused = await engine.register(service, { json })
  assert.equal(refused.action, 'UNAUTHORIZED')
  const { token } = await engine.createInitialAccessToken(apiKey, {})
  const registered = await engine.register(service, { json, initialAccessToken: token })
  assert.equal(registered.action, 'CREATED')
  const client = engine.toAuthleteClient(service, registered.client!)
  assert.equal(client.pkceRequired, true)
  assert.equal(client.pkceS256Required, true)
})
