/**
 * The audit chain on SQLite and on PostgreSQL: it verifies while whole and after an
 * erasure or a retention cut, and detects an edited event, an edited detail, a deleted
 * event and a deleted tail. On PostgreSQL, two nodes append and seal at once into one
 * chain with no gap and no event twice.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import {
  ClientCapReachedError,
  DuplicateClientIdError,
  type AuditEvent,
  type NewClientRecord,
} from '../../src/engine/index.js'
import { connect, openStore, type Database, type KyselyStore } from '../../src/store/index.js'
import { TEST_DATABASES } from '../support/databases.js'
import { createTestSchema, testStoreOptions } from '../support/postgres.js'
import { newClient, newKey, NOW } from './records.js'

function event(
  clientId: number,
  at: number,
  kind: AuditEvent['kind'] = 'client.updated',
): AuditEvent {
  return {
    kind,
    serviceApiKey: 7,
    clientId,
    actor: 'admin',
    requestId: `request-${clientId}-${at}`,
    at,
    detail: { source: '192.0.2.1', version: 2, diff: { client_name: { from: 'a', to: 'b' } } },
  }
}

/** A service of its own in the store, for events of its clients. */
function newService(store: KyselyStore) {
  return store.insertService({
    apiKey: newKey(),
    apiSecretHash: 'secret',
    settings: {},
    policy: {},
    createdAt: NOW,
    modifiedAt: NOW,
  })
}

/**
 * Appends the events one after another, so their numbers follow their order: appended
 * together, PostgreSQL may commit them in two concurrent transactions, either first.
 */
async function appendInOrder(store: KyselyStore, events: AuditEvent[]): Promise<void> {
  for (const one of events) await store.audit.append([one])
}

for (const backend of TEST_DATABASES) {
  describe(`the audit chain on ${backend.name}`, () => {
    /** A store with `count` events appended and sealed, and a connection to edit its rows. */
    async function chainOf(count: number) {
      const { url, drop } = await backend.create()
      const store = await openStore(url, testStoreOptions(url))
      await appendInOrder(
        store,
        Array.from({ length: count }, (_, index) => event(index + 1, 1000 + index)),
      )
      assert.equal(await store.audit.seal(), count)
      const { db } = await connect(url)
      return {
        store,
        db,
        async close() {
          await store.close()
          await db.destroy()
          await drop()
        },
      }
    }

    const problemsOf = async (store: KyselyStore) =>
      (await store.audit.verify()).problems.map((problem) => problem.problem)

    test('a whole chain verifies, and its head is the last event sealed', async () => {
      const chain = await chainOf(5)
      try {
        const verification = await chain.store.audit.verify()
        assert.deepEqual(verification.problems, [])
        assert.equal(verification.checked, 5)
        assert.deepEqual(verification.head, await chain.store.audit.head())
        assert.equal(verification.head.seq, 5)
        assert.equal(verification.unsealed, 0)
      } finally {
        await chain.close()
      }
    })

    test('an edited event is detected', async () => {
      const chain = await chainOf(5)
      try {
        await chain.db
          .updateTable('audit_events')
          .set({ actor: 'someone else' })
          .where('seq', '=', 3)
          .execute()
        assert.deepEqual(await problemsOf(chain.store), ['event 3 at seq 3 was altered'])
      } finally {
        await chain.close()
      }
    })

    test('an edited detail is detected', async () => {
      const chain = await chainOf(5)
      try {
        await chain.db
          .updateTable('audit_events')
          .set({ detail: JSON.stringify({ source: '203.0.113.9' }) })
          .where('seq', '=', 2)
          .execute()
        assert.deepEqual(await problemsOf(chain.store), ['the detail of event 2 was altered'])
      } finally {
        await chain.close()
      }
    })

    test('a deleted event is detected, and so is a deleted tail', async () => {
      const chain = await chainOf(6)
      try {
        await chain.db.deleteFrom('audit_events').where('seq', '=', 2).execute()
        assert.deepEqual(await problemsOf(chain.store), ['events at seq 2 are missing'])
        await chain.db.deleteFrom('audit_events').where('seq', '>=', 5).execute()
        assert.deepEqual(await problemsOf(chain.store), [
          'events at seq 2 are missing',
          "events at seq 5 to 6 (the chain's head) are missing",
        ])
      } finally {
        await chain.close()
      }
    })

    test('erasing a client keeps the chain verifiable, and only its events lose their detail', async () => {
      const chain = await chainOf(4)
      try {
        assert.equal(await chain.store.audit.erase(7, 2), 1)
        assert.deepEqual(await problemsOf(chain.store), [])
        const events = await chain.store.audit.list({ serviceApiKey: 7, limit: 10 })
        assert.deepEqual(
          events.map((stored) => [stored.clientId, stored.erased, stored.detail.source]),
          [
            [4, false, '192.0.2.1'],
            [3, false, '192.0.2.1'],
            [2, true, undefined],
            [1, false, '192.0.2.1'],
          ],
        )
      } finally {
        await chain.close()
      }
    })

    test('retention deletes the oldest events and the rest still verify', async () => {
      const chain = await chainOf(5)
      try {
        assert.equal(await chain.store.audit.prune(1003), 3)
        assert.deepEqual(await problemsOf(chain.store), [])
        assert.equal((await chain.store.audit.verify()).checked, 2)
        assert.equal(await chain.store.audit.prune(1003), 0, 'nothing more to prune')
        // A cut at the start that retention did not make is still a gap.
        await chain.db.deleteFrom('audit_events').where('seq', '=', 4).execute()
        assert.deepEqual(await problemsOf(chain.store), ['events at seq 4 are missing'])
      } finally {
        await chain.close()
      }
    })

    test('the listing filters by client, actor, kind and time, newest first, page by page', async () => {
      const chain = await chainOf(0)
      try {
        await appendInOrder(chain.store, [
          event(1, 10, 'client.created'),
          { ...event(1, 20), actor: 'service_token:abc' },
          event(2, 30, 'client.created'),
          event(1, 40, 'client.deleted'),
        ])
        const list = (query: object) =>
          chain.store.audit
            .list({ serviceApiKey: 7, limit: 10, ...query })
            .then((events) => events.map((stored) => `${stored.clientId}@${stored.at}`))
        assert.deepEqual(await list({}), ['1@40', '2@30', '1@20', '1@10'])
        assert.deepEqual(await list({ clientId: 1 }), ['1@40', '1@20', '1@10'])
        assert.deepEqual(await list({ actor: 'service_token:abc' }), ['1@20'])
        assert.deepEqual(await list({ kinds: ['client.created', 'client.deleted'] }), [
          '1@40',
          '2@30',
          '1@10',
        ])
        assert.deepEqual(await list({ from: 20, to: 40 }), ['2@30', '1@20'])
        const [, second] = await chain.store.audit.list({ serviceApiKey: 7, limit: 2 })
        assert.deepEqual(await list({ before: second!.number }), ['1@20', '1@10'])
        assert.deepEqual(await list({ serviceApiKey: 8 }), [])
      } finally {
        await chain.close()
      }
    })

    test("a registration's event is written in its transaction, only when the client is in", async () => {
      const chain = await chainOf(0)
      try {
        const service = await newService(chain.store)
        const createdEventOf = (record: NewClientRecord): AuditEvent => ({
          ...event(record.clientId, NOW, 'client.created'),
          serviceApiKey: service.apiKey,
        })
        // Together: one group-commit batch, a bulk insert (one statement on PostgreSQL).
        const records = Array.from({ length: 5 }, () => newClient(service.apiKey))
        await Promise.all(
          records.map((record) =>
            chain.store.insertClient(record, undefined, { maxClients: 6 }, createdEventOf(record)),
          ),
        )
        const taken = { ...newClient(service.apiKey), clientId: records[0]!.clientId }
        await assert.rejects(
          chain.store.insertClient(taken, undefined, {}, createdEventOf(taken)),
          DuplicateClientIdError,
        )
        const last = newClient(service.apiKey)
        await chain.store.insertClient(last, undefined, { maxClients: 6 }, createdEventOf(last))
        const over = newClient(service.apiKey)
        await assert.rejects(
          chain.store.insertClient(over, undefined, { maxClients: 6 }, createdEventOf(over)),
          ClientCapReachedError,
        )
        const events = await chain.store.audit.list({ serviceApiKey: service.apiKey, limit: 10 })
        assert.deepEqual(
          events.map((stored) => stored.clientId).sort(),
          [...records, last].map((record) => record.clientId).sort(),
        )
      } finally {
        await chain.close()
      }
    })

    test("a client's history is found while it lives, once deleted, and when deleted with no event of it", async () => {
      const chain = await chainOf(0)
      try {
        const service = await newService(chain.store)
        const serviceApiKey = service.apiKey
        const of = (clientId: number, kind: AuditEvent['kind'], at: number, number?: number) => ({
          ...event(clientId, at, kind),
          serviceApiKey,
          ...(number !== undefined && { clientNumber: number }),
        })
        // Together: one batch, a bulk insert on PostgreSQL, statement by statement on SQLite.
        const [live, deleted, swept] = await Promise.all(
          [1, 2, 3].map(() => {
            const record = newClient(serviceApiKey)
            return chain.store.insertClient(
              record,
              undefined,
              {},
              of(record.clientId, 'client.created', 10),
            )
          }),
        )
        // A registration's event names the client's row, found in its own transaction.
        const numbers = await chain.db
          .selectFrom('audit_events')
          .select(['client_id', 'client_number'])
          .where('kind', '=', 'client.created')
          .execute()
        assert.deepEqual(
          new Map(numbers.map((row) => [Number(row.client_id), Number(row.client_number)])),
          new Map([live!, deleted!, swept!].map((record) => [record.clientId, record.number])),
        )
        await appendInOrder(chain.store, [
          of(live!.clientId, 'client.read', 20, live!.number),
          // Written with no row number: the store finds the live client's.
          of(live!.clientId, 'authentication.failed', 30),
          of(deleted!.clientId, 'client.deleted', 40, deleted!.number),
          of(424242, 'authentication.failed', 50),
        ])
        await chain.store.deleteClient(serviceApiKey, deleted!.clientId)
        // Gone as the expiry sweep deletes: with no event naming its row.
        await chain.store.deleteClient(serviceApiKey, swept!.clientId)

        const history = async (clientId: number, page: { limit?: number; before?: number } = {}) =>
          (
            await chain.store.audit.list({
              serviceApiKey,
              clientId,
              limit: page.limit ?? 10,
              ...page,
            })
          ).map((stored) => `${stored.kind}@${stored.at}`)
        assert.deepEqual(await history(live!.clientId), [
          'authentication.failed@30',
          'client.read@20',
          'client.created@10',
        ])
        assert.deepEqual(await history(deleted!.clientId), [
          'client.deleted@40',
          'client.created@10',
        ])
        assert.deepEqual(await history(swept!.clientId), ['client.created@10'])
        assert.deepEqual(await history(424242), ['authentication.failed@50'])
        // Pages cut across the two parts of a client's history.
        assert.deepEqual(await history(live!.clientId, { limit: 2 }), [
          'authentication.failed@30',
          'client.read@20',
        ])
        const [, read] = await chain.store.audit.list({
          serviceApiKey,
          clientId: live!.clientId,
          limit: 2,
        })
        assert.deepEqual(await history(live!.clientId, { before: read!.number }), [
          'client.created@10',
        ])
        assert.deepEqual(
          (
            await chain.store.audit.list({
              serviceApiKey,
              clientId: live!.clientId,
              kinds: ['client.created'],
              limit: 10,
            })
          ).map((stored) => stored.kind),
          ['client.created'],
        )

        // An erasure reaches every part, the registration included.
        assert.equal(await chain.store.audit.erase(serviceApiKey, deleted!.clientId), 2)
        assert.equal(await chain.store.audit.erase(serviceApiKey, swept!.clientId), 1)
        const erased = await chain.store.audit.list({ serviceApiKey, limit: 10 })
        assert.deepEqual(
          erased
            .filter((stored) => stored.erased)
            .map((stored) => stored.clientId)
            .sort(),
          [deleted!.clientId, deleted!.clientId, swept!.clientId].sort(),
        )
        await chain.store.audit.seal()
        assert.deepEqual((await chain.store.audit.verify()).problems, [])
      } finally {
        await chain.close()
      }
    })

    test("an update's or a deletion's event is written in its transaction, only when it happens", async () => {
      const chain = await chainOf(0)
      try {
        const { apiKey: serviceApiKey } = await newService(chain.store)
        const client = await chain.store.insertClient(newClient(serviceApiKey))
        const of = (kind: AuditEvent['kind']) => ({
          ...event(client.clientId, NOW, kind),
          serviceApiKey,
          clientNumber: client.number,
        })
        const kinds = async () =>
          (await chain.store.audit.list({ serviceApiKey, limit: 10 })).map((e) => e.kind)

        const updated = await chain.store.updateClient(
          { ...client, developer: 'second' },
          of('client.updated'),
        )
        assert.equal(updated?.version, 2)
        assert.deepEqual(await kinds(), ['client.updated'])
        // A stale version changes nothing, and records nothing.
        const stale = await chain.store.updateClient(
          { ...client, developer: 'stale' },
          of('client.updated'),
        )
        assert.equal(stale, undefined)
        assert.deepEqual(await kinds(), ['client.updated'])
        // An event that cannot be written takes its change with it.
        const unwritable = { ...of('client.updated'), kind: null as unknown as 'client.updated' }
        await assert.rejects(
          chain.store.updateClient({ ...updated!, developer: 'lost' }, unwritable),
        )
        const kept = await chain.store.getClient(serviceApiKey, client.clientId)
        assert.equal(kept?.developer, 'second')
        assert.equal(kept?.version, 2)
        await assert.rejects(
          chain.store.deleteClient(serviceApiKey, client.clientId, {
            ...of('client.deleted'),
            kind: null as unknown as 'client.deleted',
          }),
        )
        assert.ok(await chain.store.getClient(serviceApiKey, client.clientId))

        assert.equal(
          await chain.store.deleteClient(serviceApiKey, client.clientId, of('client.deleted')),
          true,
        )
        assert.equal(
          await chain.store.deleteClient(serviceApiKey, client.clientId, of('client.deleted')),
          false,
        )
        assert.deepEqual(await kinds(), ['client.deleted', 'client.updated'])
        assert.deepEqual(
          (
            await chain.store.audit.list({ serviceApiKey, clientId: client.clientId, limit: 10 })
          ).map((e) => e.kind),
          ['client.deleted', 'client.updated'],
        )
      } finally {
        await chain.close()
      }
    })

    test('the history written before events named client rows is found after the upgrade', async () => {
      const { url, drop } = await backend.create()
      let store = await openStore(url, testStoreOptions(url))
      const { db } = await connect(url)
      try {
        const { apiKey: serviceApiKey } = await newService(store)
        const of = (clientId: number, kind: AuditEvent['kind'], at: number) => ({
          ...event(clientId, at, kind),
          serviceApiKey,
        })
        const [live, gone] = [newClient(serviceApiKey), newClient(serviceApiKey)]
        for (const record of [live, gone]) {
          await store.insertClient(record, undefined, {}, of(record.clientId, 'client.created', 10))
        }
        await appendInOrder(store, [
          of(live.clientId, 'client.read', 20),
          of(gone.clientId, 'client.deleted', 30),
        ])
        await store.deleteClient(serviceApiKey, gone.clientId)
        await store.close()
        // Back to the schema of version 5, these events in it.
        await db.schema.dropIndex('audit_events_created').execute()
        await db.schema.dropIndex('audit_events_client').execute()
        await db.schema.alterTable('audit_events').dropColumn('client_number').execute()
        await db.schema
          .createIndex('audit_events_client')
          .on('audit_events')
          .columns(['service_api_key', 'client_id', 'number'])
          .execute()
        await db.deleteFrom('registrar_migrations').where('version', '=', 6).execute()

        store = await openStore(url, testStoreOptions(url))
        const history = async (clientId: number) =>
          (await store.audit.list({ serviceApiKey, clientId, limit: 10 })).map(
            (stored) => `${stored.kind}@${stored.at}`,
          )
        assert.deepEqual(await history(live.clientId), ['client.read@20', 'client.created@10'])
        assert.deepEqual(await history(gone.clientId), ['client.deleted@30', 'client.created@10'])
        assert.equal(await store.audit.erase(serviceApiKey, gone.clientId), 2)
      } finally {
        await store.close()
        await db.destroy()
        await drop()
      }
    })

    test('sealing queues each event for the webhooks of its service that take its kind', async () => {
      const chain = await chainOf(0)
      try {
        await seedWebhooks(chain.db)
        await appendInOrder(chain.store, [
          event(1, 10, 'client.created'),
          event(1, 20, 'client.read'),
        ])
        await chain.store.audit.seal()
        const deliveries = await chain.db
          .selectFrom('webhook_deliveries')
          .innerJoin('audit_events', 'audit_events.number', 'webhook_deliveries.event_number')
          .select(['webhook_id', 'kind'])
          .orderBy('webhook_deliveries.number')
          .execute()
        assert.deepEqual(
          deliveries.map((delivery) => `${delivery.webhook_id}:${delivery.kind}`),
          ['changes:client.created', 'all:client.created', 'all:client.read'],
        )
      } finally {
        await chain.close()
      }
    })
  })
}

/** Two webhooks of service 7, one taking changes only, and one of another service. */
async function seedWebhooks(db: Kysely<Database>): Promise<void> {
  for (const apiKey of [7, 8]) {
    await db
      .insertInto('services')
      .values({
        api_key: apiKey,
        api_secret_hash: 's',
        settings: '{}',
        policy: '{}',
        created_at: 0,
        modified_at: 0,
      })
      .execute()
  }
  const hook = (id: string, service: number, kinds: string) => ({
    id,
    service_api_key: service,
    url: 'http://127.0.0.1:9/hook',
    secret: 'whsec_test',
    kinds,
    description: null,
    created_at: 0,
  })
  await db
    .insertInto('webhooks')
    .values([
      hook('changes', 7, ',client.created,client.updated,client.deleted,'),
      hook('all', 7, ',client.created,client.read,'),
      hook('other', 8, ',client.created,client.read,'),
    ])
    .execute()
}

test('on PostgreSQL, two nodes append and seal at once into one chain: no gap, no event twice', async () => {
  const { url, drop } = await createTestSchema()
  const nodes = [
    await openStore(url, testStoreOptions(url)),
    await openStore(url, testStoreOptions(url)),
  ]
  try {
    const rounds = 20
    await Promise.all(
      nodes.map(async (node, index) => {
        for (let round = 0; round < rounds; round++) {
          await node.audit.append(
            Array.from({ length: 10 }, (_, n) => event(index * 10_000 + round * 10 + n + 1, round)),
          )
          await node.audit.seal()
        }
      }),
    )
    await nodes[0].audit.seal()
    const verification = await nodes[1].audit.verify()
    assert.deepEqual(verification.problems, [])
    assert.equal(verification.checked, 2 * rounds * 10)
    assert.equal(verification.head.seq, 2 * rounds * 10)
    const { db } = await connect(url)
    const { sealed } = await db
      .selectFrom('audit_events')
      .select(sql<number>`count(distinct seq)`.as('sealed'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(sealed), 2 * rounds * 10)
    await db.destroy()
  } finally {
    for (const node of nodes) await node.close()
    await drop()
  }
})
