/**
 * `GET /metrics` (CONTRACT.md §1c): the Prometheus text exposition, for the admin token by
 * default, for anyone with `--metrics public`, and no such route with `--metrics off`. Its
 * counters move with the requests made, and no label names a client or a service.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Api, call, type Answer } from '../support/http.js'
import { createTestSchema } from '../support/postgres.js'
import { parseExposition, valueOf, type Exposition } from '../support/prometheus.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const BODY = { client_name: 'measured', redirect_uris: ['https://rp.example.com/cb'] }
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

async function scrape(server: RunningServer, token: string | undefined): Promise<Exposition> {
  const answer = await call(`${server.url}/metrics`, { token })
  assert.equal(answer.status, 200, answer.text)
  assert.equal(answer.headers.get('content-type'), CONTENT_TYPE)
  return parseExposition(answer.text)
}

function assertUnauthorized(answer: Answer, challenge: string): void {
  assert.equal(answer.status, 401, answer.text)
  assert.equal(answer.headers.get('www-authenticate'), challenge)
  assert.equal(answer.headers.get('content-type'), 'application/json')
  assert.equal(answer.json.error, 'invalid_token')
}

describe('metrics with the admin token (the default), on SQLite', () => {
  let folder: string
  let server: RunningServer
  let api: Api
  let serviceId: string
  const metrics = () => scrape(server, server.adminToken)

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-metrics-'))
    server = await startServer({ database: join(folder, 'registrar.db') })
    api = new Api(server.url, server.adminToken)
    serviceId = await api.createService()
  })
  after(async () => {
    await server?.stop()
    await rm(folder, { recursive: true, force: true })
  })

  test('answers 401 without a token or with a wrong one, 403 to a service token', async () => {
    assertUnauthorized(await call(`${server.url}/metrics`), 'Bearer')
    assertUnauthorized(
      await call(`${server.url}/metrics`, { token: 'not-the-admin-token' }),
      'Bearer error="invalid_token"',
    )
    const serviceToken = (await api.call(`/api/${serviceId}/token/create`, { body: {} })).json
      .token as string
    const answer = await call(`${server.url}/metrics`, { token: serviceToken })
    assert.equal(answer.status, 403, answer.text)
    assert.equal(answer.json.error, 'insufficient_scope')
  })

  test('serves the Prometheus text format, with process metrics and the SQLite worker queue', async () => {
    const exposition = await metrics()
    assert.equal(exposition.types.get('registrar_http_requests_total'), 'counter')
    assert.equal(exposition.types.get('registrar_http_request_duration_seconds'), 'histogram')
    assert.equal(exposition.types.get('registrar_store_commit_batch_size'), 'histogram')
    assert.equal(exposition.types.get('registrar_sqlite_worker_queue'), 'gauge')
    assert.equal(exposition.types.has('registrar_database_pool_connections'), false)
    assert.ok(valueOf(exposition, 'process_resident_memory_bytes') > 0)
  })

  test('a registration moves the created counter, its route counter and the group commits', async () => {
    const route = { route: '/:serviceId/register', method: 'POST', status: '201' }
    const created = { surface: 'endpoint', outcome: 'created' }
    const before = await metrics()
    const answer = await call(`${server.url}/${serviceId}/register`, { body: BODY })
    assert.equal(answer.status, 201, answer.text)
    const later = await metrics()
    assert.equal(
      valueOf(later, 'registrar_registrations_total', created) -
        valueOf(before, 'registrar_registrations_total', created),
      1,
    )
    assert.equal(
      valueOf(later, 'registrar_http_requests_total', route) -
        valueOf(before, 'registrar_http_requests_total', route),
      1,
    )
    assert.equal(
      valueOf(later, 'registrar_http_request_duration_seconds_count', route) -
        valueOf(before, 'registrar_http_request_duration_seconds_count', route),
      1,
    )
    assert.ok(
      valueOf(later, 'registrar_store_commit_batch_size_sum') >
        valueOf(before, 'registrar_store_commit_batch_size_sum'),
    )
  })

  test('a rejection counts its rule on each surface, and a policy rule as a policy rejection', async () => {
    const fragment = { redirect_uris: ['https://rp.example.com/cb#part'] }
    assert.equal(
      (await call(`${server.url}/${serviceId}/register`, { body: fragment })).status,
      400,
    )
    const throughApi = await api.call(`/api/${serviceId}/client/registration`, {
      body: { json: JSON.stringify(fragment) },
    })
    assert.equal(throughApi.json.action, 'BAD_REQUEST', throughApi.text)

    const policed = await api.createService()
    const policy = await api.call(`/api/${policed}/service/policy`, {
      body: { requiredMembers: ['contacts'] },
    })
    assert.equal(policy.status, 200, policy.text)
    assert.equal((await call(`${server.url}/${policed}/register`, { body: BODY })).status, 400)

    const exposition = await metrics()
    for (const surface of ['endpoint', 'api']) {
      assert.equal(
        valueOf(exposition, 'registrar_registration_rejections_total', {
          surface,
          rule: 'redirectUriHasNoFragment',
        }),
        1,
        surface,
      )
    }
    assert.equal(
      valueOf(exposition, 'registrar_registrations_total', { surface: 'api', outcome: 'rejected' }),
      1,
    )
    const byPolicy = { surface: 'endpoint', rule: 'requiredMembersArePresent' }
    assert.equal(valueOf(exposition, 'registrar_policy_rejections_total', byPolicy), 1)
    assert.equal(
      valueOf(exposition, 'registrar_policy_rejections_total', {
        rule: 'redirectUriHasNoFragment',
      }),
      0,
    )
  })

  test('a dry run counts as one, neither created nor rejected', async () => {
    const answer = await call(`${server.url}/${serviceId}/register?dry_run=true`, { body: BODY })
    assert.equal(answer.status, 200, answer.text)
    const exposition = await metrics()
    assert.equal(
      valueOf(exposition, 'registrar_registrations_total', {
        surface: 'endpoint',
        outcome: 'dry_run',
      }),
      1,
    )
  })

  test('a rate limited registration counts as rate_limited, and its bucket', async () => {
    const limited = await api.createService()
    await api.call(`/api/${limited}/service/policy`, {
      body: { rateLimits: { perService: { capacity: 1, refillPerMinute: 1 } } },
    })
    assert.equal((await call(`${server.url}/${limited}/register`, { body: BODY })).status, 201)
    assert.equal((await call(`${server.url}/${limited}/register`, { body: BODY })).status, 429)
    const throughApi = await api.call(`/api/${limited}/client/registration`, {
      body: { json: JSON.stringify(BODY) },
    })
    assert.equal(throughApi.status, 429, throughApi.text)
    const exposition = await metrics()
    assert.equal(valueOf(exposition, 'registrar_rate_limited_total', { bucket: 'perService' }), 2)
    for (const surface of ['endpoint', 'api']) {
      assert.equal(
        valueOf(exposition, 'registrar_registrations_total', { surface, outcome: 'rate_limited' }),
        1,
        surface,
      )
    }
    const route = { route: '/:serviceId/register', status: '429' }
    assert.equal(valueOf(exposition, 'registrar_http_requests_total', route), 1)
  })

  test('an unknown path is one route label, and no label names a client or a service', async () => {
    const registered = await call(`${server.url}/${serviceId}/register`, { body: BODY })
    const clientId = String(registered.json.client_id)
    const token = registered.json.registration_access_token as string
    await call(`${server.url}/${serviceId}/register/${clientId}`, { token })
    await call(`${server.url}/no/such/${clientId}/path`)
    const exposition = await metrics()
    assert.ok(
      valueOf(exposition, 'registrar_http_requests_total', { route: 'unmatched', status: '404' }) >=
        1,
    )
    assert.equal(
      valueOf(exposition, 'registrar_http_requests_total', {
        route: '/:serviceId/register/:clientId',
        method: 'GET',
        status: '200',
      }),
      1,
    )
    for (const { name, labels } of exposition.samples) {
      for (const value of Object.values(labels)) {
        for (const id of [clientId, serviceId, token]) {
          assert.equal(value.includes(id), false, `${name} has a label holding ${id}`)
        }
      }
    }
  })
})

describe('metrics access settings', () => {
  test('--metrics public serves them without a token', async () => {
    const server = await startServer({ args: ['--metrics', 'public'] })
    try {
      const exposition = await scrape(server, undefined)
      assert.equal(exposition.types.get('registrar_registrations_total'), 'counter')
    } finally {
      await server.stop()
    }
  })

  test('REGISTRAR_METRICS=off serves none: /metrics is a 404 as any unknown path', async () => {
    const server = await startServer({ env: { REGISTRAR_METRICS: 'off' } })
    try {
      const answer = await call(`${server.url}/metrics`, { token: server.adminToken })
      assert.equal(answer.status, 404, answer.text)
      assert.equal(answer.json.error, 'not_found')
    } finally {
      await server.stop()
    }
  })
})

test('on PostgreSQL, the pool connection gauges', async () => {
  const schema = await createTestSchema()
  const server = await startServer({ database: schema.url })
  try {
    const api = new Api(server.url, server.adminToken)
    const serviceId = await api.createService()
    assert.equal((await call(`${server.url}/${serviceId}/register`, { body: BODY })).status, 201)
    const exposition = await scrape(server, server.adminToken)
    assert.ok(valueOf(exposition, 'registrar_database_pool_connections') >= 1)
    const idle = valueOf(exposition, 'registrar_database_pool_idle_connections')
    assert.ok(idle >= 0 && idle <= valueOf(exposition, 'registrar_database_pool_connections'))
    assert.equal(valueOf(exposition, 'registrar_database_pool_waiting_queries'), 0)
    assert.equal(exposition.types.has('registrar_sqlite_worker_queue'), false)
    assert.equal(valueOf(exposition, 'registrar_store_commit_batch_size_count'), 1)
  } finally {
    await server.stop()
    await schema.drop()
  }
})
