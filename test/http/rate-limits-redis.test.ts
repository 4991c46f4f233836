/**
 * Two server processes over one PostgreSQL database and one Redis (REDIS_URL) keep one
 * bucket between them; while Redis is gone or does not answer they keep serving on buckets
 * of their own and /health says so; when it is back they share again. The Redis is this
 * test's own (test/support/redis.ts), so stopping it disturbs nobody.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../support/free-port.js'
import { call, type Answer } from '../support/http.js'
import { createTestSchema, type TestSchema } from '../support/postgres.js'
import { startRedis, type RunningRedis } from '../support/redis.js'
import { seedServices } from '../support/seed.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const BODY = { redirect_uris: ['https://rp.example.com/cb'] }
/** Six registrations, then (as good as) none for the rest of the test. */
const CAPACITY = 6
const POLICY = { rateLimits: { perService: { capacity: CAPACITY, refillPerMinute: 1 / 1440 } } }

async function waitForHealth(server: RunningServer, rateLimits: string): Promise<void> {
  let last: unknown
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await call(`${server.url}/health`)
    last = answer.json
    if (answer.status === 200 && answer.json?.rateLimits === rateLimits) return
    await sleep(100)
  }
  assert.fail(`/health never said ${rateLimits}; last: ${JSON.stringify(last)}`)
}

const warnings = (server: RunningServer) =>
  server
    .stderr()
    .split('\n')
    .filter((line) => line.includes('Redis does not answer')).length

describe('rate limit buckets shared through Redis', () => {
  let schema: TestSchema
  let redis: RunningRedis
  let servers: RunningServer[] = []
  let serviceIds: string[]

  before(async () => {
    ;[schema, redis] = await Promise.all([createTestSchema(), startRedis()])
    serviceIds = await seedServices(schema.url, [POLICY, POLICY, POLICY])
    servers = await Promise.all(
      [0, 1].map(() => startServer({ database: schema.url, env: { REDIS_URL: redis.url } })),
    )
  })
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()))
    await redis?.stop()
    await schema?.drop()
  })

  /** Registers with the service through server `index`. */
  const register = (index: number, id: string): Promise<Answer> =>
    call(`${servers[index]!.url}/${id}/register`, { body: BODY })

  /** The statuses of `count` registrations, sent to the two servers in turn. */
  async function alternate(id: string, count: number): Promise<number[]> {
    const statuses: number[] = []
    for (let i = 0; i < count; i++) statuses.push((await register(i % 2, id)).status)
    return statuses
  }

  test('the two servers spend one bucket together', async () => {
    for (const server of servers) await waitForHealth(server, 'redis')
    const statuses = await alternate(serviceIds[0]!, CAPACITY + 2)
    assert.deepEqual(statuses, [...Array(CAPACITY).fill(201), 429, 429])
    const refused = await register(0, serviceIds[0]!)
    assert.equal(refused.status, 429)
    assert.equal(refused.json.error, 'too_many_requests')
    // The refill of one a day: the next token is most of a day away.
    assert.ok(Number(refused.headers.get('retry-after')) > 80_000)
  })

  test('concurrent registrations through both servers never overspend the bucket', async () => {
    const id = serviceIds[1]!
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => register(i % 2, id)))
    const statuses = answers.map((answer) => answer.status)
    assert.equal(statuses.filter((status) => status === 201).length, CAPACITY)
    assert.equal(statuses.filter((status) => status === 429).length, 30 - CAPACITY)
  })

  test('with Redis stopped they keep serving on buckets of their own, and share again when it returns', async () => {
    const id = serviceIds[0]! // its shared bucket is empty (first test)
    assert.equal((await register(0, id)).status, 429)
    await redis.stop()
    for (const server of servers) await waitForHealth(server, 'local (redis unavailable)')
    // Each server now has a full bucket of its own: six each.
    assert.deepEqual(await alternate(id, 2 * CAPACITY), Array(2 * CAPACITY).fill(201))
    assert.equal((await register(0, id)).status, 429)
    assert.equal((await register(1, id)).status, 429)

    await redis.restart() // empty: every bucket full again
    for (const server of servers) await waitForHealth(server, 'redis')
    const statuses = await alternate(serviceIds[2]!, CAPACITY + 1)
    assert.deepEqual(statuses, [...Array(CAPACITY).fill(201), 429])
  })

  test('a Redis that stops answering is waited for no longer than the command timeout', async () => {
    const id = serviceIds[2]! // its shared bucket is empty (previous test)
    redis.pause()
    try {
      const started = performance.now()
      const answer = await register(0, id)
      // The local bucket of server 0 for this service is still full.
      assert.equal(answer.status, 201, answer.text)
      assert.ok(performance.now() - started < 5_000)
      await waitForHealth(servers[0]!, 'local (redis unavailable)')
      assert.equal((await register(0, id)).status, 201)
    } finally {
      redis.resume()
    }
    await waitForHealth(servers[0]!, 'redis')
    assert.equal((await register(0, id)).status, 429)
  })

  test('each outage is one warning in the log, however many requests came meanwhile', async () => {
    // The log is written in blocks; stopping flushes it.
    assert.deepEqual(await Promise.all(servers.map((server) => server.stop())), [0, 0])
    // Server 1 sent Redis nothing while it was paused, so it noticed only the first outage.
    assert.deepEqual(servers.map(warnings), [2, 1], servers[1]!.stderr())
  })
})

describe('a Redis that is not there at start', () => {
  test('the server starts all the same, checks buckets locally and says so', async () => {
    const schema = await createTestSchema()
    const [id] = await seedServices(schema.url, [POLICY])
    const nowhere = `redis://127.0.0.1:${await freePort()}`
    const server = await startServer({ database: schema.url, env: { REDIS_URL: nowhere } })
    try {
      const health = await call(`${server.url}/health`)
      assert.equal(health.status, 200)
      assert.deepEqual(health.json, { status: 'ok', rateLimits: 'local (redis unavailable)' })
      const statuses: number[] = []
      for (let i = 0; i <= CAPACITY; i++) {
        statuses.push((await call(`${server.url}/${id}/register`, { body: BODY })).status)
      }
      assert.deepEqual(statuses, [...Array(CAPACITY).fill(201), 429])
    } finally {
      assert.equal(await server.stop(), 0)
      await schema.drop()
    }
    assert.equal(warnings(server), 1, server.stderr())
  })
})
