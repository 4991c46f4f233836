/**
 * The webhook outbox's claims. Sealing audit events (audit-chain.ts) queues one delivery per
 * event and webhook; a dispatcher on any node claims what is due with one UPDATE ...
 * RETURNING that sets a lease (leased_by, leased_until). On PostgreSQL the rows to claim are picked FOR UPDATE
 * SKIP LOCKED, so nodes claiming at once take disjoint rows and none waits for another; a
 * row another node claimed meanwhile is re-checked under its lock and no longer qualifies.
 * SQLite has one writer, so the same statement, without the locking clause, is atomic.
 *
 * A delivery is claimable when due, unleased (or its lease ran out), not failed, and no
 * earlier delivery of its webhook and client is still in the outbox unfailed: a client's
 * events go out one at a time, in order. Each statement then names its lease, so a
 * dispatcher whose lease ran out (and whose delivery another node took) changes nothing.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type {
  ClaimedWebhookDelivery,
  WebhookDeliveryClaim,
  WebhookDeliveryLease,
  WebhookEvent,
} from '../engine/index.js'
import type { AuditEventRow, Database, Flavor } from './schema.js'

function claimableNumbers(db: Kysely<Database>, flavor: Flavor, claim: WebhookDeliveryClaim) {
  const query = db
    .selectFrom('webhook_deliveries as d')
    .select('d.number')
    .where('d.failed_at', 'is', null)
    .where('d.due_at', '<=', claim.now)
    .where((eb) => eb.or([eb('d.leased_until', 'is', null), eb('d.leased_until', '<=', claim.now)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as earlier')
            .select(sql.lit(1).as('one'))
            .whereRef('earlier.webhook_id', '=', 'd.webhook_id')
            .whereRef('earlier.client_id', '=', 'd.client_id')
            .whereRef('earlier.number', '<', 'd.number')
            .where('earlier.failed_at', 'is', null),
        ),
      ),
    )
    .orderBy('d.number')
    .limit(claim.limit)
  return flavor === 'postgres' ? query.forUpdate().skipLocked() : query
}

function toWebhookEvent(row: AuditEventRow): WebhookEvent {
  return {
    number: row.number,
    serviceApiKey: row.service_api_key,
    ...(row.client_id !== null && { clientId: row.client_id }),
    kind: row.kind,
    actor: row.actor,
    ...(row.request_id !== null && { requestId: row.request_id }),
    at: row.at,
    ...(row.detail !== null && { detail: JSON.parse(row.detail) as Record<string, unknown> }),
  }
}

/** The lease's own row, and only while the lease holds it. */
const leasedRow =
  (lease: WebhookDeliveryLease) => (eb: ExpressionBuilder<Database, 'webhook_deliveries'>) =>
    eb.and({ number: lease.number, leased_by: lease.leasedBy, leased_until: lease.leasedUntil })

export async function claimWebhookDeliveries(
  db: Kysely<Database>,
  flavor: Flavor,
  claim: WebhookDeliveryClaim,
): Promise<ClaimedWebhookDelivery[]> {
  // SQLite's UPDATE takes the one write lock even when it changes nothing: an idle poll
  // (every node's, twice a second) only reads.
  if (flavor === 'sqlite' && !(await claimableNumbers(db, flavor, claim).executeTakeFirst())) {
    return []
  }
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set({ leased_by: claim.leasedBy, leased_until: claim.leasedUntil })
    .where('number', 'in', claimableNumbers(db, flavor, claim))
    .returning(['number', 'webhook_id', 'event_number', 'attempts'])
    .execute()
  if (claimed.length === 0) return []
  const [webhooks, events] = await Promise.all([
    db
      .selectFrom('webhooks')
      .select(['id', 'url', 'secret'])
      .where('id', 'in', [...new Set(claimed.map((row) => row.webhook_id))])
      .execute(),
    db
      .selectFrom('audit_events')
      .selectAll()
      .where('number', 'in', [...new Set(claimed.map((row) => row.event_number))])
      .execute(),
  ])
  const webhookById = new Map(webhooks.map((webhook) => [webhook.id, webhook]))
  const eventByNumber = new Map(events.map((event) => [event.number, event]))
  const lease = { leasedBy: claim.leasedBy, leasedUntil: claim.leasedUntil }
  const deliveries: ClaimedWebhookDelivery[] = []
  for (const row of claimed.sort((a, b) => a.number - b.number)) {
    const webhook = webhookById.get(row.webhook_id)
    const event = eventByNumber.get(row.event_number)
    // A webhook deleted since took its deliveries with it; a pruned event is not sent.
    if (!webhook) continue
    if (!event) {
      await completeWebhookDelivery(db, { number: row.number, ...lease })
      continue
    }
    deliveries.push({
      number: row.number,
      ...lease,
      attempts: row.attempts,
      webhook,
      event: toWebhookEvent(event),
    })
  }
  return deliveries
}

export async function completeWebhookDelivery(
  db: Kysely<Database>,
  lease: WebhookDeliveryLease,
): Promise<void> {
  await db.deleteFrom('webhook_deliveries').where(leasedRow(lease)).execute()
}

export async function retryWebhookDelivery(
  db: Kysely<Database>,
  lease: WebhookDeliveryLease,
  retry: { dueAt: number; error: string },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      due_at: retry.dueAt,
      last_error: retry.error,
      leased_by: null,
      leased_until: null,
    }))
    .where(leasedRow(lease))
    .execute()
}

export async function failWebhookDelivery(
  db: Kysely<Database>,
  lease: WebhookDeliveryLease,
  failure: { failedAt: number; error: string },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      failed_at: failure.failedAt,
      last_error: failure.error,
      leased_by: null,
      leased_until: null,
    }))
    .where(leasedRow(lease))
    .execute()
}
