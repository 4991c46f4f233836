/**
 * Client caps (CONTRACT.md, Bad input: a cap answers 400) through the real server: 50
 * registrations at once against each cap land exactly the cap's number, a deleted client
 * makes room for one more. The policy is written to the database directly, before the
 * server first reads the service.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Policy } from '../../../src/wire/index.js'
import { openStore } from '../../../src/store/index.js'
import { call, type Answer } from '../../support/http.js'
import { testStoreOptions } from '../../support/postgres.js'
import type { Context } from './registration-endpoints.js'

export type CapsContext = () => ReturnType<Context> & { databaseUrl: string }

const CLIENT = { redirect_uris: ['https://app.example/cb'] }

/** Sets the policy of service `id` in the server's database, as another node would. */
async function setPolicy(databaseUrl: string, id: string, policy: Policy): Promise<void> {
  const store = await openStore(databaseUrl, testStoreOptions(databaseUrl))
  try {
    const service = await store.getService(Number(id))
    assert.ok(await store.updateService({ ...service!, policy }))
  } finally {
    await store.close()
  }
}

export function clientCapTests(context: CapsContext): void {
  describe('client caps', () => {
    async function setUp(policy: Policy, settings: Record<string, unknown> = {}) {
      const { api, server, databaseUrl } = context()
      const id = await api.createService(settings)
      await setPolicy(databaseUrl, id, policy)
      const register = (body: object = CLIENT, token?: string) =>
        call(`${server.url}/${id}/register`, { body, token })
      const stored = async () =>
        (await api.call(`/api/${id}/client/get/list`)).json.totalCount as number
      return { id, api, register, stored }
    }

    /** 50 registrations at once: exactly `limit` 201s, the rest the cap's 400. */
    async function registerAtOnce(
      register: () => Promise<Answer>,
      limit: number,
      description: RegExp,
    ): Promise<Answer[]> {
      const answers = await Promise.all(Array.from({ length: 50 }, register))
      const created = answers.filter((answer) => answer.status === 201)
      const refused = answers.filter((answer) => answer.status !== 201)
      assert.equal(created.length, limit)
      for (const answer of refused) {
        assert.equal(answer.status, 400, answer.text)
        assert.equal(answer.json.error, 'invalid_client_metadata')
        assert.match(answer.json.error_description, description)
      }
      return created
    }

    /** Deletes one client with its registration access token (RFC 7592 §2.3). */
    async function deleteOne(created: Answer): Promise<void> {
      const { registration_client_uri: uri, registration_access_token: token } = created.json
      assert.equal((await call(uri, { method: 'DELETE', token })).status, 204)
    }

    test('policy.maxClients: of 50 registrations at once exactly 10 land; a delete makes room for one', async () => {
      const { id, api, register, stored } = await setUp({ maxClients: 10 })
      const message = /^this service holds its maximum of 10 clients \(policy\.maxClients\)$/
      const created = await registerAtOnce(() => register(), 10, message)
      assert.equal(await stored(), 10)
      await deleteOne(created[0])
      assert.equal((await register()).status, 201)
      const over = await register()
      assert.equal(over.status, 400)
      assert.match(over.json.error_description, message)
      assert.equal(await stored(), 10)

      // The DCR API answers the same refusal; client/create a 400 result error.
      const dcr = await api.call(`/api/${id}/client/registration`, {
        body: { json: JSON.stringify(CLIENT) },
      })
      assert.equal(dcr.status, 200, dcr.text)
      assert.equal(dcr.json.action, 'BAD_REQUEST')
      assert.deepEqual(JSON.parse(dcr.json.responseContent), over.json)
      const managed = await api.call(`/api/${id}/client/create`, {
        body: { redirectUris: CLIENT.redirect_uris },
      })
      assert.equal(managed.status, 400, managed.text)
      assert.match(managed.json.resultMessage, /policy\.maxClients/)
    })

    test('policy.maxClientsPerSoftwareId: one software_id gets 3 of 50; others still register', async () => {
      const { register, stored } = await setUp({ maxClientsPerSoftwareId: 3 })
      const capped = { ...CLIENT, software_id: 'sw-capped' }
      const created = await registerAtOnce(
        () => register(capped),
        3,
        /^software_id sw-capped has its maximum of 3 clients \(policy\.maxClientsPerSoftwareId\)$/,
      )
      assert.equal((await register({ ...CLIENT, software_id: 'sw-other' })).status, 201)
      assert.equal((await register()).status, 201)
      await deleteOne(created[0])
      assert.equal((await register(capped)).status, 201)
      assert.equal((await register(capped)).status, 400)
      assert.equal(await stored(), 5)
    })

    test('policy.maxClientsPerInitialAccessToken: one token registers 5 of 50', async () => {
      const { id, api, register, stored } = await setUp({ maxClientsPerInitialAccessToken: 5 })
      const mint = async () =>
        (await api.call(`/api/${id}/initial_access_token/create`, { body: {} })).json
          .token as string
      const token = await mint()
      const created = await registerAtOnce(
        () => register(CLIENT, token),
        5,
        /maximum of 5 clients \(policy\.maxClientsPerInitialAccessToken\)$/,
      )
      assert.equal((await register(CLIENT, await mint())).status, 201)
      assert.equal((await register()).status, 201)
      await deleteOne(created[0])
      assert.equal((await register(CLIENT, token)).status, 201)
      assert.equal((await register(CLIENT, token)).status, 400)
      assert.equal(await stored(), 7)
    })

    test('clientsPerDeveloper: registered clients, developer authlete_<id>, stop at 10 of 50', async () => {
      const { id, api, register, stored } = await setUp({}, { clientsPerDeveloper: 10 })
      const created = await registerAtOnce(
        () => register(),
        10,
        new RegExp(`^developer authlete_${id} has its maximum of 10 clients`),
      )
      assert.equal(await stored(), 10)
      // A client of another developer, through the API, is not counted with them.
      const managed = await api.call(`/api/${id}/client/create`, {
        body: { redirectUris: CLIENT.redirect_uris, developer: 'alice' },
      })
      assert.equal(managed.status, 200, managed.text)
      await deleteOne(created[0])
      assert.equal((await register()).status, 201)
      assert.equal((await register()).status, 400)
    })
  })
}
