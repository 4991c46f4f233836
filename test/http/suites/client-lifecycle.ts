/**
 * Soft deletion, restore and the orphan report through the real server (README,
 * Lifecycle): a deleted client is unknown to every endpoint at once (CONTRACT.md §2,
 * RFC 7592 §2.3) and comes back, within the service's clientRestoreWindow, with the
 * secret and registration access token it had. Reaping runs on a timer and is tested
 * with an injected clock (src/engine/client-lifecycle.test.ts).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const CLIENT = { client_name: 'agent', redirect_uris: ['https://app.example/cb'] }

export function clientLifecycleTests(context: Context): void {
  describe('client lifecycle', () => {
    async function setUp(settings: Record<string, unknown> = {}) {
      const { api, server } = context()
      const id = await api.createService(settings)
      const register = async (body: object = CLIENT) => {
        const answer = await call(`${server.url}/${id}/register`, { body })
        assert.equal(answer.status, 201, answer.text)
        return answer.json as Record<string, string>
      }
      const configuration = (client: Record<string, string>, method = 'GET') =>
        call(client.registration_client_uri, { method, token: client.registration_access_token })
      const authenticate = (client: Record<string, string>) =>
        api.call(`/api/${id}/client/authenticate`, {
          body: { client_id: client.client_id, client_secret: client.client_secret },
        })
      const restore = (clientId: string) =>
        api.call(`/api/${id}/client/restore/${clientId}`, { method: 'POST' })
      return { id, api, register, configuration, authenticate, restore }
    }

    test('a deleted client is unknown at once, and restores with its secret and token', async () => {
      const { id, api, register, configuration, authenticate, restore } = await setUp()
      const client = await register()
      assert.equal((await configuration(client, 'DELETE')).status, 204)
      const read = await configuration(client)
      assert.equal(read.status, 401)
      assert.equal(read.json.error, 'invalid_token')
      assert.equal((await api.call(`/api/${id}/client/get/${client.client_id}`)).status, 404)
      assert.equal((await authenticate(client)).status, 401)
      const list = await api.call(`/api/${id}/client/get/list`)
      assert.equal(list.json.totalCount, 0)

      const restored = await restore(client.client_id)
      assert.equal(restored.status, 200, restored.text)
      assert.equal(String(restored.json.clientId), client.client_id)
      const again = await configuration(client)
      assert.equal(again.status, 200, again.text)
      assert.equal(again.json.client_secret, client.client_secret)
      assert.equal((await authenticate(client)).status, 200)
      const audit = await api.call(`/api/${id}/audit?kind=client.restored`)
      assert.equal(audit.json.events.length, 1, audit.text)
    })

    test('a restore answers 404 for a live client, an unknown one, and with no restore window', async () => {
      const live = await setUp()
      const client = await live.register()
      for (const clientId of [client.client_id, '123456789']) {
        const answer = await live.restore(clientId)
        assert.equal(answer.status, 404, answer.text)
        assert.equal(answer.json.resultCode !== undefined, true, answer.text)
      }
      const hard = await setUp({ clientRestoreWindow: 0 })
      const gone = await hard.register()
      const deleted = await hard.api.call(`/api/${hard.id}/client/delete/${gone.client_id}`, {
        method: 'DELETE',
      })
      assert.equal(deleted.status, 204)
      assert.equal((await hard.restore(gone.client_id)).status, 404)
    })

    test('the lifecycle settings round-trip, survive an update that omits them, and are checked', async () => {
      const { id, api } = await setUp({ clientIdleLifetime: 2_592_000, clientRestoreWindow: 3600 })
      const updated = await api.call(`/api/${id}/service/update`, { body: { serviceName: 'x' } })
      assert.equal(updated.status, 200, updated.text)
      assert.equal(updated.json.clientIdleLifetime, 2_592_000)
      assert.equal(updated.json.clientRestoreWindow, 3600)
      const tooShort = await api.call(`/api/${id}/service/update`, {
        body: { clientIdleLifetime: 3600 },
      })
      assert.equal(tooShort.status, 400, tooShort.text)
      const fresh = await api.call(`/api/${await api.createService()}/service/get`)
      assert.equal(fresh.json.clientIdleLifetime, 0)
      assert.equal(fresh.json.clientRestoreWindow, 604_800)
    })

    test('the orphan report lists never-used clients and duplicate groups', async () => {
      const { id, api, register, authenticate } = await setUp()
      const first = await register({ ...CLIENT, software_id: 'mcp-host' })
      const second = await register({ ...CLIENT, software_id: 'mcp-host' })
      const used = await register({ client_name: 'used', redirect_uris: ['https://u.example/cb'] })
      assert.equal((await authenticate(used)).status, 200)
      const report = await api.call(`/api/${id}/client/orphans?olderThan=0&limit=10`)
      assert.equal(report.status, 200, report.text)
      const ids = (clients: { clientId: number }[]) => clients.map((c) => String(c.clientId))
      assert.deepEqual(ids(report.json.neverUsed.clients), [first.client_id, second.client_id])
      assert.equal(report.json.neverUsed.count, 2)
      assert.deepEqual(report.json.duplicates.softwareId, [
        {
          key: 'mcp-host',
          count: 2,
          clients: report.json.neverUsed.clients,
        },
      ])
      assert.equal(report.json.duplicates.redirectUris[0].key, 'https://app.example/cb')
      assert.equal(report.json.complete, true)
      const young = await api.call(`/api/${id}/client/orphans`)
      assert.equal(young.json.neverUsed.count, 0, 'younger than a day by default')
      const bad = await api.call(`/api/${id}/client/orphans?limit=many`)
      assert.equal(bad.status, 400, bad.text)
    })
  })
}
