/**
 * The audit history as an operator meets it, on SQLite and PostgreSQL: the events of every
 * change, failed authentication, rejection and management read (not RFC 7592 reads) with
 * actor, request id and source; paging and filters; versions and a rollback; erasure; and
 * `registrar audit verify` finding an edited and a deleted row in the real database.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql, type Kysely } from 'kysely'
import { connect, type Database } from '../../src/store/index.js'
import { Api, call } from '../support/http.js'
import { TEST_DATABASES } from '../support/databases.js'
import { MAIN, serverEnv, startServer, type RunningServer } from '../support/start-server.js'

/** An event as the API answers it, loosely typed for the assertions. */
interface AuditEvent {
  number: number
  kind: string
  actor: string
  clientId?: number
  requestId: string
  erased: boolean
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  detail: Record<string, any>
}

/** Runs the CLI; resolves its exit code and output. */
function cli(args: string[], server: RunningServer): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args, '--url', server.url, '--token', server.adminToken],
      { env: serverEnv(), timeout: 60_000 },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout }),
    )
  })
}

/** Waits until the sealer has sealed every event (it runs every second). */
async function sealed(api: Api): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    const verification = (await api.call('/api/audit/verify')).json
    if (verification.unsealed === 0 || attempt > 50) return verification
    await sleep(100)
  }
}

for (const backend of TEST_DATABASES) {
  describe(`the audit history on ${backend.name}`, () => {
    test('records who did what from where, pages it, rolls back, erases and verifies', async () => {
      const { url, drop } = await backend.create()
      const server = await startServer({ database: url })
      const { db } = await connect(url)
      try {
        await exercise(server, db)
      } finally {
        await server.stop()
        await db.destroy()
        await drop()
      }
    })
  })
}

async function exercise(server: RunningServer, db: Kysely<Database>): Promise<void> {
  const admin = new Api(server.url, server.adminToken)
  const serviceId = await admin.createService()
  const otherServiceId = await admin.createService()
  const serviceToken = (await admin.call(`/api/${serviceId}/token/create`, { body: {} })).json
  const otherToken = (await admin.call(`/api/${otherServiceId}/token/create`, { body: {} })).json

  // RFC 7591 registration, RFC 7592 read (no event), update and a wrong token.
  const registered = await call(`${server.url}/${serviceId}/register`, {
    // A name that looks masked: a rollback must still restore it (only secrets are masked).
    body: { client_name: 'first ********', redirect_uris: ['https://app.example.com/cb'] },
    headers: { 'x-request-id': 'create-1' },
  })
  assert.equal(registered.status, 201)
  const { client_id: clientId, registration_access_token: token } = registered.json
  const configure = `${server.url}/${serviceId}/register/${clientId}`
  assert.equal((await call(configure, { token })).status, 200)
  const updated = await call(configure, {
    method: 'PUT',
    token,
    body: {
      client_id: clientId,
      client_name: 'second',
      redirect_uris: ['https://app.example.com/cb2'],
    },
  })
  assert.equal(updated.status, 200)
  assert.equal((await call(configure, { token: 'not-the-token' })).status, 401)
  const rejected = await call(`${server.url}/${serviceId}/register`, {
    body: { redirect_uris: ['javascript:alert(1)'] },
  })
  assert.equal(rejected.status, 400)
  // Management: a read by a service token, and a bad bearer token on the service's path.
  const byToken = new Api(server.url, serviceToken.token)
  assert.equal((await byToken.call(`/api/${serviceId}/client/get/${clientId}`)).status, 200)
  assert.equal(
    (await call(`${server.url}/api/${serviceId}/client/get/${clientId}`, { token: 'nope' })).status,
    401,
  )

  const events = (await admin.call(`/api/${serviceId}/audit`)).json.events as AuditEvent[]
  assert.deepEqual(
    events.map((event) => [event.kind, event.actor]),
    [
      ['authentication.failed', 'anonymous'],
      ['client.read', `service_token:${serviceToken.id}`],
      ['registration.rejected', 'anonymous'],
      ['authentication.failed', 'anonymous'],
      ['client.updated', `registration_access_token:${clientId}`],
      ['client.created', 'anonymous'],
    ],
    'newest first; the RFC 7592 read is not an event',
  )
  const created = events.at(-1)!
  assert.equal(created.requestId, 'create-1', "the request's own X-Request-Id")
  assert.equal(created.detail.source, '127.0.0.1')
  assert.equal(created.detail.version, 1)
  assert.equal(created.clientId, Number(clientId))
  assert.deepEqual(events[4]!.detail.diff.client_name, { from: 'first ********', to: 'second' })
  assert.equal(events[2]!.detail.rule, 'redirectUriSchemeIsNotDangerous')
  for (const event of events) assert.match(event.requestId, /./)

  // Filters and pages.
  const kinds = await admin.call(`/api/${serviceId}/audit?kind=client.created,client.updated`)
  assert.deepEqual(
    kinds.json.events.map((event: AuditEvent) => event.kind),
    ['client.updated', 'client.created'],
  )
  const first = (await admin.call(`/api/${serviceId}/audit?limit=4`)).json
  assert.equal(first.events.length, 4)
  const second = (await admin.call(`/api/${serviceId}/audit?limit=4&before=${first.next}`)).json
  assert.deepEqual(
    [...first.events, ...second.events].map((event: AuditEvent) => event.number),
    events.map((event) => event.number),
  )
  assert.equal(second.next, undefined)
  assert.equal((await admin.call(`/api/${serviceId}/audit?kind=nonsense`)).status, 400)
  // Another service's token sees nothing of this service.
  assert.equal(
    (await new Api(server.url, otherToken.token).call(`/api/${serviceId}/audit`)).status,
    403,
  )

  // Versions and a rollback through the CLI.
  const versions = await cli(['client', 'versions', serviceId, clientId, '--json'], server)
  assert.equal(versions.code, 0)
  assert.deepEqual(
    JSON.parse(versions.stdout).versions.map((version: { version: number }) => version.version),
    [2, 1],
  )
  const rollback = await cli(['client', 'rollback', serviceId, clientId, '--version', '1'], server)
  assert.equal(rollback.code, 0, rollback.stdout)
  const reread = await call(configure, { token })
  assert.equal(reread.json.client_name, 'first ********')
  assert.deepEqual(reread.json.redirect_uris, ['https://app.example.com/cb'])
  assert.equal(reread.json.client_secret, registered.json.client_secret, 'the secret stays')
  assert.equal(
    (await admin.call(`/api/${serviceId}/client/rollback/${clientId}`, { body: { version: 99 } }))
      .status,
    400,
  )

  // Erasure: the client's events lose their detail, the chain still verifies.
  const erased = await cli(['audit', 'erase', serviceId, clientId, '--json'], server)
  assert.equal(erased.code, 0)
  assert.ok(JSON.parse(erased.stdout).erased >= 4)
  const afterErasure = (await admin.call(`/api/${serviceId}/audit?clientId=${clientId}`)).json
    .events
  assert.equal(afterErasure[0].kind, 'client.erased')
  for (const event of afterErasure.slice(1)) {
    assert.equal(event.erased, true)
    assert.deepEqual(event.detail, {})
  }
  const whole = await sealed(admin)
  assert.deepEqual(whole.problems, [])
  const head = whole.head as { seq: number; hash: string }
  const verified = await cli(['audit', 'verify', '--head', `${head.seq}:${head.hash}`], server)
  assert.equal(verified.code, 0, verified.stdout)
  assert.match(verified.stdout, /the audit chain is whole/)

  // An edited row, then a deleted one, straight in the database.
  await sql`update audit_events set actor = 'admin' where seq = 2`.execute(db)
  const edited = await cli(['audit', 'verify', '--json'], server)
  assert.equal(edited.code, 1)
  assert.match(edited.stdout, /at seq 2 was altered/)
  await sql`delete from audit_events where seq = 4`.execute(db)
  const deleted = await cli(['audit', 'verify'], server)
  assert.equal(deleted.code, 1)
  assert.match(deleted.stdout, /events at seq 4 are missing/)
  assert.match(deleted.stdout, /the audit chain is broken/)
}

test('with --audit off nothing is recorded and the history says so', async () => {
  const server = await startServer({ args: ['--audit', 'off'] })
  try {
    const admin = new Api(server.url, server.adminToken)
    const serviceId = await admin.createService()
    const registered = await call(`${server.url}/${serviceId}/register`, {
      body: { redirect_uris: ['https://app.example.com/cb'] },
    })
    assert.equal(registered.status, 201)
    const history = await admin.call(`/api/${serviceId}/audit`)
    assert.equal(history.status, 400)
    assert.match(history.text, /the audit history is off/)
    assert.equal((await admin.call('/api/audit/verify')).status, 400)
  } finally {
    await server.stop()
  }
})
