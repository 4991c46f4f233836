/**
 * The orphan report (wire/client-orphans.ts): a service's live clients never used, and its
 * clients that look like one registered many times over (the same software_id, client_name
 * or redirect_uris, RFC 7591 §2). Read on demand, page by page through the store's listing,
 * at most ORPHAN_SCAN_LIMIT clients a report; it changes nothing.
 *
 * Client ID Metadata Document clients are listed as never used too (by their number and URL,
 * from when their document was first fetched). They are in no duplicate group: a URL is one
 * client however often it is resolved, and nothing is registered again.
 */
import {
  DEFAULT_ORPHAN_AGE_SECONDS,
  DEFAULT_ORPHAN_LIMIT,
  MAX_ORPHAN_LIMIT,
  MAX_PAGE_SIZE,
  ORPHAN_GROUP_MEMBERS,
  type ClientOrphanReport,
  type DuplicateGroup,
  type OrphanClient,
} from '../wire/index.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'

/** Live clients one report examines at most; `complete: false` says when there are more. */
export const ORPHAN_SCAN_LIMIT = 50_000

export interface OrphanRequest {
  /** Seconds a never-used client must be old to be listed. @default 86400 */
  olderThan?: number
  /** Never-used clients, and groups of each kind, listed at most. @default 100, at most 1000 */
  limit?: number
}

type GroupKind = keyof ClientOrphanReport['duplicates']

/** What each kind of duplicate groups by; undefined leaves the client out of that kind. */
const GROUP_KEYS: Record<GroupKind, (client: ClientRecord) => string | undefined> = {
  softwareId: (client) => client.metadata.software_id,
  clientName: (client) => client.metadata.client_name,
  // A set: the same URIs in another order are the same client (RFC 7591 §2 redirect_uris).
  redirectUris: (client) => {
    const uris = client.metadata.redirect_uris
    return uris?.length ? [...new Set(uris)].sort().join(' ') : undefined
  },
}

/** The service's orphan report at the engine's now. */
export async function clientOrphans(
  context: EngineContext,
  service: ServiceRecord,
  request: OrphanRequest = {},
): Promise<ClientOrphanReport> {
  const limit = Math.min(Math.max(1, request.limit ?? DEFAULT_ORPHAN_LIMIT), MAX_ORPHAN_LIMIT)
  const now = context.now()
  const bornBefore = now - (request.olderThan ?? DEFAULT_ORPHAN_AGE_SECONDS) * 1000
  const neverUsed: ClientRecord[] = []
  const groups = {
    softwareId: new Map<string, ClientRecord[]>(),
    clientName: new Map<string, ClientRecord[]>(),
    redirectUris: new Map<string, ClientRecord[]>(),
  }
  let scanned = 0
  let total = 0
  while (scanned < ORPHAN_SCAN_LIMIT) {
    const page = await context.store.listClients(service.apiKey, {
      start: scanned,
      end: scanned + Math.min(MAX_PAGE_SIZE, ORPHAN_SCAN_LIMIT - scanned),
      now,
    })
    total = page.totalCount
    for (const client of page.items) {
      if (client.lastUsedAt === undefined && client.createdAt <= bornBefore) neverUsed.push(client)
      for (const kind of Object.keys(groups) as GroupKind[]) {
        const key = GROUP_KEYS[kind](client)
        if (key !== undefined) groupOf(groups[kind], key).push(client)
      }
    }
    scanned += page.items.length
    if (page.items.length === 0 || scanned >= total) break
  }
  const documents = await neverUsedDocumentClients(context, service, bornBefore, scanned)
  scanned += documents.scanned
  const orphans = [...neverUsed.map(orphanOf), ...documents.orphans]
  orphans.sort((a, b) => a.createdAt - b.createdAt)
  return {
    neverUsed: { count: orphans.length, clients: orphans.slice(0, limit) },
    duplicates: {
      softwareId: duplicateGroups(groups.softwareId, limit),
      clientName: duplicateGroups(groups.clientName, limit),
      redirectUris: duplicateGroups(groups.redirectUris, limit),
    },
    scanned,
    complete: scanned >= total + documents.total,
  }
}

/** The service's document clients never used whose first version is older than `bornBefore`. */
async function neverUsedDocumentClients(
  context: EngineContext,
  service: ServiceRecord,
  bornBefore: number,
  alreadyScanned: number,
): Promise<{ orphans: OrphanClient[]; scanned: number; total: number }> {
  const orphans: OrphanClient[] = []
  let scanned = 0
  let more = true
  while (more && alreadyScanned + scanned < ORPHAN_SCAN_LIMIT) {
    const size = Math.min(MAX_PAGE_SIZE, ORPHAN_SCAN_LIMIT - alreadyScanned - scanned)
    const page = await context.store.listMetadataDocumentClients(service.apiKey, {
      start: scanned,
      end: scanned + size,
    })
    for (const client of page) {
      const { firstFetchedAt, clientNumber, lastUsedAt, url } = client
      if (lastUsedAt !== undefined || firstFetchedAt === undefined) continue
      if (firstFetchedAt > bornBefore || clientNumber === undefined) continue
      orphans.push({ clientId: clientNumber, documentUrl: url, createdAt: firstFetchedAt })
    }
    scanned += page.length
    more = page.length === size
  }
  // One more than scanned when the limit stopped the scan: the report says it is incomplete.
  return { orphans, scanned, total: more ? scanned + 1 : scanned }
}

function groupOf(groups: Map<string, ClientRecord[]>, key: string): ClientRecord[] {
  let group = groups.get(key)
  if (!group) groups.set(key, (group = []))
  return group
}

/** Groups of two clients or more, the largest first (then by key), at most `limit`. */
function duplicateGroups(groups: Map<string, ClientRecord[]>, limit: number): DuplicateGroup[] {
  return [...groups]
    .filter(([, clients]) => clients.length > 1)
    .sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([key, clients]) => ({
      key,
      count: clients.length,
      clients: clients
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, ORPHAN_GROUP_MEMBERS)
        .map(orphanOf),
    }))
}

function orphanOf(client: ClientRecord): OrphanClient {
  const { software_id: softwareId, client_name: clientName } = client.metadata
  return {
    clientId: client.clientId,
    ...(clientName !== undefined && { clientName }),
    ...(softwareId !== undefined && { softwareId }),
    createdAt: client.createdAt,
    ...(client.lastUsedAt !== undefined && { lastUsedAt: client.lastUsedAt }),
  }
}
