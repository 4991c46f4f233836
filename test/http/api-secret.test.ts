/**
 * A service's apiKey and apiSecret as HTTP Basic credentials (Authlete's API v2: RFC 7617
 * `apiKey:apiSecret`): a service token's rights within that service, the secret shown once
 * and stored hashed, renewed by `service/secret/refresh`.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Authlete, HTTPClient } from '@authlete/typescript-sdk'
import { Api, call, type Answer } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

let folder: string
let server: RunningServer
let admin: Api
let service: { apiKey: number; apiSecret: string }
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-api-secret-'))
  server = await startServer({ database: join(folder, 'registrar.db') })
  admin = new Api(server.url, server.adminToken)
  const created = await admin.call('/api/service/create', { body: { serviceName: 'basic' } })
  assert.equal(created.status, 200, created.text)
  service = created.json
})
after(async () => {
  await server.stop()
  await rm(folder, { recursive: true, force: true })
})

function withAuthorization(path: string, authorization: string, body?: unknown): Promise<Answer> {
  return call(`${server.url}${path}`, { headers: { authorization }, body })
}

describe('the apiSecret', () => {
  test('is answered by service create only: service get and list never show it or its hash', async () => {
    assert.match(service.apiSecret, /^[A-Za-z0-9_-]{43}$/)
    const got = await admin.call(`/api/${service.apiKey}/service/get`)
    assert.equal(got.status, 200)
    assert.equal('apiSecret' in got.json, false)
    const listed = await admin.call('/api/service/get/list?start=0&end=100')
    assert.ok(listed.json.services.every((s: object) => !('apiSecret' in s)))
  })

  test('is stored hashed: the database file holds no plaintext secret', async () => {
    const files = ['registrar.db', 'registrar.db-wal'].map((name) => join(folder, name))
    const contents = await Promise.all(files.map((file) => readFile(file).catch(() => '')))
    for (const content of contents) assert.equal(content.includes(service.apiSecret), false)
  })
})

describe('HTTP Basic apiKey:apiSecret on the API (RFC 7617)', () => {
  test("gives a service token's rights within its own service", async () => {
    const authorization = basic(String(service.apiKey), service.apiSecret)
    const got = await withAuthorization(`/api/${service.apiKey}/service/get`, authorization)
    assert.equal(got.status, 200, got.text)
    const client = await withAuthorization(`/api/${service.apiKey}/client/create`, authorization, {
      clientName: 'made with basic',
    })
    assert.equal(client.status, 200, client.text)
    const list = await withAuthorization('/api/service/get/list', authorization)
    assert.deepEqual(
      list.json.services.map((s: { apiKey: number }) => s.apiKey),
      [service.apiKey],
    )
    const other = await admin.createService()
    for (const [path, body] of [
      [`/api/${other}/service/get`, undefined],
      ['/api/service/create', {}],
      [`/api/${service.apiKey}/token/create`, {}],
      [`/api/${service.apiKey}/service/secret/refresh`, {}],
    ] as const) {
      const answer = await withAuthorization(path, authorization, body)
      assert.equal(answer.status, 403, `${path}: ${answer.text}`)
    }
  })

  test('a wrong or malformed pair is a 401 shaped like a wrong bearer token', async () => {
    const wrongBearer = await call(`${server.url}/api/${service.apiKey}/service/get`, {
      token: 'not-the-token-not-the-token-not-the-token',
    })
    assert.equal(wrongBearer.status, 401)
    const other = await admin.call('/api/service/create', { body: {} })
    for (const authorization of [
      basic(String(service.apiKey), 'wrong'),
      basic(String(service.apiKey), other.json.apiSecret),
      basic(String(other.json.apiKey + 1), service.apiSecret),
      basic('abc', service.apiSecret),
      `Basic ${Buffer.from(service.apiSecret).toString('base64')}`,
      'Basic %%%',
    ]) {
      const answer = await withAuthorization(`/api/${service.apiKey}/service/get`, authorization)
      assert.equal(answer.status, 401, authorization)
      assert.deepEqual(answer.json, wrongBearer.json)
    }
  })

  test('the official @authlete/typescript-sdk works with Basic set by its HTTPClient hook', async () => {
    const httpClient = new HTTPClient()
    httpClient.addHook('beforeRequest', (request) => {
      request.headers.set('authorization', basic(String(service.apiKey), service.apiSecret))
      return request
    })
    const api = new Authlete({ serverURL: server.url, httpClient })
    const serviceId = String(service.apiKey)
    assert.equal((await api.service.get({ serviceId })).serviceName, 'basic')
    const client = await api.client.create({ serviceId, client: { clientName: 'sdk basic' } })
    assert.equal(typeof client.clientId, 'number')
    const page = await api.client.list({ serviceId })
    assert.ok(page.clients?.some((c) => c.clientId === client.clientId))
  })
})

test('service/secret/refresh answers a new secret once; the old one stops at once (admin only)', async () => {
  const created = await admin.call('/api/service/create', { body: { serviceName: 'renewed' } })
  const { apiKey, apiSecret: old } = created.json
  const path = `/api/${apiKey}/service/get`
  assert.equal((await withAuthorization(path, basic(String(apiKey), old))).status, 200)

  const token = (await admin.call(`/api/${apiKey}/token/create`, { body: {} })).json.token
  const byToken = await call(`${server.url}/api/${apiKey}/service/secret/refresh`, {
    token,
    body: {},
  })
  assert.equal(byToken.status, 403)

  const refreshed = await admin.call(`/api/${apiKey}/service/secret/refresh`, { method: 'POST' })
  assert.equal(refreshed.status, 200, refreshed.text)
  assert.equal(refreshed.json.apiKey, apiKey)
  assert.equal(refreshed.json.serviceName, 'renewed')
  assert.match(refreshed.json.apiSecret, /^[A-Za-z0-9_-]{43}$/)
  assert.notEqual(refreshed.json.apiSecret, old)
  assert.equal((await withAuthorization(path, basic(String(apiKey), old))).status, 401)
  const renewed = basic(String(apiKey), refreshed.json.apiSecret)
  assert.equal((await withAuthorization(path, renewed)).status, 200)
  assert.equal((await admin.call('/api/1/service/secret/refresh', { method: 'POST' })).status, 404)
})

test('the OpenAPI document offers Basic apiKey:apiSecret beside the bearer token, and the refresh route', async () => {
  const document = (await call(`${server.url}/api/openapi.json`)).json
  assert.equal(document.components.securitySchemes.apiSecret.scheme, 'basic')
  const refresh = document.paths['/api/{serviceId}/service/secret/refresh'].post
  assert.deepEqual(refresh.security, [{ bearer: [] }, { apiSecret: [] }])
})
