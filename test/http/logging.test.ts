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
