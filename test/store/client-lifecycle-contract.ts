/**
 * The Store contract of soft deletion (engine/client-lifecycle.ts): marking, restoring,
 * reaping and purging, and the counts and caps that leave a marked client out. Run inside
 * describeStoreContract against every implementation.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ClientCapReachedError, type ServiceRecord, type Store } from '../../src/engine/index.js'
import { newClient, NOW } from './records.js'

export interface ClientLifecycleContext {
  store(): Store
  newService(): Promise<ServiceRecord>
}

const HOUR = 3_600_000

export function clientLifecycleTests({ store: storeOf, newService }: ClientLifecycleContext): void {
  test('a marked client reads back with deletedAt, and lists and software_id lookups leave it out', async () => {
    const store = storeOf()
    const { apiKey } = await newService()
    const client = await store.insertClient(
      newClient(apiKey, { metadata: { client_name: 'x', software_id: 'sw-1' } }),
    )
    assert.equal(await store.softDeleteClient(apiKey, client.clientId, NOW + 5), true)
    assert.equal(await store.softDeleteClient(apiKey, client.clientId, NOW + 6), false)
    const marked = await store.getClient(apiKey, client.clientId)
    assert.equal(marked?.deletedAt, NOW + 5)
    assert.equal(marked?.version, client.version + 1)
    assert.equal((await store.listClients(apiKey, { start: 0, end: 10 })).totalCount, 0)
    assert.equal((await store.listClients(apiKey, { start: 0, end: 10, now: NOW })).totalCount, 0)
    assert.equal(await store.hasSoftwareId(apiKey, 'sw-1'), false)
    assert.equal(await store.softDeleteClient(apiKey, 424242, NOW), false)
  })

  test('a marked client leaves maxClients and perSoftwareId; restored, it is counted again', async () => {
    const store = storeOf()
    const { apiKey } = await newService()
    const caps = { maxClients: 1, perSoftwareId: 1 }
    const software = { metadata: { software_id: 'sw' } }
    const first = await store.insertClient(newClient(apiKey, software), undefined, caps)
    assert.ok(await store.softDeleteClient(apiKey, first.clientId, NOW + 1))
    const second = await store.insertClient(newClient(apiKey, software), undefined, caps)
    assert.ok(await store.softDeleteClient(apiKey, second.clientId, NOW + 1))
    const restored = await store.restoreClient(apiKey, first.clientId, {
      deletedSince: NOW,
      at: NOW + 2,
    })
    assert.equal(restored?.deletedAt, undefined)
    assert.equal(restored?.version, first.version + 2)
    assert.equal(restored?.clientSecret, first.clientSecret)
    assert.equal(restored?.registrationAccessTokenHash, first.registrationAccessTokenHash)
    assert.equal(restored?.lastUsedAt, NOW + 2, 'a restore is a use')
    assert.equal(await store.hasSoftwareId(apiKey, 'sw'), true)
    await assert.rejects(
      store.insertClient(newClient(apiKey), undefined, { maxClients: 1 }),
      (error: unknown) => error instanceof ClientCapReachedError && error.cap === 'maxClients',
    )
  })

  test('a restore under maxClients happens only while the service holds fewer live clients', async () => {
    const store = storeOf()
    const { apiKey } = await newService()
    const first = await store.insertClient(newClient(apiKey))
    assert.ok(await store.softDeleteClient(apiKey, first.clientId, NOW + 1))
    const second = await store.insertClient(newClient(apiKey), undefined, { maxClients: 1 })
    const restore = () =>
      store.restoreClient(apiKey, first.clientId, { deletedSince: NOW, at: NOW + 2, maxClients: 1 })
    assert.equal(await restore(), undefined, 'full')
    assert.notEqual((await store.getClient(apiKey, first.clientId))?.deletedAt, undefined)
    assert.ok(await store.softDeleteClient(apiKey, second.clientId, NOW + 3))
    assert.equal((await restore())?.clientId, first.clientId)
    assert.equal((await store.listClients(apiKey, { start: 0, end: 10 })).totalCount, 1)
  })

  test('a restore finds only a client marked at or after deletedSince', async () => {
    const store = storeOf()
    const { apiKey } = await newService()
    const client = await store.insertClient(newClient(apiKey))
    const restore = (deletedSince: number) =>
      store.restoreClient(apiKey, client.clientId, { deletedSince, at: NOW + 2 * HOUR })
    await store.recordClientUse(apiKey, client.clientId, NOW + 3 * HOUR)
    assert.equal(await restore(0), undefined, 'live')
    await store.softDeleteClient(apiKey, client.clientId, NOW)
    assert.equal(await restore(NOW + 1), undefined)
    assert.equal((await restore(NOW))?.lastUsedAt, NOW + 3 * HOUR, 'a use moves only forward')
    assert.equal((await store.listClients(apiKey, { start: 0, end: 10 })).totalCount, 1)
  })

  test('reaps the clients idle since before the limit, in batches, marking or deleting them', async () => {
    const store = storeOf()
    const { apiKey } = await newService()
    const other = await newService()
    const created = (at: number) => newClient(apiKey, { createdAt: at, modifiedAt: at })
    const neverUsed = await store.insertClient(created(NOW))
    const usedLately = await store.insertClient(created(NOW))
    await store.recordClientUse(apiKey, usedLately.clientId, NOW + 10 * HOUR)
    const usedLong = await store.insertClient(created(NOW))
    await store.recordClientUse(apiKey, usedLong.clientId, NOW + HOUR)
    const young = await store.insertClient(created(NOW + 10 * HOUR))
    const elsewhere = await store.insertClient(newClient(other.apiKey))
    const idleBefore = NOW + 5 * HOUR

    const seen: number[][] = []
    const first = await store.reapIdleClients(
      apiKey,
      { idleBefore, limit: 1, deleteAt: NOW + 6 * HOUR },
      (taken) => (seen.push(taken.map((client) => client.clientId)), []),
    )
    assert.deepEqual(
      first.map((client) => client.clientId),
      [neverUsed.clientId],
      'the longest idle first',
    )
    assert.equal(first[0].number, neverUsed.number)
    const second = await store.reapIdleClients(apiKey, { idleBefore, limit: 10 })
    assert.deepEqual(
      second.map((client) => client.clientId),
      [usedLong.clientId],
    )
    assert.equal((await store.getClient(apiKey, neverUsed.clientId))?.deletedAt, NOW + 6 * HOUR)
    assert.equal(await store.getClient(apiKey, usedLong.clientId), undefined, 'deleted outright')
    for (const kept of [usedLately, young]) assert.ok(await store.getClient(apiKey, kept.clientId))
    assert.ok(await store.getClient(other.apiKey, elsewhere.clientId))
    assert.deepEqual(await store.reapIdleClients(apiKey, { idleBefore, limit: 10 }), [])
    if (seen.length > 0) assert.deepEqual(seen, [[neverUsed.clientId]])
  })

  test('purges clients marked before the limit, and a purge lowers no count twice', async () => {
    const store = storeOf()
    const { apiKey } = await newService()
    const caps = { maxClients: 2 }
    const old = await store.insertClient(newClient(apiKey), undefined, caps)
    const recent = await store.insertClient(newClient(apiKey), undefined, caps)
    await store.softDeleteClient(apiKey, old.clientId, NOW)
    await store.softDeleteClient(apiKey, recent.clientId, NOW + HOUR)
    const purged = await store.purgeDeletedClients(apiKey, { deletedBefore: NOW + 1, limit: 10 })
    assert.deepEqual(
      purged.map((client) => client.clientId),
      [old.clientId],
    )
    assert.equal(await store.getClient(apiKey, old.clientId), undefined)
    assert.ok(await store.getClient(apiKey, recent.clientId))
    // A marked row deleted outright does not lower the count again either.
    assert.ok(await store.deleteClient(apiKey, recent.clientId))
    await store.insertClient(newClient(apiKey), undefined, caps)
    await store.insertClient(newClient(apiKey), undefined, caps)
    await assert.rejects(
      store.insertClient(newClient(apiKey), undefined, caps),
      (error: unknown) => error instanceof ClientCapReachedError,
      'two live clients fill a cap of two',
    )
  })
}
