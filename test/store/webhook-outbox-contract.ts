/**
 * The WebhookStore contract as one suite, run against every implementation
 * (webhook-outbox.test.ts): webhooks kept per service, and an outbox whose claims lease
 * each delivery to one claimer, keep a client's events in order and drop pruned events.
 * The harness stands for the audit history: it records an event and queues its deliveries.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Store, WebhookEvent, WebhookRecord } from '../../src/engine/index.js'
import { newKey, NOW } from './records.js'

export interface OutboxHarness {
  store: Store
  /** Records the event and queues it for the webhooks of its service that ask for its kind. */
  record(event: Omit<WebhookEvent, 'number'>): Promise<number>
  /** Deletes the event, as retention does. */
  prune(eventNumber: number): Promise<void>
  destroy(): Promise<void>
}

const LEASE = 60_000

export function describeWebhookOutboxContract(
  name: string,
  createHarness: () => Promise<OutboxHarness>,
): void {
  describe(`WebhookStore contract: ${name}`, () => {
    let harness: OutboxHarness
    let store: Store
    before(async () => {
      harness = await createHarness()
      store = harness.store
    })
    after(() => harness?.destroy())

    async function newService(): Promise<number> {
      const service = await store.insertService({
        apiKey: newKey(),
        apiSecretHash: 's',
        settings: {},
        policy: {},
        createdAt: NOW,
        modifiedAt: NOW,
      })
      return service.apiKey
    }

    async function newWebhook(
      serviceApiKey: number,
      overrides: Partial<WebhookRecord> = {},
    ): Promise<WebhookRecord> {
      const record: WebhookRecord = {
        id: newKey().toString(16).padStart(16, '0'),
        serviceApiKey,
        url: 'https://receiver.example/hook',
        secret: 'whsec_c2VjcmV0',
        kinds: ['client.created', 'client.updated'],
        createdAt: NOW,
        ...overrides,
      }
      await store.insertWebhook(record)
      return record
    }

    const event = (serviceApiKey: number, clientId: number | undefined, at = NOW) =>
      harness.record({
        serviceApiKey,
        ...(clientId !== undefined && { clientId }),
        kind: 'client.updated',
        actor: 'admin',
        requestId: 'req-1',
        at,
        detail: { version: 2 },
      })

    /** Claims as one node does: everything due at `now`. */
    const claim = (now = NOW, leasedBy = 'node-a', limit = 100) =>
      store.claimWebhookDeliveries({ now, leasedBy, leasedUntil: now + LEASE, limit })

    /** Only what the test's own webhook got: tests share the outbox. */
    const mine = (webhook: WebhookRecord, claimed: Awaited<ReturnType<typeof claim>>) =>
      claimed.filter((delivery) => delivery.webhook.id === webhook.id)

    const settle = async (claimed: Awaited<ReturnType<typeof claim>>) => {
      for (const delivery of claimed) await store.completeWebhookDelivery(delivery)
    }

    test('keeps webhooks per service; deleting one takes its deliveries, and only its service may', async () => {
      const serviceApiKey = await newService()
      const other = await newService()
      const first = await newWebhook(serviceApiKey, { description: 'audit sink' })
      const second = await newWebhook(serviceApiKey, { kinds: ['client.deleted'] })
      assert.deepEqual(
        (await store.listWebhooks(serviceApiKey)).map((webhook) => webhook.id).sort(),
        [first.id, second.id].sort(),
      )
      assert.deepEqual(
        (await store.listWebhooks(serviceApiKey)).find((webhook) => webhook.id === first.id),
        first,
      )
      assert.deepEqual(await store.listWebhooks(other), [])

      await event(serviceApiKey, 1)
      assert.equal((await store.listWebhookDeliveries(serviceApiKey, first.id, 100))?.length, 1)
      assert.deepEqual(await store.listWebhookDeliveries(serviceApiKey, second.id, 100), [])
      assert.equal(await store.listWebhookDeliveries(other, first.id, 100), undefined)

      assert.equal(await store.deleteWebhook(other, first.id), false)
      assert.equal(await store.deleteWebhook(serviceApiKey, first.id), true)
      assert.equal(await store.deleteWebhook(serviceApiKey, first.id), false)
      assert.equal(await store.listWebhookDeliveries(serviceApiKey, first.id, 100), undefined)
      assert.deepEqual(mine(first, await claim()), [])
    })

    test('claims a due delivery with its webhook and event, once until its lease runs out', async () => {
      const serviceApiKey = await newService()
      const webhook = await newWebhook(serviceApiKey)
      const number = await event(serviceApiKey, 7)
      await harness.record({
        serviceApiKey,
        kind: 'client.read',
        actor: 'admin',
        at: NOW,
      })
      assert.deepEqual(mine(webhook, await claim(NOW - 1)), [], 'not due yet')

      const [delivery, ...rest] = mine(webhook, await claim())
      assert.deepEqual(rest, [], 'a kind the webhook did not ask for is not queued')
      assert.deepEqual(delivery.webhook, {
        id: webhook.id,
        url: webhook.url,
        secret: webhook.secret,
      })
      assert.equal(delivery.attempts, 0)
      assert.deepEqual(delivery.event, {
        number,
        serviceApiKey,
        clientId: 7,
        kind: 'client.updated',
        actor: 'admin',
        requestId: 'req-1',
        at: NOW,
        detail: { version: 2 },
      })
      assert.deepEqual(mine(webhook, await claim(NOW + 1, 'node-b')), [], 'leased to node-a')

      const [again] = mine(webhook, await claim(NOW + LEASE, 'node-b'))
      assert.equal(again.number, delivery.number, 'the lease ran out')
      await store.completeWebhookDelivery(delivery)
      assert.equal((await store.listWebhookDeliveries(serviceApiKey, webhook.id, 100))?.length, 1)
      await store.completeWebhookDelivery(again)
      assert.deepEqual(await store.listWebhookDeliveries(serviceApiKey, webhook.id, 100), [])
    })

    test("holds a client's later events while an earlier one is pending; a failed one stops holding them", async () => {
      const serviceApiKey = await newService()
      const webhook = await newWebhook(serviceApiKey)
      const a1 = await event(serviceApiKey, 1)
      const a2 = await event(serviceApiKey, 1)
      const b1 = await event(serviceApiKey, 2)
      const none1 = await event(serviceApiKey, undefined)
      const none2 = await event(serviceApiKey, undefined)

      const first = mine(webhook, await claim())
      assert.deepEqual(
        first.map((delivery) => delivery.event.number),
        [a1, b1, none1, none2],
      )
      assert.deepEqual(mine(webhook, await claim(NOW + LEASE + 1, 'node-b')).length, 4)

      const [lease] = first
      const leases = mine(webhook, await claim(NOW + 3 * LEASE, 'node-c'))
      const a1Lease = leases.find((delivery) => delivery.event.number === a1)!
      await store.retryWebhookDelivery(a1Lease, { dueAt: NOW + 10 * LEASE, error: 'HTTP 503' })
      await store.retryWebhookDelivery(lease, { dueAt: NOW, error: 'stale lease' })
      await settle(leases.filter((delivery) => delivery !== a1Lease))
      assert.deepEqual(mine(webhook, await claim(NOW + 4 * LEASE)), [], 'a2 waits for a1')

      const listed = await store.listWebhookDeliveries(serviceApiKey, webhook.id, 100)
      assert.deepEqual(listed, [
        {
          number: a1Lease.number,
          webhookId: webhook.id,
          eventNumber: a1,
          dueAt: NOW + 10 * LEASE,
          attempts: 1,
          lastError: 'HTTP 503',
        },
        {
          number: listed![1].number,
          webhookId: webhook.id,
          eventNumber: a2,
          dueAt: NOW,
          attempts: 0,
        },
      ])

      const [retried] = mine(webhook, await claim(NOW + 10 * LEASE))
      assert.equal(retried.event.number, a1)
      assert.equal(retried.attempts, 1)
      await store.failWebhookDelivery(retried, { failedAt: NOW + 10 * LEASE, error: 'HTTP 500' })
      const [next] = mine(webhook, await claim(NOW + 10 * LEASE))
      assert.equal(next.event.number, a2, 'a failed delivery no longer holds the client back')
      await settle([next])
      const [failed] = (await store.listWebhookDeliveries(serviceApiKey, webhook.id, 100))!
      assert.equal(failed.failedAt, NOW + 10 * LEASE)
      assert.equal(failed.attempts, 2)
      assert.deepEqual(mine(webhook, await claim(NOW + 100 * LEASE)), [], 'never tried again')
    })

    test('drops a delivery whose event was pruned', async () => {
      const serviceApiKey = await newService()
      const webhook = await newWebhook(serviceApiKey)
      const pruned = await event(serviceApiKey, 3)
      const kept = await event(serviceApiKey, 4)
      await harness.prune(pruned)
      const claimed = mine(webhook, await claim())
      assert.deepEqual(
        claimed.map((delivery) => delivery.event.number),
        [kept],
      )
      await settle(claimed)
      assert.deepEqual(await store.listWebhookDeliveries(serviceApiKey, webhook.id, 100), [])
    })
  })
}
