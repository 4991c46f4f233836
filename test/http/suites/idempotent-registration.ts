/**
 * Registration with an `Idempotency-Key` (CONTRACT.md §1c; draft-ietf-httpapi-idempotency-
 * key-header §2) as a client sees it, on one node and on two sharing the database.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import { assertNoStore, call, type Answer, type Api } from '../../support/http.js'
import { startServer, type RunningServer } from '../../support/start-server.js'

export type Context = () => { server: RunningServer; api: Api; databaseUrl: string }

const WEB_CLIENT = { client_name: 'web app', redirect_uris: ['https://app.example/cb'] }
/** How long the second node remembers a key: short, so the test can outwait it. */
const BRIEF_WINDOW_SECONDS = 1

export function idempotentRegistrationTests(context: Context): void {
  describe('idempotent registration (Idempotency-Key)', () => {
    let serviceId: string
    /** Another node on the same database, remembering keys for a second only. */
    let brief: RunningServer
    before(async () => {
      serviceId = await context().api.createService()
      // Nodes on one database share its admin token: each start stores the hash of its own.
      brief = await startServer({
        database: context().databaseUrl,
        adminToken: context().server.adminToken,
        args: ['--idempotency-window', String(BRIEF_WINDOW_SECONDS)],
      })
    })
    after(async () => {
      await brief?.stop()
    })

    const endpointOf = (server: RunningServer, service = serviceId) =>
      `${server.url}/${service}/register`
    const register = (
      key: string | undefined,
      body: unknown = WEB_CLIENT,
      options: { server?: RunningServer; service?: string; token?: string } = {},
    ) =>
      call(endpointOf(options.server ?? context().server, options.service), {
        body,
        token: options.token,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      })
    const clientCount = async (service = serviceId) => {
      const list = await context().api.call(`/api/${service}/client/get/list?end=1000`)
      assert.equal(list.status, 200, list.text)
      return list.json.totalCount as number
    }
    const readWith = (answer: Answer) =>
      call(answer.json.registration_client_uri, { token: answer.json.registration_access_token })

    test('a repeat answers the same client, 201, and both answers’ tokens read it (RFC 7592 §2.1)', async () => {
      const key = `"${randomUUID()}"`
      const before = await clientCount()
      const first = await register(key)
      assert.equal(first.status, 201, first.text)
      const again = await register(key)
      assert.equal(again.status, 201, again.text)
      assertNoStore(again)
      for (const member of ['client_id', 'client_secret', 'client_id_issued_at', 'client_name']) {
        assert.deepEqual(again.json[member], first.json[member], member)
      }
      assert.deepEqual(again.json, first.json)
      assert.equal(await clientCount(), before + 1)
      for (const answer of [first, again]) {
        const read = await readWith(answer)
        assert.equal(read.status, 200, read.text)
        assert.equal(read.json.client_id, first.json.client_id)
      }
    })

    test('a key without quotes is the same key; member order and spacing make the same body', async () => {
      const key = randomUUID()
      const first = await register(`"${key}"`)
      const again = await register(
        key,
        '{ "redirect_uris": ["https://app.example/cb"], "client_name": "web app" }',
      )
      assert.equal(again.status, 201, again.text)
      assert.equal(again.json.client_id, first.json.client_id)
    })

    test('the same key with another body is 422 and stores nothing (draft §2.7)', async () => {
      const key = randomUUID()
      const first = await register(key)
      const before = await clientCount()
      const other = await register(key, { ...WEB_CLIENT, client_name: 'another app' })
      assert.equal(other.status, 422, other.text)
      assertNoStore(other)
      assert.equal(other.json.error, 'invalid_request')
      assert.match(other.json.error_description, /Idempotency-Key/)
      assert.equal(await clientCount(), before)
      assert.equal((await register(key)).json.client_id, first.json.client_id)
    })

    test('the same key and body with another initial access token is 422: nobody else repeats a registration', async () => {
      const { api } = context()
      const create = () =>
        api.call(`/api/${serviceId}/initial_access_token/create`, { body: { maxUses: 1 } })
      const [mine, theirs] = [(await create()).json.token, (await create()).json.token]
      const key = randomUUID()
      const first = await register(key, WEB_CLIENT, { token: mine })
      assert.equal(first.status, 201, first.text)
      assert.equal((await register(key, WEB_CLIENT, { token: theirs })).status, 422)
      assert.equal((await register(key)).status, 422)
      // The spent single-use token still repeats its own registration.
      const again = await register(key, WEB_CLIENT, { token: mine })
      assert.equal(again.status, 201, again.text)
      assert.equal(again.json.client_id, first.json.client_id)
    })

    test('a malformed key is 400 invalid_request, and nothing is registered', async () => {
      const before = await clientCount()
      for (const key of [
        '',
        '""',
        'two words',
        '"unterminated',
        `"${'k'.repeat(256)}"`,
        '"a", "b"',
      ]) {
        const answer = await register(key)
        assert.equal(answer.status, 400, `${JSON.stringify(key)}: ${answer.text}`)
        assertNoStore(answer)
        assert.equal(answer.json.error, 'invalid_request')
      }
      // Two header fields (the draft allows one) arrive joined.
      const headers = new Headers({ 'content-type': 'application/json' })
      headers.append('idempotency-key', randomUUID())
      headers.append('idempotency-key', randomUUID())
      const twice = await fetch(endpointOf(context().server), {
        method: 'POST',
        headers,
        body: JSON.stringify(WEB_CLIENT),
      })
      assert.equal(twice.status, 400)
      assert.equal(await clientCount(), before)
    })

    test('a failed registration is not remembered: the corrected request registers with the key', async () => {
      const key = randomUUID()
      const failed = await register(key, { redirect_uris: ['https://app.example/cb#fragment'] })
      assert.equal(failed.status, 400)
      assert.equal(failed.json.error, 'invalid_redirect_uri')
      const corrected = await register(key)
      assert.equal(corrected.status, 201, corrected.text)
    })

    test('20 requests with one key at once register one client', async () => {
      const service = await context().api.createService()
      const key = randomUUID()
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => register(key, WEB_CLIENT, { service })),
      )
      for (const answer of answers) assert.ok([201, 409].includes(answer.status), answer.text)
      const created = answers.filter((answer) => answer.status === 201)
      assert.ok(created.length > 0)
      assert.equal(new Set(created.map((answer) => answer.json.client_id)).size, 1)
      assert.equal(await clientCount(service), 1)
    })

    test('requests with one key at once on two nodes register one client', async () => {
      const service = await context().api.createService()
      const key = randomUUID()
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          register(key, WEB_CLIENT, { service, server: index % 2 ? brief : context().server }),
        ),
      )
      const created = answers.filter((answer) => answer.status === 201)
      assert.ok(created.length > 0)
      assert.equal(new Set(created.map((answer) => answer.json.client_id)).size, 1)
      assert.equal(await clientCount(service), 1)
    })

    test('keys are per service: one key registers a client in each', async () => {
      const other = await context().api.createService()
      const key = randomUUID()
      const here = await register(key)
      const there = await register(key, WEB_CLIENT, { service: other })
      assert.equal(there.status, 201, there.text)
      assert.notEqual(there.json.client_id, here.json.client_id)
      assert.equal(await clientCount(other), 1)
    })

    test('after the window the key is forgotten: the same request registers another client', async () => {
      const key = randomUUID()
      const first = await register(key, WEB_CLIENT, { server: brief })
      assert.equal(first.status, 201, first.text)
      await sleep(BRIEF_WINDOW_SECONDS * 1000 + 200)
      const later = await register(key, WEB_CLIENT, { server: brief })
      assert.equal(later.status, 201, later.text)
      assert.notEqual(later.json.client_id, first.json.client_id)
      assert.equal((await readWith(first)).status, 200)
      assert.equal((await readWith(later)).status, 200)
    })

    test('without the header nothing changes: the same request twice registers two clients', async () => {
      const first = await register(undefined)
      const second = await register(undefined)
      assert.equal(second.status, 201)
      assert.notEqual(second.json.client_id, first.json.client_id)
    })
  })
}
