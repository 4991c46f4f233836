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

interface LogLine {
  reqId?: string
  path?: string
  statusCode?: number
  traceId?: string
  spanId?: string
}

function logLines(stderr: string): LogLine[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
}

test('a quiet server writes its log lines out within about a second, not once 4 KB have built up', async () => {
  const server = await startServer({ env: { LOG_LEVEL: 'info' } })
  try {
    const answer = await call(`${server.url}/health`)
    assert.equal(answer.status, 200)
    const sent = Date.now()
    const id = answer.headers.get('x-request-id')
    const logged = () => logLines(server.stderr()).some((line) => line.reqId === id)
    while (!logged() && Date.now() - sent < 5_000) await new Promise((r) => setTimeout(r, 50))
    assert.ok(logged(), 'the request line never reached stderr while the server ran')
    // The flush runs every second; allow the machine a second more.
    assert.ok(Date.now() - sent < 2_500, `it took ${Date.now() - sent} ms`)
  } finally {
    await server.stop()
  }
})

test('every answer carries X-Request-Id: the caller’s when it is a safe short token, else a new one; log lines carry it and the trace context', async () => {
  const server = await startServer({ env: { LOG_LEVEL: 'info' } })
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  const cases: { what: string; path: string; headers?: Record<string, string>; body?: string }[] = [
    { what: 'none sent', path: '/health' },
    { what: 'a safe id', path: '/health', headers: { 'x-request-id': 'lb-7f3a:42' } },
    { what: 'too long', path: '/health', headers: { 'x-request-id': 'a'.repeat(65) } },
    { what: 'unsafe characters', path: '/health', headers: { 'x-request-id': 'a"b{}' } },
    { what: 'an unknown route', path: '/no/such/thing' },
    { what: 'a URL that fails before routing', path: '/%E0%A4%A' },
    { what: 'an API call without a token', path: '/api/service/get/list' },
    { what: 'a body over the limit', path: '/1/register', body: 'x'.repeat(70_000) },
    { what: 'trace context', path: '/health', headers: { traceparent } },
    { what: 'an invalid trace context', path: '/health', headers: { traceparent: '00-0-0-01' } },
  ]
  const ids: string[] = []
  for (const { what, path, headers, body } of cases) {
    const answer = await call(`${server.url}${path}`, { headers, body })
    const id = answer.headers.get('x-request-id')
    assert.ok(id, `${what}: no X-Request-Id (status ${answer.status})`)
    if (what === 'a safe id') assert.equal(id, 'lb-7f3a:42')
    else assert.match(id, uuid, what)
    ids.push(id)
  }
  assert.equal(new Set(ids).size, ids.length, 'each request has its own id')
  assert.equal(await server.stop(), 0)

  const lines = logLines(server.stderr())
  for (const [i, { what }] of cases.entries()) {
    const line = lines.find((candidate) => candidate.reqId === ids[i])
    assert.ok(line, `${what}: no log line with its request id`)
    if (what === 'trace context') {
      assert.equal(line.traceId, '4bf92f3577b34da6a3ce929d0e0e4736')
      assert.equal(line.spanId, '00f067aa0ba902b7')
    } else assert.equal(line.traceId, undefined, what)
  }
})
