/**
 * The probation tier across the whole server (policy.probation, issue 12): an anonymous
 * client registered under it gets a secret that expires with it (RFC 7591 §3.2.1), works
 * until its lifetime is up, then is unknown to RFC 7592 and to the client API. Two real
 * servers share one SQLite file: the second runs its clock past the expiry
 * (support/clock-offset.mjs), so nothing waits for a minute to pass, and its first sweep
 * (a minute after start) comes after the test: what is seen is the read-time check.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { Api, assertNoStore, call, type Answer } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const LIFETIME = 60
const CLOCK_OFFSET = LIFETIME * 2
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`
const CLOCK = new URL('../support/clock-offset.mjs', import.meta.url).href

let folder: string
const servers: RunningServer[] = []

async function serve(database: string, clockOffsetSeconds = 0): Promise<RunningServer> {
  const nodeOptions = [process.env['NODE_OPTIONS'], `--import=${CLOCK}`]
  const server = await startServer({
    database,
    adminToken: ADMIN_TOKEN,
    env: {
      NODE_OPTIONS: nodeOptions.filter(Boolean).join(' '),
      TEST_CLOCK_OFFSET_SECONDS: String(clockOffsetSeconds),
    },
  })
  servers.push(server)
  return server
}

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-probation-'))
})

after(async () => {
  for (const server of servers) await server.stop()
  await rm(folder, { recursive: true, force: true })
})

/** What the server answers for the client: RFC 7592 read, and the client API's get. */
function reads(url: string, serviceId: string, clientId: string, token: string) {
  return Promise.all([
    call(`${url}/${serviceId}/register/${clientId}`, { token }),
    new Api(url, ADMIN_TOKEN).call(`/api/${serviceId}/client/get/${clientId}`),
  ])
}

/** The same answer, with the client id in the message put aside. */
function assertSameAnswer(answer: Answer, unknown: Answer, clientId: string, unknownId: string) {
  assert.equal(answer.status, unknown.status, answer.text)
  assert.equal(answer.headers.get('www-authenticate'), unknown.headers.get('www-authenticate'))
  assert.equal(answer.text.replaceAll(clientId, unknownId), unknown.text)
}

test('an anonymous client on probation works until its lifetime is up, then is unknown (RFC 7592 §2.1)', async () => {
  const database = join(folder, 'registrar.db')
  const first = await serve(database)
  const api = new Api(first.url, ADMIN_TOKEN)
  // A secret that never expires (clientSecretLifetime 0) is given the client's expiry.
  const serviceId = await api.createService({ clientSecretLifetime: 0 })
  const policy = await api.call(`/api/${serviceId}/service/policy`, {
    body: { probation: { lifetimeSeconds: LIFETIME, scopes: ['mcp'] } },
  })
  assert.equal(policy.status, 200, policy.text)

  const before = Math.floor(Date.now() / 1000)
  const registered = await call(`${first.url}/${serviceId}/register`, {
    body: { client_name: 'agent', redirect_uris: ['http://127.0.0.1:33418/cb'] },
  })
  const registeredBy = Math.floor(Date.now() / 1000)
  assert.equal(registered.status, 201, registered.text)
  const client = registered.json
  assert.equal(client.scope, 'mcp')
  assert.ok(client.client_secret)
  assert.ok(client.client_secret_expires_at >= before + LIFETIME, registered.text)
  assert.ok(client.client_secret_expires_at <= registeredBy + LIFETIME, registered.text)

  const token = client.registration_access_token
  const [read, got] = await reads(first.url, serviceId, client.client_id, token)
  assert.equal(read.status, 200, read.text)
  assert.equal(read.json.client_secret_expires_at, client.client_secret_expires_at)
  assert.equal(got.status, 200, got.text)
  await first.stop()

  const later = await serve(database, CLOCK_OFFSET)
  const unknownId = '10000000000001'
  const [expiredRead, expiredGet] = await reads(later.url, serviceId, client.client_id, token)
  const [unknownRead, unknownGet] = await reads(later.url, serviceId, unknownId, token)
  assert.equal(expiredRead.status, 401)
  assert.equal(expiredRead.json.error, 'invalid_token')
  assertNoStore(expiredRead)
  assertSameAnswer(expiredRead, unknownRead, client.client_id, unknownId)
  assert.equal(expiredGet.status, 404)
  assertSameAnswer(expiredGet, unknownGet, client.client_id, unknownId)
  const list = await new Api(later.url, ADMIN_TOKEN).call(`/api/${serviceId}/client/get/list`)
  assert.equal(list.status, 200, list.text)
  assert.equal(list.json.totalCount, 0)
})
