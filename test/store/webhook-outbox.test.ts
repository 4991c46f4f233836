/**
 * The WebhookStore contract in memory, on SQLite and on the real PostgreSQL, and what only
 * a shared server shows: two nodes claiming from one outbox at once.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { MemoryStore, type ClaimedWebhookDelivery, type Store } from '../../src/engine/index.js'
import { connect, openStore } from '../../src/store/index.js'
import { auditLog } from '../support/audit-events.js'
import { createTestSchema, testStoreOptions, type TestSchema } from '../support/postgres.js'
import { newKey, NOW } from './records.js'
import { describeWebhookOutboxContract, type OutboxHarness } from './webhook-outbox-contract.js'

async function sqlHarness(url: string, destroy: () => Promise<void>): Promise<OutboxHarness> {
  const store = await openStore(url, testStoreOptions(url))
  const { db } = await connect(url)
  return {
    store,
    record: auditLog(db),
    prune: async (number) =>
      void (await db.deleteFrom('audit_events').where('number', '=', number).execute()),
    destroy: async () => {
      await store.close()
      await db.destroy()
      await destroy()
    },
  }
}

describeWebhookOutboxContract('in memory', async () => {
  const store = new MemoryStore()
  let number = 0
  return {
    store,
    record: async (event) => {
      store.webhooks.enqueue({ ...event, number: ++number })
      return number
    },
    prune: async (eventNumber) => store.webhooks.forgetEvent(eventNumber),
    destroy: async () => {},
  }
})

const folder = mkdtempSync(join(tmpdir(), 'registrar-outbox-'))
after(() => rmSync(folder, { recursive: true, force: true }))

describeWebhookOutboxContract('SQLite', () => sqlHarness(join(folder, 'outbox.db'), async () => {}))

describeWebhookOutboxContract('PostgreSQL', async () => {
  const schema = await createTestSchema()
  return sqlHarness(schema.url, schema.drop)
})

describe('PostgreSQL outbox with two nodes', () => {
  let schema: TestSchema
  let nodes: Store[]
  let harness: OutboxHarness
  before(async () => {
    schema = await createTestSchema()
    harness = await sqlHarness(schema.url, async () => {})
    nodes = [harness.store, await openStore(schema.url, testStoreOptions(schema.url))]
  })
  after(async () => {
    await nodes?.[1]?.close()
    await harness?.destroy()
    await schema?.drop()
  })

  test('two nodes claiming at once never get one delivery both, and each client’s go in order', async () => {
    const serviceApiKey = newKey()
    await nodes[0].insertService({
      apiKey: serviceApiKey,
      apiSecretHash: 's',
      settings: {},
      policy: {},
      createdAt: NOW,
      modifiedAt: NOW,
    })
    await nodes[0].insertWebhook({
      id: 'a1b2c3d4e5f60718',
      serviceApiKey,
      url: 'https://receiver.example/',
      secret: 'whsec_c2VjcmV0',
      kinds: ['client.created'],
      createdAt: NOW,
    })
    const clients = 30
    const perClient = 8
    for (let round = 0; round < perClient; round++) {
      for (let client = 1; client <= clients; client++) {
        await harness.record({
          serviceApiKey,
          clientId: client,
          kind: 'client.created',
          actor: 'admin',
          at: NOW,
        })
      }
    }

    const claimedBy = new Map<number, string>()
    const order: ClaimedWebhookDelivery[] = []
    const drain = async (node: Store, name: string) => {
      for (;;) {
        const claimed = await node.claimWebhookDeliveries({
          now: NOW,
          leasedBy: name,
          leasedUntil: NOW + 60_000,
          limit: 7,
        })
        if (claimed.length === 0) return
        for (const delivery of claimed) {
          assert.equal(
            claimedBy.get(delivery.number),
            undefined,
            `claimed twice: ${delivery.number}`,
          )
          claimedBy.set(delivery.number, name)
          order.push(delivery)
        }
        for (const delivery of claimed) await node.completeWebhookDelivery(delivery)
      }
    }
    await Promise.all([drain(nodes[0], 'node-a'), drain(nodes[1], 'node-b')])

    assert.equal(claimedBy.size, clients * perClient)
    assert.ok(new Set(claimedBy.values()).size === 2, 'both nodes took a share')
    for (let client = 1; client <= clients; client++) {
      const events = order
        .filter((delivery) => delivery.event.clientId === client)
        .map((delivery) => delivery.event.number)
      assert.deepEqual(
        events,
        [...events].sort((a, b) => a - b),
        `client ${client} in order`,
      )
    }
  })
})
