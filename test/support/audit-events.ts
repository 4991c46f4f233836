/**
 * Audit events written straight into a database, sealed as the audit sealer seals them
 * as far as the outbox sees: the event row, and in the same transaction a delivery for
 * each webhook of its service that asks for its kind. For store tests of the webhook
 * outbox that need events of their own making (kinds, clients, order).
 */
import type { Kysely } from 'kysely'
import type { WebhookEvent } from '../../src/engine/index.js'
import type { Database } from '../../src/store/index.js'

export type NewAuditEvent = Omit<WebhookEvent, 'number'>

/** A writer of events; each call resolves the event's number. */
export function auditLog(db: Kysely<Database>): (event: NewAuditEvent) => Promise<number> {
  return (event) =>
    db.transaction().execute(async (trx) => {
      const { number } = await trx
        .insertInto('audit_events')
        .values({
          service_api_key: event.serviceApiKey,
          client_id: event.clientId ?? null,
          kind: event.kind,
          actor: event.actor,
          request_id: event.requestId ?? null,
          at: event.at,
          detail: event.detail === undefined ? null : JSON.stringify(event.detail),
          detail_hash: '-',
        })
        .returning('number')
        .executeTakeFirstOrThrow()
      const webhooks = await trx
        .selectFrom('webhooks')
        .select('id')
        .where('service_api_key', '=', event.serviceApiKey)
        .where('kinds', 'like', `%,${event.kind},%`)
        .execute()
      for (const { id } of webhooks) {
        await trx
          .insertInto('webhook_deliveries')
          .values({
            webhook_id: id,
            event_number: number,
            client_id: event.clientId ?? null,
            due_at: event.at,
            attempts: 0,
          })
          .execute()
      }
      return number
    })
}
