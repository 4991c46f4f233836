import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createEngine, MemoryStore } from './index.js'
import { USE_RESOLUTION_MILLISECONDS } from './last-use.js'

test('a client’s use is written the first time, then at most once an hour', async () => {
  let now = 1_750_000_000_000
  const store = new MemoryStore()
  let writes = 0
  const record = store.recordClientUse.bind(store)
  store.recordClientUse = async (...args) => {
    writes++
    await record(...args)
  }
  const engine = createEngine({ store, baseUrl: 'https://dcr.example.com', now: () => now })
  const service = await engine.createService({})
  const created = await engine.register(service, {
    json: JSON.stringify({ redirect_uris: ['https://app.example/cb'] }),
  })
  const { client_id, client_secret } = created.body as Record<string, string>
  const authenticate = () =>
    engine.authenticateClientCredentials(service, { client_id, client_secret })
  const lastUse = async () => (await engine.requireClient(service, client_id)).lastUsedAt

  assert.equal(await lastUse(), undefined)
  await authenticate()
  assert.equal(await lastUse(), now)
  const first = now
  now += USE_RESOLUTION_MILLISECONDS - 1
  await authenticate()
  assert.equal(await lastUse(), first)
  assert.equal(writes, 1)
  now += 1
  await authenticate()
  assert.equal(await lastUse(), now)
  assert.equal(writes, 2)
  // A refused credential is no use.
  now += 2 * USE_RESOLUTION_MILLISECONDS
  await assert.rejects(
    engine.authenticateClientCredentials(service, { client_id, client_secret: 'wrong' }),
  )
  assert.equal(writes, 2)
})

test('an RFC 7592 read with the client’s own token is a use too; a wrong token is not', async () => {
  let now = 1_750_000_000_000
  const engine = createEngine({
    store: new MemoryStore(),
    baseUrl: 'https://dcr.example.com',
    now: () => now,
  })
  const service = await engine.createService({})
  const created = await engine.register(service, {
    json: JSON.stringify({ redirect_uris: ['https://app.example/cb'] }),
  })
  const { client_id: clientId, registration_access_token: token } = created.body as Record<
    string,
    string
  >
  const lastUse = async () => (await engine.requireClient(service, clientId)).lastUsedAt
  assert.equal((await engine.read(service, { clientId, token: 'wrong' })).status, 401)
  assert.equal(await lastUse(), undefined)
  now += 1000
  assert.equal((await engine.read(service, { clientId, token })).status, 200)
  assert.equal(await lastUse(), now)
})
