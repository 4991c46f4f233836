import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AuthleteService, ClientInformation, Policy } from '../wire/index.js'
import { createEngine, MemoryStore, type Store } from './index.js'

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0)
const DAY = 86_400
const BODY = { redirect_uris: ['https://rp.example.com/cb'], client_name: 'agent' }

/** An engine on a clock the test moves, over `store`. */
export async function lifecycleSetUp(
  settings: AuthleteService = {},
  policy: Policy = {},
  store: Store = new MemoryStore(),
) {
  let now = NOW
  const engine = createEngine({ store, baseUrl: 'https://dcr.example.com', now: () => now })
  const { apiKey } = await engine.createService(settings)
  const service = await engine.replacePolicy(apiKey, policy)
  const register = async (body: unknown = BODY) => {
    const decision = await engine.register(service, { json: JSON.stringify(body) })
    assert.equal(decision.action, 'CREATED', JSON.stringify(decision.body))
    return decision.body as ClientInformation
  }
  const read = (client: ClientInformation) =>
    engine.read(service, { clientId: client.client_id, token: client.registration_access_token })
  const authenticate = (client: ClientInformation) =>
    engine.authenticateClientCredentials(service, {
      client_id: client.client_id,
      client_secret: client.client_secret,
    })
  return {
    engine,
    store,
    service,
    register,
    read,
    authenticate,
    advance: (seconds: number) => (now += seconds * 1000),
  }
}

/** Whether every endpoint answers the client as unknown. */
async function assertUnknown(
  { engine, service, read, authenticate }: Awaited<ReturnType<typeof lifecycleSetUp>>,
  client: ClientInformation,
) {
  assert.equal((await read(client)).action, 'UNAUTHORIZED', 'RFC 7592 read')
  await assert.rejects(authenticate(client), { code: 'invalid_client' })
  await assert.rejects(engine.requireClient(service, client.client_id), { code: 'not_found' })
  const listed = await engine.listClients(service, { start: 0, end: 100 })
  assert.ok(!listed.items.some((c) => String(c.clientId) === client.client_id), 'listed')
}

describe('soft deletion (clientRestoreWindow)', () => {
  it('keeps a deleted client unknown at once, and restores it with its tokens', async () => {
    const setUp = await lifecycleSetUp()
    const { engine, service, register, read, authenticate } = setUp
    const client = await register()
    const deleted = await engine.delete(service, {
      clientId: client.client_id,
      token: client.registration_access_token,
    })
    assert.equal(deleted.action, 'DELETED')
    await assertUnknown(setUp, client)
    const restored = await engine.restoreClient(service, client.client_id)
    assert.equal(restored.deletedAt, undefined)
    const again = await read(client)
    assert.equal(again.action, 'OK')
    assert.equal((again.body as ClientInformation).client_secret, client.client_secret)
    assert.equal((await authenticate(client)).clientId, Number(client.client_id))
  })

  it('refuses a restore after the window, of a live client and of an unknown one', async () => {
    const { engine, service, register, advance } = await lifecycleSetUp({
      clientRestoreWindow: DAY,
    })
    const live = await register()
    await assert.rejects(engine.restoreClient(service, live.client_id), { code: 'not_found' })
    await assert.rejects(engine.restoreClient(service, '12345'), { code: 'not_found' })
    await engine.deleteClient(service, live.client_id)
    advance(DAY + 1)
    await assert.rejects(engine.restoreClient(service, live.client_id), { code: 'not_found' })
  })

  it('refuses to restore a client whose probation ran out while it was deleted', async () => {
    const { engine, service, register, advance } = await lifecycleSetUp(
      {},
      { probation: { lifetimeSeconds: 600 } },
    )
    const client = await register()
    await engine.deleteClient(service, client.client_id)
    advance(600)
    await assert.rejects(engine.restoreClient(service, client.client_id), { code: 'not_found' })
  })

  it('deletes for good at once with a window of 0', async () => {
    const { engine, service, store, register } = await lifecycleSetUp({ clientRestoreWindow: 0 })
    const client = await register()
    await engine.deleteClient(service, client.client_id)
    assert.equal(await store.getClient(service.apiKey, Number(client.client_id)), undefined)
    await assert.rejects(engine.restoreClient(service, client.client_id), { code: 'not_found' })
  })

  it('no longer counts a deleted client under maxClients or dcrDuplicateSoftwareIdBlocked', async () => {
    const { engine, service, register } = await lifecycleSetUp(
      { dcrDuplicateSoftwareIdBlocked: true },
      { maxClients: 1 },
    )
    const body = { ...BODY, software_id: 'agent-1' }
    const first = await register(body)
    await engine.deleteClient(service, first.client_id)
    const second = await register(body)
    assert.notEqual(second.client_id, first.client_id)
    // Back under the cap only: the service is full while the second one lives.
    await assert.rejects(engine.restoreClient(service, first.client_id), {
      code: 'invalid_request',
      message: /maximum of 1 client \(policy.maxClients\)/,
    })
    await engine.deleteClient(service, second.client_id)
    assert.equal(
      (await engine.restoreClient(service, first.client_id)).clientId,
      Number(first.client_id),
    )
  })
})

describe('reaping (clientIdleLifetime)', () => {
  it('reaps idle clients after the lifetime, keeps used ones, and purges after the window', async () => {
    const setUp = await lifecycleSetUp({ clientIdleLifetime: 30 * DAY, clientRestoreWindow: DAY })
    const { engine, service, store, register, authenticate, advance } = setUp
    const used = await register()
    const idle = await register()
    advance(20 * DAY)
    await authenticate(used)
    advance(10 * DAY)
    assert.deepEqual(await engine.sweepClients(), { reaped: 0, purged: 0 }, 'not idle long enough')
    advance(1)
    assert.deepEqual(await engine.sweepClients(), { reaped: 1, purged: 0 })
    await assertUnknown(setUp, idle)
    assert.ok((await engine.requireClient(service, used.client_id)).lastUsedAt)
    // A reaped client can be restored within the window; deleted again, it is purged after it.
    await engine.restoreClient(service, idle.client_id)
    assert.deepEqual(await engine.sweepClients(), { reaped: 0, purged: 0 }, 'a restore is a use')
    assert.equal((await setUp.read(idle)).action, 'OK')
    await engine.deleteClient(service, idle.client_id)
    advance(DAY)
    assert.deepEqual(await engine.sweepClients(), { reaped: 0, purged: 0 }, 'restorable to the end')
    advance(1)
    assert.deepEqual(await engine.sweepClients(), { reaped: 0, purged: 1 })
    assert.equal(await store.getClient(service.apiKey, Number(idle.client_id)), undefined)
    await assert.rejects(engine.restoreClient(service, idle.client_id), { code: 'not_found' })
    assert.ok(await engine.requireClient(service, used.client_id), 'used 11 days ago')
  })

  it('deletes idle clients outright when the restore window is 0', async () => {
    const { engine, service, store, register, advance } = await lifecycleSetUp({
      clientIdleLifetime: DAY,
      clientRestoreWindow: 0,
    })
    const idle = await register()
    advance(DAY + 1)
    assert.deepEqual(await engine.sweepClients(), { reaped: 1, purged: 0 })
    assert.equal(await store.getClient(service.apiKey, Number(idle.client_id)), undefined)
  })

  it('reaps nothing by default', async () => {
    const { engine, register, advance } = await lifecycleSetUp()
    await register()
    advance(10_000 * DAY)
    assert.deepEqual(await engine.sweepClients(), { reaped: 0, purged: 0 })
  })

  it('refuses an idle lifetime under a day, and negative windows', async () => {
    const { engine } = await lifecycleSetUp()
    await assert.rejects(engine.createService({ clientIdleLifetime: 3600 }), {
      code: 'invalid_request',
    })
    await assert.rejects(engine.createService({ clientRestoreWindow: -1 }), {
      code: 'invalid_request',
    })
    const kept = await engine.createService({ clientIdleLifetime: DAY })
    const updated = await engine.updateService(kept.apiKey, { serviceName: 'x' })
    assert.equal(updated.settings.clientIdleLifetime, DAY)
    assert.equal(updated.settings.clientRestoreWindow, 604_800)
  })
})

describe('the orphan report', () => {
  it('lists never-used clients old enough and duplicate groups', async () => {
    const { engine, service, register, authenticate, advance } = await lifecycleSetUp()
    const a = await register({
      ...BODY,
      software_id: 's1',
      redirect_uris: ['https://a/1', 'https://a/2'],
    })
    const b = await register({
      ...BODY,
      software_id: 's1',
      redirect_uris: ['https://a/2', 'https://a/1'],
    })
    const c = await register({ client_name: 'other', redirect_uris: ['https://c/1'] })
    await authenticate(c)
    advance(2 * DAY)
    const young = await register({ client_name: 'young', redirect_uris: ['https://y/1'] })
    const report = await engine.clientOrphans(service)
    assert.deepEqual(
      report.neverUsed.clients.map((client) => String(client.clientId)),
      [a.client_id, b.client_id],
    )
    assert.equal(report.neverUsed.count, 2)
    const ids = [a.client_id, b.client_id].map(Number)
    assert.deepEqual(
      report.duplicates.softwareId.map(({ key, count, clients }) => ({
        key,
        count,
        ids: clients.map((client) => client.clientId),
      })),
      [{ key: 's1', count: 2, ids }],
    )
    assert.deepEqual(
      report.duplicates.clientName.map((group) => [group.key, group.count]),
      [['agent', 2]],
    )
    assert.deepEqual(
      report.duplicates.redirectUris.map((group) => group.key),
      ['https://a/1 https://a/2'],
    )
    assert.equal(report.scanned, 4)
    assert.equal(report.complete, true)
    const limited = await engine.clientOrphans(service, { olderThan: 0, limit: 1 })
    assert.equal(limited.neverUsed.count, 3)
    assert.equal(limited.neverUsed.clients.length, 1)
    assert.ok(
      !report.neverUsed.clients.some((client) => String(client.clientId) === young.client_id),
    )
  })
})
