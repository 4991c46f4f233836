import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOAuthError, POLICY_PRESETS, type Policy } from '../wire/index.js'
import { createEngine, MemoryStore, refusingBucketOf } from './index.js'

const BODY = { redirect_uris: ['https://rp.example.com/cb'] }

async function setUp(policy: Policy) {
  let now = Date.UTC(2026, 11, 1)
  const engine = createEngine({
    store: new MemoryStore(),
    baseUrl: 'https://dcr.example.com',
    now: () => now,
  })
  const created = await engine.createService({ serviceName: 'limited' })
  const service = await engine.replacePolicy(created.apiKey, policy)
  return {
    engine,
    service,
    advance: (seconds: number) => (now += seconds * 1000),
    register: (
      request: { body?: unknown; clientAddress?: string; initialAccessToken?: string } = {},
    ) =>
      engine.register(service, {
        json: JSON.stringify(request.body ?? BODY),
        clientAddress: request.clientAddress,
        initialAccessToken: request.initialAccessToken,
      }),
  }
}

/** Asserts a 429 with its Retry-After, and the bucket named by its description and refusingBucketOf. */
async function assertRefused(
  attempt: Promise<unknown>,
  bucket: string,
  retryAfterSeconds: number,
): Promise<void> {
  await assert.rejects(attempt, (error: unknown) => {
    assert.ok(isOAuthError(error))
    assert.equal(error.code, 'too_many_requests')
    assert.equal(error.status, 429)
    assert.deepEqual(error.headers, { 'retry-after': String(retryAfterSeconds) })
    assert.match(error.description, new RegExp(`rateLimits\\.${bucket}\\b`))
    assert.equal(refusingBucketOf(error), bucket)
    return true
  })
}

const twoThenOneAMinute = { capacity: 2, refillPerMinute: 1 }

describe('rate limits on registration (policy rateLimits)', () => {
  it('a policy without rateLimits never refuses', async () => {
    const { register } = await setUp({})
    for (let i = 0; i < 50; i++) {
      assert.equal((await register({ clientAddress: '203.0.113.7' })).action, 'CREATED')
    }
  })

  it('the mcp preset lets one shared egress network register 200 agents at once, then one every 18 seconds', async () => {
    const { register, advance } = await setUp(POLICY_PRESETS.mcp)
    const agents = Array.from({ length: 200 }, (_, i) => `198.51.100.${i % 250}`)
    for (const clientAddress of agents) {
      assert.equal((await register({ clientAddress })).action, 'CREATED')
    }
    await assertRefused(register({ clientAddress: '198.51.100.9' }), 'perNetwork', 18)
    assert.equal((await register({ clientAddress: '192.0.2.1' })).action, 'CREATED')
    advance(18)
    assert.equal((await register({ clientAddress: '198.51.100.9' })).action, 'CREATED')
  })

  it('a dry run draws from the buckets as a registration does, and answers the same 429', async () => {
    const { engine, service } = await setUp({ rateLimits: { perNetwork: twoThenOneAMinute } })
    const dryRun = () =>
      engine.register(service, {
        json: JSON.stringify(BODY),
        clientAddress: '203.0.113.7',
        dryRun: true,
      })
    assert.equal((await dryRun()).action, 'OK')
    assert.equal((await dryRun()).action, 'OK')
    await assertRefused(dryRun(), 'perNetwork', 60)
  })

  it('perNetwork counts the addresses of one /24 together, and only those', async () => {
    const { register, advance } = await setUp({ rateLimits: { perNetwork: twoThenOneAMinute } })
    assert.equal((await register({ clientAddress: '203.0.113.7' })).action, 'CREATED')
    assert.equal((await register({ clientAddress: '203.0.113.8' })).action, 'CREATED')
    await assertRefused(register({ clientAddress: '203.0.113.9' }), 'perNetwork', 60)
    assert.equal((await register({ clientAddress: '203.0.114.9' })).action, 'CREATED')
    // Without an address (the DCR API) there is no network to count.
    assert.equal((await register()).action, 'CREATED')
    advance(30)
    await assertRefused(register({ clientAddress: '203.0.113.7' }), 'perNetwork', 30)
    advance(30)
    assert.equal((await register({ clientAddress: '203.0.113.7' })).action, 'CREATED')
  })

  it('perSoftwareId counts each software_id of the body; none, none', async () => {
    const { register } = await setUp({ rateLimits: { perSoftwareId: twoThenOneAMinute } })
    const body = (software_id: unknown) => ({ body: { ...BODY, software_id } })
    for (let i = 0; i < 2; i++) assert.equal((await register(body('agent'))).action, 'CREATED')
    await assertRefused(register(body('agent')), 'perSoftwareId', 60)
    assert.equal((await register(body('other'))).action, 'CREATED')
    const long = 'x'.repeat(5000)
    for (let i = 0; i < 2; i++) assert.equal((await register(body(long))).action, 'CREATED')
    await assertRefused(register(body(long)), 'perSoftwareId', 60)
    for (let i = 0; i < 3; i++) assert.equal((await register()).action, 'CREATED')
    // A software_id that is no string is the metadata rules' to refuse, not a bucket's.
    assert.equal((await register(body(7))).action, 'BAD_REQUEST')
  })

  it('perInitialAccessToken counts each valid token; an invalid one is refused before any bucket', async () => {
    const { engine, service, register } = await setUp({
      rateLimits: { perInitialAccessToken: twoThenOneAMinute },
    })
    const first = await engine.createInitialAccessToken(service.apiKey, {})
    const second = await engine.createInitialAccessToken(service.apiKey, {})
    for (let i = 0; i < 2; i++) {
      assert.equal((await register({ initialAccessToken: first.token })).action, 'CREATED')
    }
    await assertRefused(register({ initialAccessToken: first.token }), 'perInitialAccessToken', 60)
    assert.equal((await register({ initialAccessToken: second.token })).action, 'CREATED')
    const wrong = `${first.id}.${'A'.repeat(43)}`
    assert.equal((await register({ initialAccessToken: wrong })).action, 'UNAUTHORIZED')
    assert.equal((await register()).action, 'CREATED')
  })

  it('perService counts every registration; a refusal draws from no other bucket', async () => {
    const { register, advance } = await setUp({
      rateLimits: {
        perService: { capacity: 3, refillPerMinute: 6 },
        perNetwork: twoThenOneAMinute,
      },
    })
    assert.equal((await register({ clientAddress: '198.51.100.1' })).action, 'CREATED')
    assert.equal((await register()).action, 'CREATED')
    assert.equal((await register()).action, 'CREATED')
    await assertRefused(register({ clientAddress: '198.51.100.1' }), 'perService', 10)
    advance(10)
    // The refused call took nothing from its network's bucket: one token is left there.
    assert.equal((await register({ clientAddress: '198.51.100.1' })).action, 'CREATED')
    advance(20)
    await assertRefused(register({ clientAddress: '198.51.100.1' }), 'perNetwork', 30)
  })

  it('a registration refused for its metadata still counts: a bucket counts attempts', async () => {
    const { register } = await setUp({ rateLimits: { perNetwork: twoThenOneAMinute } })
    const bad = {
      body: { redirect_uris: ['https://rp.example.com/cb#fragment'] },
      clientAddress: '::1',
    }
    assert.equal((await register(bad)).action, 'BAD_REQUEST')
    assert.equal((await register(bad)).action, 'BAD_REQUEST')
    await assertRefused(register({ clientAddress: '::1' }), 'perNetwork', 60)
  })

  it('reports where buckets are kept', async () => {
    const { engine } = await setUp({})
    assert.equal(engine.rateLimitMode(), 'local')
  })
})
