/**
 * A service's webhooks, as rows: the kinds a webhook is sent are one text column with a
 * comma at each end (`,client.created,client.deleted,`), so sealing an event finds the
 * webhooks that want it with one LIKE `%,<kind>,%` (audit-chain.ts). Deleting a webhook deletes
 * its deliveries with it (a foreign key's cascade).
 */
import type { Kysely } from 'kysely'
import type { WebhookDeliveryRecord, WebhookRecord } from '../engine/index.js'
import type { WebhookEventKind } from '../wire/index.js'
import type { Database, WebhookDeliveryRow, WebhookRow } from './schema.js'
import { storableRow } from './storable.js'

export function toWebhookRow(record: WebhookRecord): WebhookRow {
  return {
    id: record.id,
    service_api_key: record.serviceApiKey,
    url: record.url,
    secret: record.secret,
    kinds: `,${record.kinds.join(',')},`,
    description: record.description ?? null,
    created_at: record.createdAt,
  }
}

export function toWebhookRecord(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    serviceApiKey: row.service_api_key,
    url: row.url,
    secret: row.secret,
    kinds: row.kinds.split(',').filter(Boolean) as WebhookEventKind[],
    ...(row.description !== null && { description: row.description }),
    createdAt: row.created_at,
  }
}

function toDeliveryRecord(row: WebhookDeliveryRow): WebhookDeliveryRecord {
  return {
    number: row.number,
    webhookId: row.webhook_id,
    eventNumber: row.event_number,
    dueAt: row.due_at,
    attempts: row.attempts,
    ...(row.last_error !== null && { lastError: row.last_error }),
    ...(row.failed_at !== null && { failedAt: row.failed_at }),
  }
}

export async function insertWebhook(db: Kysely<Database>, record: WebhookRecord): Promise<void> {
  await db
    .insertInto('webhooks')
    .values(storableRow(() => toWebhookRow(record)))
    .execute()
}

export async function listWebhooks(
  db: Kysely<Database>,
  serviceApiKey: number,
): Promise<WebhookRecord[]> {
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('service_api_key', '=', serviceApiKey)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map(toWebhookRecord)
}

export async function deleteWebhook(
  db: Kysely<Database>,
  serviceApiKey: number,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('id', '=', id)
    .where('service_api_key', '=', serviceApiKey)
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

export async function listWebhookDeliveries(
  db: Kysely<Database>,
  serviceApiKey: number,
  webhookId: string,
  limit: number,
): Promise<WebhookDeliveryRecord[] | undefined> {
  const webhook = await db
    .selectFrom('webhooks')
    .select('id')
    .where('id', '=', webhookId)
    .where('service_api_key', '=', serviceApiKey)
    .executeTakeFirst()
  if (!webhook) return undefined
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('number')
    .limit(limit)
    .execute()
  return rows.map(toDeliveryRecord)
}
