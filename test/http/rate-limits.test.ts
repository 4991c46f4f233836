/**
 * Rate limits (policy rateLimits) through the real server: each bucket, the 429 answer on
 * the registration endpoint and under /api/, and X-Forwarded-For believed only from a
 * proxy --trust-proxy names (CONTRACT.md §1c, "Bad input").
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Api, assertNoStore, call, type Answer } from '../support/http.js'
import { seedServices } from '../support/seed.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const BODY = { redirect_uris: ['https://rp.example.com/cb'] }
/** Two at once, then one a minute. */
const TWO = { capacity: 2, refillPerMinute: 1 }

function assertTooManyRequests(answer: Answer, bucket: string): void {
  assert.equal(answer.status, 429, answer.text)
  assertNoStore(answer)
  const retryAfter = answer.headers.get('retry-after')
  assert.match(retryAfter ?? '', /^[1-9][0-9]*$/)
  assert.ok(Number(retryAfter) <= 60, `Retry-After ${retryAfter}`)
  assert.deepEqual(Object.keys(answer.json).sort(), ['error', 'error_description'])
  assert.equal(answer.json.error, 'too_many_requests')
  assert.match(answer.json.error_description, new RegExp(`rateLimits\\.${bucket}\\b`))
}

describe('rate limits through the registration endpoint and the DCR API', () => {
  let folder: string
  let server: RunningServer
  let api: Api
  let ids: Record<'network' | 'software' | 'token' | 'service', string>

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-rate-'))
    const database = join(folder, 'registrar.db')
    const [network, software, token, service] = await seedServices(database, [
      { rateLimits: { perNetwork: TWO } },
      { rateLimits: { perSoftwareId: TWO } },
      { rateLimits: { perInitialAccessToken: TWO } },
      { rateLimits: { perService: { capacity: 3, refillPerMinute: 1 } } },
    ])
    ids = { network: network!, software: software!, token: token!, service: service! }
    server = await startServer({ database, args: ['--trust-proxy', '127.0.0.1,::1'] })
    api = new Api(server.url, server.adminToken)
  })
  after(async () => {
    await server?.stop()
    await rm(folder, { recursive: true, force: true })
  })

  const register = (
    id: string,
    options: { from?: string; body?: unknown; token?: string } = {},
  ): Promise<Answer> =>
    call(`${server.url}/${id}/register`, {
      body: options.body ?? BODY,
      token: options.token,
      headers: options.from ? { 'x-forwarded-for': options.from } : {},
    })

  test('perNetwork: the addresses of one /24 share a bucket; another network has its own', async () => {
    assert.equal((await register(ids.network, { from: '203.0.113.7' })).status, 201)
    assert.equal((await register(ids.network, { from: '203.0.113.200' })).status, 201)
    assertTooManyRequests(await register(ids.network, { from: '203.0.113.9' }), 'perNetwork')
    assert.equal((await register(ids.network, { from: '198.51.100.7' })).status, 201)
    // The client is the address the trusted proxy appended last.
    const chain = '203.0.113.9, 192.0.2.44'
    assert.equal((await register(ids.network, { from: chain })).status, 201)
    assert.equal((await register(ids.network, { from: '2001:db8:1:2ff::1' })).status, 201)
    assert.equal((await register(ids.network, { from: '2001:db8:1:200::2' })).status, 201)
    assertTooManyRequests(await register(ids.network, { from: '2001:db8:1:2aa::3' }), 'perNetwork')
  })

  test('perNetwork does not apply to the DCR API, whose caller is the authorization server', async () => {
    for (let i = 0; i < 4; i++) {
      const answer = await api.call(`/api/${ids.network}/client/registration`, {
        body: { json: JSON.stringify(BODY) },
      })
      assert.equal(answer.status, 200, answer.text)
      assert.equal(answer.json.action, 'CREATED')
    }
  })

  test('perSoftwareId: each software_id of the body has a bucket, through both surfaces', async () => {
    const agent = { ...BODY, software_id: 'agent-of-many-users' }
    assert.equal((await register(ids.software, { body: agent, from: '192.0.2.1' })).status, 201)
    assert.equal((await register(ids.software, { body: agent, from: '192.0.2.2' })).status, 201)
    assertTooManyRequests(
      await register(ids.software, { body: agent, from: '198.51.100.3' }),
      'perSoftwareId',
    )
    const viaApi = await api.call(`/api/${ids.software}/client/registration`, {
      body: { json: JSON.stringify(agent) },
    })
    assert.equal(viaApi.status, 429, viaApi.text)
    assert.match(viaApi.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/)
    assert.equal(
      (await register(ids.software, { body: { ...BODY, software_id: 'other' } })).status,
      201,
    )
    for (let i = 0; i < 3; i++) assert.equal((await register(ids.software)).status, 201)
  })

  test('perInitialAccessToken: each token has a bucket of its own', async () => {
    const mint = async () => {
      const answer = await api.call(`/api/${ids.token}/initial_access_token/create`, { body: {} })
      assert.equal(answer.status, 200, answer.text)
      return answer.json.token as string
    }
    const first = await mint()
    const second = await mint()
    assert.equal((await register(ids.token, { token: first })).status, 201)
    assert.equal((await register(ids.token, { token: first, from: '192.0.2.9' })).status, 201)
    assertTooManyRequests(await register(ids.token, { token: first }), 'perInitialAccessToken')
    assert.equal((await register(ids.token, { token: second })).status, 201)
    assert.equal((await register(ids.token)).status, 201)
  })

  test('perService: one bucket for the endpoint and the DCR API together; the API answers a 429 result error', async () => {
    assert.equal((await register(ids.service, { from: '192.0.2.1' })).status, 201)
    assert.equal((await register(ids.service, { from: '198.51.100.1' })).status, 201)
    const created = await api.call(`/api/${ids.service}/client/registration`, {
      body: { json: JSON.stringify(BODY) },
    })
    assert.equal(created.json.action, 'CREATED')
    assertTooManyRequests(await register(ids.service, { from: '203.0.113.1' }), 'perService')
    const refused = await api.call(`/api/${ids.service}/client/registration`, {
      body: { json: JSON.stringify(BODY) },
    })
    assert.equal(refused.status, 429, refused.text)
    assertNoStore(refused)
    assert.deepEqual(Object.keys(refused.json).sort(), ['resultCode', 'resultMessage'])
    assert.match(refused.json.resultMessage, /rateLimits\.perService/)
    assert.match(refused.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/)
    // Reading, updating and deleting clients are not registrations.
    const client = created.json.client
    const read = await api.call(`/api/${ids.service}/client/get/${client.clientId}`)
    assert.equal(read.status, 200, read.text)
  })

  test('a 429 carries CORS and Retry-After to browser clients too', async () => {
    const answer = await call(`${server.url}/${ids.service}/register`, {
      body: BODY,
      headers: { origin: 'https://app.example.com' },
    })
    assertTooManyRequests(answer, 'perService')
    assert.equal(answer.headers.get('access-control-allow-origin'), '*')
  })
})

describe('X-Forwarded-For without --trust-proxy', () => {
  let folder: string
  let server: RunningServer
  let id: string

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-rate-'))
    const database = join(folder, 'registrar.db')
    ;[id] = (await seedServices(database, [{ rateLimits: { perNetwork: TWO } }])) as [string]
    server = await startServer({ database })
  })
  after(async () => {
    await server?.stop()
    await rm(folder, { recursive: true, force: true })
  })

  test('is ignored: the client is the socket peer, whatever the header says', async () => {
    const from = (address: string) =>
      call(`${server.url}/${id}/register`, { body: BODY, headers: { 'x-forwarded-for': address } })
    assert.equal((await from('192.0.2.1')).status, 201)
    assert.equal((await from('198.51.100.1')).status, 201)
    assertTooManyRequests(await from('203.0.113.1'), 'perNetwork')
  })
})
