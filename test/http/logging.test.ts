/**
 * Logs: one JSON line per request with its request id, and never a secret (CONTRACT.md,
 * "Secrets are treated as secrets"): not the admin token, not a registration access
 * token, not a client secret, not an initial access token.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { call } from '../support/http.js'
import { startServer } from '../support/start-server.js'

test('logs a line per request with its id and no secret', async () => {
  const server = await startServer({ env: { LOG_LEVEL: 'info' } })
  const api = (path: string, body?: unknown) =>
    call(`${server.url}${path}`, { method: 'POST', token: server.adminToken, body: body ?? {} })
  const serviceId = String((await api('/api/service/create')).json.apiKey)
  const iat = (await api(`/api/${serviceId}/initial_access_token/create`)).json.token as string
  const registered = await call(`${server.url}/${serviceId}/register`, {
    method: 'POST',
    token: iat,
    body: { client_name: 'logged', redirect_uris: ['https://app.example.com/cb'] },
  })
  assert.equal(registered.status, 201)
  const { client_id, client_secret, registration_access_token } = registered.json
  await call(`${server.url}/${serviceId}/register/${client_id}`, {
    token: registration_access_token,
  })
  assert.equal(await server.stop(), 0)

  const lines = server
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { reqId?: string; url?: string; statusCode?: number })
  const requests = lines.filter((line) => line.reqId !== undefined && line.statusCode !== undefined)
  assert.equal(requests.length, 4, 'one line for each of the four requests')
  assert.equal(new Set(requests.map((line) => line.reqId)).size, requests.length)
  for (const secret of [server.adminToken, iat, client_secret, registration_access_token]) {
    assert.ok(typeof secret === 'string' && secret.length > 20)
    assert.equal(server.stderr().includes(secret), false, 'a secret reached the log')
  }
})

test('logs the path and the names of query parameters, never their values (RFC 6750 §2.3)', async () => {
  const server = await startServer({ env: { LOG_LEVEL: 'info' } })
  const serviceId = (
    await call(`${server.url}/api/service/create`, {
      method: 'POST',
      token: server.adminToken,
      body: { serviceName: 'logged' },
    })
  ).json.apiKey
  const secrets = ['SECRETREAD1', 'SECRETBADURL2', 'SECRETAPI3', 'SECRETREGISTER4', 'SECRETNAME5']
  const paths = [
    `/${serviceId}/register/123?access_token=${secrets[0]}`,
    `/%E0%A4%A?access_token=${secrets[1]}`,
    `/api/service/get/list?access_token=${secrets[2]}&pretty=true`,
    `/${serviceId}/register?dry_run=true&access_token=${secrets[3]}`,
    `/.well-known/oauth-authorization-server/${serviceId}?x=${secrets[4]}`,
  ]
  for (const path of paths) {
    const method = path.includes('/register?') ? 'POST' : 'GET'
    await call(`${server.url}${path}`, {
      method,
      body: method === 'POST' ? { redirect_uris: ['https://app.example.com/cb'] } : undefined,
    })
  }
  assert.equal(await server.stop(), 0)
  const log = server.stderr()
  for (const secret of secrets) assert.equal(log.includes(secret), false, `${secret} was logged`)
  assert.match(log, /access_token/)
  const lines = log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { path?: string; query?: string[] })
  const read = lines.find((line) => line.path === `/${serviceId}/register/123`)
  assert.deepEqual(read?.query, ['access_token'])
})
