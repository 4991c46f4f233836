/**
 * Service API tokens over their life (CONTRACT.md §1c): listed without secrets with their
 * last use, given an expiry after which they stop working, and revoked at once.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Registrar } from '../../src/sdk/index.js'
import { Api } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

let server: RunningServer
let admin: Api
let serviceId: string
before(async () => {
  server = await startServer()
  admin = new Api(server.url, server.adminToken)
  serviceId = await admin.createService()
})
after(() => server.stop())

const works = async (token: string, service = serviceId) =>
  (await new Api(server.url, token).call(`/api/${service}/client/get/list`)).status

test('tokens are listed without secrets, with their last use; a revoked one stops at once', async () => {
  const created = await admin.call(`/api/${serviceId}/token/create`, {
    body: { description: 'deploys' },
  })
  assert.equal(created.status, 200, created.text)
  const { id, token } = created.json as { id: string; token: string }
  assert.equal(created.json.expiresAt, undefined)

  const listedBefore = (await admin.call(`/api/${serviceId}/token/list`)).json.tokens
  assert.deepEqual(
    listedBefore.map((t: Record<string, unknown>) => [t.id, t.description, t.lastUsedAt]),
    [[id, 'deploys', undefined]],
  )
  assert.equal(await works(token), 200)
  const [listed] = (await new Api(server.url, token).call(`/api/${serviceId}/token/list`)).json
    .tokens
  assert.ok(Math.abs(listed.lastUsedAt - Date.now()) < 60_000, JSON.stringify(listed))
  assert.equal(typeof listed.createdAt, 'number')
  assert.deepEqual(Object.keys(listed).sort(), ['createdAt', 'description', 'id', 'lastUsedAt'])

  // Another service's token sees none of them.
  const other = await admin.createService()
  const otherToken = (await admin.call(`/api/${other}/token/create`, { body: {} })).json.token
  assert.equal(
    (await new Api(server.url, otherToken).call(`/api/${serviceId}/token/list`)).status,
    403,
  )

  assert.equal(
    (await admin.call(`/api/${serviceId}/token/${id}`, { method: 'DELETE' })).status,
    204,
  )
  assert.equal(await works(token), 401)
  assert.equal(
    (await admin.call(`/api/${serviceId}/token/${id}`, { method: 'DELETE' })).status,
    404,
  )
  assert.deepEqual((await admin.call(`/api/${serviceId}/token/list`)).json.tokens, [])
})

test('a token given an expiry stops working then', async () => {
  const created = await admin.call(`/api/${serviceId}/token/create`, { body: { expiresIn: 1 } })
  assert.equal(created.status, 200, created.text)
  assert.ok(created.json.expiresAt > Date.now())
  assert.equal(await works(created.json.token), 200)
  await sleep(1500)
  assert.equal(await works(created.json.token), 401)
  const refused = await admin.call(`/api/${serviceId}/token/create`, { body: { expiresIn: -1 } })
  assert.equal(refused.status, 400)
})

test('the SDK lists and revokes tokens', async () => {
  const registrar = new Registrar({ baseUrl: server.url, token: server.adminToken })
  const { id } = await registrar.tokens.create(serviceId, { description: 'sdk', expiresIn: 3600 })
  const tokens = await registrar.tokens.list(serviceId)
  const found = tokens.find((token) => token.id === id)
  assert.equal(found?.description, 'sdk')
  assert.ok(found!.expiresAt! > Date.now())
  await registrar.tokens.delete(serviceId, id)
  assert.equal(
    (await registrar.tokens.list(serviceId)).some((token) => token.id === id),
    false,
  )
})
