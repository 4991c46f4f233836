/**
 * The end of a client's life: deletion that can be undone for a while, and the reaping of
 * clients no one uses. MCP hosts register a client per installation and never delete it
 * (the MCP SDK drops the registration access token), so a service may set
 * `clientIdleLifetime` to reap them; every deletion, by the client (RFC 7592 §2.3), by an
 * administrator or by the reaper, is soft while the service's `clientRestoreWindow` is
 * above 0: the row is marked (`deletedAt`) and the client is unknown to every endpoint from
 * that moment (records.ts, isGone), then purged once the window has passed. A restore within
 * the window brings it back with its secret and registration access token.
 */
import { OAuthError, numericId } from '../wire/index.js'
import { principalActor, type AuditEvent, type RequestOrigin } from './audit.js'
import { lifecycleEvent, recordEvent, storeRecordsEvents } from './audit-events.js'
import type { EngineContext } from './context.js'
import { isExpired, type ClientRecord, type ServiceRecord } from './records.js'
import { capReached, capsOf } from './client-caps.js'
import { policyFor } from './service-cache.js'
import { ClientCapReachedError, type ReapedClient } from './store.js'

/** `clientRestoreWindow` of a service that sets none: seconds (7 days). */
export const DEFAULT_RESTORE_WINDOW_SECONDS = 604_800
/**
 * The shortest `clientIdleLifetime` other than 0: seconds (1 day). A use is recorded at most
 * once an hour (last-use.ts), and a client used every day must never look idle.
 */
export const MIN_IDLE_LIFETIME_SECONDS = 86_400
/** Clients one statement of the sweep reaps or purges at most. */
export const SWEEP_BATCH = 500
/** Services the sweep reads a page at a time. */
const SERVICES_PER_PAGE = 100

/** The actor of the sweep's events. */
const SWEEP_ACTOR = 'system'

/** Refuses an idle lifetime too short to tell an idle client from one in use. */
export function checkIdleLifetime(seconds: unknown): void {
  if (typeof seconds === 'number' && seconds > 0 && seconds < MIN_IDLE_LIFETIME_SECONDS) {
    throw new OAuthError(
      'invalid_request',
      `clientIdleLifetime must be 0 (off) or at least ${MIN_IDLE_LIFETIME_SECONDS} seconds`,
    )
  }
}

/** How long the service keeps a deleted client restorable, in milliseconds. */
export function restoreWindowOf(service: ServiceRecord): number {
  return (service.settings.clientRestoreWindow ?? DEFAULT_RESTORE_WINDOW_SECONDS) * 1000
}

/** How long a client of the service may go unused, in milliseconds; 0 = forever. */
function idleLifetimeOf(service: ServiceRecord): number {
  return (service.settings.clientIdleLifetime ?? 0) * 1000
}

/**
 * Deletes the client as read, softly while the service keeps deleted clients restorable;
 * false when it was gone already. Its audit event (`eventOf`) is written with it, in the
 * change's transaction when the store keeps the trail.
 */
export async function deleteRecorded(
  context: EngineContext,
  service: ServiceRecord,
  client: ClientRecord,
  eventOf: () => AuditEvent,
): Promise<boolean> {
  const withChange = storeRecordsEvents(context)
  const event = context.audit && eventOf()
  const written = withChange ? event : undefined
  const { serviceApiKey, clientId } = client
  const deleted =
    restoreWindowOf(service) > 0
      ? await context.store.softDeleteClient(serviceApiKey, clientId, context.now(), written)
      : await context.store.deleteClient(serviceApiKey, clientId, written)
  if (deleted && event && !withChange) await recordEvent(context, event)
  return deleted
}

/**
 * Brings back a client deleted or reaped within the service's restore window, with its
 * secret and registration access token; OAuthError not_found for a client that is live,
 * unknown, or deleted longer ago than the window.
 */
export async function restoreClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  origin?: RequestOrigin,
): Promise<ClientRecord> {
  const id = numericId(clientId)
  const notFound = () =>
    new OAuthError(
      'not_found',
      `no deleted client ${clientId} to restore in service ${service.apiKey}`,
    )
  if (id === undefined) throw notFound()
  const now = context.now()
  const found = await context.store.getClient(service.apiKey, id)
  // A client on probation that expired meanwhile stays unknown: nothing to bring back.
  if (found?.deletedAt === undefined || isExpired(found, now)) throw notFound()
  const withChange = storeRecordsEvents(context)
  const event =
    context.audit &&
    lifecycleEvent(
      context,
      'client.restored',
      service.apiKey,
      principalActor(origin?.principal),
      origin,
      {
        ...found,
        version: found.version + 1,
      },
    )
  // Back under the service's cap, as a registration is (client-caps.ts).
  const { maxClients } = capsOf(policyFor(service))
  const deletedSince = now - restoreWindowOf(service)
  const restored = await context.store.restoreClient(
    service.apiKey,
    id,
    { deletedSince, at: now, ...(maxClients !== undefined && { maxClients }) },
    withChange ? event : undefined,
  )
  if (!restored) {
    const still = await context.store.getClient(service.apiKey, id)
    const restorable = still?.deletedAt !== undefined && still.deletedAt >= deletedSince
    if (!restorable || maxClients === undefined) throw notFound()
    const full = capReached(new ClientCapReachedError('maxClients', maxClients), still)
    throw new OAuthError('invalid_request', `${full.message}: delete a client first`)
  }
  if (event && !withChange) await recordEvent(context, event)
  return restored
}

/** What one sweep did, in all services. */
export interface ClientSweepReport {
  /** Clients taken for idleness (soft-deleted, or deleted outright with no restore window). */
  reaped: number
  /** Deleted clients whose restore window had passed, deleted for good. */
  purged: number
}

/**
 * Reaps the clients idle past their service's `clientIdleLifetime` and purges those deleted
 * longer ago than its `clientRestoreWindow`, service by service, in batches (each a
 * statement over an index, store/migrations.ts), each client with its audit event.
 */
export async function sweepClients(context: EngineContext): Promise<ClientSweepReport> {
  const report: ClientSweepReport = { reaped: 0, purged: 0 }
  for (let start = 0; ; start += SERVICES_PER_PAGE) {
    const page = await context.store.listServices({ start, end: start + SERVICES_PER_PAGE })
    for (const service of page.items) {
      report.reaped += await reapIdle(context, service)
      report.purged += await purgeDeleted(context, service)
    }
    if (start + SERVICES_PER_PAGE >= page.totalCount) return report
  }
}

async function reapIdle(context: EngineContext, service: ServiceRecord): Promise<number> {
  const lifetime = idleLifetimeOf(service)
  if (lifetime === 0) return 0
  const now = context.now()
  const window = restoreWindowOf(service)
  const reap = {
    idleBefore: now - lifetime,
    limit: SWEEP_BATCH,
    ...(window > 0 && { deleteAt: now }),
  }
  return inBatches(context, service, 'client.reaped', (eventsOf) =>
    context.store.reapIdleClients(service.apiKey, reap, eventsOf),
  )
}

async function purgeDeleted(context: EngineContext, service: ServiceRecord): Promise<number> {
  const purge = { deletedBefore: context.now() - restoreWindowOf(service), limit: SWEEP_BATCH }
  return inBatches(context, service, 'client.purged', (eventsOf) =>
    context.store.purgeDeletedClients(service.apiKey, purge, eventsOf),
  )
}

/** Runs `take` until a batch comes back short; each client taken is an event of `kind`. */
async function inBatches(
  context: EngineContext,
  service: ServiceRecord,
  kind: 'client.reaped' | 'client.purged',
  take: (eventsOf?: (clients: ReapedClient[]) => AuditEvent[]) => Promise<ReapedClient[]>,
): Promise<number> {
  const eventsOf = (clients: ReapedClient[]) =>
    clients.map((client) =>
      lifecycleEvent(context, kind, service.apiKey, SWEEP_ACTOR, undefined, client),
    )
  const withChange = storeRecordsEvents(context)
  let total = 0
  for (;;) {
    const taken = await take(withChange ? eventsOf : undefined)
    if (context.audit && !withChange && taken.length > 0)
      await context.audit.append(eventsOf(taken))
    total += taken.length
    if (taken.length < SWEEP_BATCH) return total
  }
}
