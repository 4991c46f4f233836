/**
 * Reaping, restoring and purging through the engine over each real database, with an
 * injected clock and the store's own audit trail: every step leaves its event, written in
 * the step's transaction, and the service's count follows (maxClients).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createEngine, type Engine, type ServiceRecord } from '../../src/engine/index.js'
import { openStore, type KyselyStore } from '../../src/store/index.js'
import type { ClientInformation } from '../../src/wire/index.js'
import { TEST_DATABASES } from '../support/databases.js'
import { testStoreOptions, type TestSchema } from '../support/postgres.js'

const DAY = 86_400

for (const database of TEST_DATABASES) {
  describe(`client lifecycle on ${database.name}`, () => {
    let schema: TestSchema
    let store: KyselyStore
    let engine: Engine
    let now = Date.UTC(2026, 11, 5)
    const advance = (seconds: number) => (now += seconds * 1000)
    before(async () => {
      schema = await database.create()
      store = await openStore(schema.url, testStoreOptions(schema.url))
      engine = createEngine({
        store,
        baseUrl: 'https://dcr.example.com',
        now: () => now,
        audit: store.audit,
      })
    })
    after(async () => {
      await store?.close()
      await schema?.drop()
    })

    const register = async (service: ServiceRecord) => {
      const decision = await engine.register(service, {
        json: JSON.stringify({ client_name: 'agent', redirect_uris: ['https://a.example/cb'] }),
      })
      assert.equal(decision.action, 'CREATED', JSON.stringify(decision.body))
      return decision.body as ClientInformation
    }
    const kinds = async (service: ServiceRecord, clientId: string) =>
      (await engine.auditEvents(service, { clientId: Number(clientId), limit: 50 }))
        .map((event) => `${event.kind} ${event.actor}`)
        .reverse()

    test('an idle client is reaped, restored with its tokens, deleted and purged, each step recorded', async () => {
      const created = await engine.createService({
        clientIdleLifetime: 30 * DAY,
        clientRestoreWindow: 7 * DAY,
      })
      const service = await engine.replacePolicy(created.apiKey, { maxClients: 2 })
      const idle = await register(service)
      const used = await register(service)
      const read = (client: ClientInformation) =>
        engine.read(service, {
          clientId: client.client_id,
          token: client.registration_access_token,
        })
      advance(29 * DAY)
      await engine.authenticateClientCredentials(service, {
        client_id: used.client_id,
        client_secret: used.client_secret,
      })
      advance(DAY + 1)
      assert.deepEqual(await engine.sweepClients(), { reaped: 1, purged: 0 })
      assert.equal((await read(idle)).action, 'UNAUTHORIZED')
      assert.equal((await read(used)).action, 'OK')
      // The reaped client left the count: a third client fits under maxClients 2.
      const third = await register(service)
      await engine.deleteClient(service, third.client_id)

      await engine.restoreClient(service, idle.client_id)
      const again = await read(idle)
      assert.equal(again.action, 'OK')
      assert.equal((again.body as ClientInformation).client_secret, idle.client_secret)
      const full = await engine.register(service, { json: '{"client_name":"over"}' })
      assert.equal(full.action, 'BAD_REQUEST', 'restored, it is counted again')

      assert.equal(
        (
          await engine.delete(service, {
            clientId: idle.client_id,
            token: idle.registration_access_token,
          })
        ).action,
        'DELETED',
      )
      advance(7 * DAY + 1)
      assert.deepEqual(await engine.sweepClients(), { reaped: 0, purged: 2 })
      assert.equal(await store.getClient(service.apiKey, Number(idle.client_id)), undefined)
      assert.deepEqual(await kinds(service, idle.client_id), [
        'client.created anonymous',
        'client.reaped system',
        // Its token was refused while it was reaped: it was unknown.
        'authentication.failed anonymous',
        'client.restored anonymous',
        `client.deleted registration_access_token:${idle.client_id}`,
        'client.purged system',
      ])
    })
  })
}
