/**
 * Client ID Metadata Documents (CIMD): a client_id that is an https URL names the document
 * holding the client's metadata, which the service fetches instead of a registration.
 * Section numbers are those of draft-ietf-oauth-client-id-metadata-document-02 (the MCP
 * authorization spec's reference).
 *
 * The fetch is safeFetch's (https only, every address of the name checked and the
 * connection pinned to it, no private, loopback or link-local address unless the server runs
 * with --cimd-allow-private, no redirect, a time and a size limit: §5, §8.6, §8.7); the
 * service's host allowlist is checked before it. The document must pass the rules of
 * metadata-document-rules.ts. A resolved client is cached per service and URL for what its
 * Cache-Control or Expires say, within the service's bounds (§5.2), and only while the
 * approved version the store holds is the one it was built from, so an approval on any node
 * sharing the store takes effect on every node at its next resolve. A refusal of a fetched
 * URL is kept for REFUSAL_SECONDS (at most the service's minimum lifetime), so a bad URL does
 * not make every request a fetch. Every refusal is an OAuthError whose text says why.
 */
import { isOAuthError, numericId, OAuthError } from '../wire/index.js'
import { recordEvent } from './audit-events.js'
import type { EngineContext } from './context.js'
import { cacheBounds, hostAllowed } from './client-id-metadata-settings.js'
import { findClient } from './find-client.js'
import { GenerationalCache } from './generational-cache.js'
import { useIsDue } from './last-use.js'
import { pinnedDiff, usableDocument } from './metadata-document-approval.js'
import {
  checkedUrl,
  documentClient,
  jsonDocument,
  lifetimeSeconds,
  MAX_DOCUMENT_BYTES,
  refusal,
} from './metadata-document-rules.js'
import {
  MAX_DOCUMENT_CLIENT_NUMBER,
  type MetadataDocumentClient,
} from './metadata-document-store.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { FetchRefusedError, safeFetch } from './safe-fetch.js'

/** Connecting and answering together, in milliseconds. */
export const FETCH_TIMEOUT_MILLISECONDS = 5000
/**
 * Seconds a refused URL is refused again without a fetch: long enough that a client retrying
 * a bad URL costs one fetch a half minute, short enough that a fixed document is soon used.
 * Never longer than the service's minimum lifetime, so a service that keeps nothing
 * (clientIdMetadataDocumentCacheMinSeconds 0) fetches on every resolve.
 */
export const REFUSAL_SECONDS = 30
/** Resolved documents, and refusals, held at most across services (generational-cache.ts). */
const MAX_CACHED = 10_000

/** Whether a client_id is meant as a document URL (so it is never a numeric id or alias). */
export function isUrlClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(clientId)
}

/** Whether the service resolves this client_id as a document URL (off: it is unknown). */
export function resolvesDocument(service: ServiceRecord, clientId: unknown): clientId is string {
  return service.settings.clientIdMetadataDocumentSupported === true && isUrlClientId(clientId)
}

/**
 * The client credentials name (client-credentials.ts): a document's when the service
 * resolves URL client_ids, else a registered one. A document that cannot be used refuses
 * the client as invalid_client (RFC 6749 §5.2), still saying why: the document is public.
 */
export async function credentialClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string,
): Promise<ClientRecord | undefined> {
  if (!resolvesDocument(service, clientId)) return findClient(context, service, clientId)
  try {
    return await context.clientIdMetadataDocuments.resolve(context, service, clientId)
  } catch (error) {
    if (!isOAuthError(error)) throw error
    throw new OAuthError('invalid_client', error.message)
  }
}

/**
 * The URL of the document client a decimal client id numbers, when the service resolves
 * documents (client/get of a document client's clientId); undefined otherwise.
 */
export async function numberedDocumentUrl(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
): Promise<string | undefined> {
  if (service.settings.clientIdMetadataDocumentSupported !== true) return undefined
  const id = numericId(clientId)
  if (id === undefined || id < 1 || id > MAX_DOCUMENT_CLIENT_NUMBER) return undefined
  return context.store.metadataDocumentUrl(service.apiKey, id)
}

interface Fetched {
  /** The client as its usable document describes it, without its number. */
  client: ClientRecord
  /** Milliseconds since the epoch. */
  until: number
}

interface Cached extends Fetched {
  /** The approved version the store held when the client was built. */
  approvedVersion: number | undefined
}

interface Refused {
  error: OAuthError
  until: number
}

export class ClientIdMetadataDocuments {
  readonly #cache = new GenerationalCache<string, Cached>(MAX_CACHED)
  readonly #refusals = new GenerationalCache<string, Refused>(MAX_CACHED)
  /** One fetch at a time per key: concurrent resolves of one URL share it. */
  readonly #pending = new Map<string, Promise<Fetched>>()
  /** The use last written per service and URL (noteUse). */
  readonly #uses = new GenerationalCache<string, number>(MAX_CACHED)
  readonly #allowPrivate: boolean

  constructor(options: { allowPrivate?: boolean } = {}) {
    this.#allowPrivate = options.allowPrivate ?? false
  }

  /**
   * The client the document at `clientId` describes, with its number (clientId) and last
   * use from the store; from the cache while it is fresh and its approved version is still
   * the stored one. OAuthError invalid_client_metadata (or invalid_redirect_uri) saying why
   * otherwise.
   */
  async resolve(
    context: EngineContext,
    service: ServiceRecord,
    clientId: string,
  ): Promise<ClientRecord> {
    const url = checkedUrl(clientId)
    if (!hostAllowed(service.settings.clientIdMetadataDocumentHosts, url)) {
      throw refusal(clientId, `its host ${url.host} is not in the service's allowed hosts`)
    }
    // A change of the service's settings or policy starts afresh: its rules may differ.
    const key = `${service.apiKey} ${service.modifiedAt} ${clientId}`
    const now = context.now()
    const refused = this.#refusals.get(key)
    if (refused && refused.until > now) throw refused.error
    // One read by primary key: the number, last use and approved version any node wrote.
    let row = await context.store.metadataDocumentClient(service.apiKey, clientId)
    const cached = this.#cache.get(key)
    if (cached && cached.until > now && cached.approvedVersion === row?.approvedVersion) {
      return numbered(cached.client, row)
    }
    const fresh = await this.#fetchOnce(context, service, clientId, url, key)
    row = await context.store.metadataDocumentClient(service.apiKey, clientId)
    this.#cache.set(key, { ...fresh, approvedVersion: row?.approvedVersion })
    return numbered(fresh.client, row)
  }

  /** Drops the URL's cached client, so that this node's next resolve fetches (an approval). */
  forget(service: ServiceRecord, clientId: string): void {
    this.#cache.delete(`${service.apiKey} ${service.modifiedAt} ${clientId}`)
  }

  /**
   * Records a use of the document's client (client/authenticate) as a registered client's
   * is: at most once an hour, which this node remembers as the client has no row to read.
   */
  async noteUse(context: EngineContext, client: ClientRecord): Promise<void> {
    const url = client.extras.clientIdAlias
    if (typeof url !== 'string') return
    const key = `${client.serviceApiKey} ${url}`
    const now = context.now()
    if (!useIsDue(this.#uses.get(key), now)) return
    this.#uses.set(key, now)
    await context.store.recordMetadataDocumentUse(client.serviceApiKey, url, now)
  }

  /** The fetch concurrent resolves of one key share; a refusal is kept (REFUSAL_SECONDS). */
  #fetchOnce(
    context: EngineContext,
    service: ServiceRecord,
    clientId: string,
    url: URL,
    key: string,
  ): Promise<Fetched> {
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = this.#fetch(context, service, clientId, url)
        .catch((error: unknown) => {
          const seconds = Math.min(REFUSAL_SECONDS, cacheBounds(service.settings).min)
          if (error instanceof OAuthError && seconds > 0) {
            this.#refusals.set(key, { error, until: context.now() + seconds * 1000 })
          }
          throw error
        })
        .finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }

  async #fetch(
    context: EngineContext,
    service: ServiceRecord,
    clientId: string,
    url: URL,
  ): Promise<Fetched> {
    let response: Response
    try {
      response = await safeFetch(url.href, {
        allowPrivate: this.#allowPrivate,
        timeoutMilliseconds: FETCH_TIMEOUT_MILLISECONDS,
        maxBytes: MAX_DOCUMENT_BYTES,
        headers: { accept: 'application/json' },
      })
    } catch (error) {
      if (error instanceof FetchRefusedError) throw refusal(clientId, error.message)
      throw error
    }
    // §5: the document is the body of a 200 answer.
    if (response.status !== 200) {
      throw refusal(clientId, `it answered HTTP ${response.status}, not 200`)
    }
    const document = await jsonDocument(clientId, response)
    const fetchedAt = context.now()
    // Checked before it is pinned: a document that cannot be used is never a version.
    let client = await documentClient(service, clientId, document, fetchedAt)
    const usable = await pin(context, service, clientId, document, fetchedAt)
    if (usable.held) client = await documentClient(service, clientId, usable.document, fetchedAt)
    return { client, until: fetchedAt + lifetimeSeconds(service, response, fetchedAt) * 1000 }
  }
}

/**
 * The client with its number (metadata-document-store.ts: positive, below every registered
 * client's id, kept for good) as clientId, and its last use.
 */
function numbered(client: ClientRecord, row: MetadataDocumentClient | undefined): ClientRecord {
  return {
    ...client,
    clientId: row?.clientNumber ?? 0,
    ...(row?.lastUsedAt !== undefined && { lastUsedAt: row.lastUsedAt }),
  }
}

/**
 * Pins the usable document as the URL's next version when it differs from the last one,
 * chooses the version to use (metadata-document-approval.ts), and records a change of its
 * redirect URIs or keys as a client.metadata_document_changed audit event (held: true when
 * the change waits for approval): they are what ties the URL to the client (§8.4, §8.4.1),
 * so an administrator wants to see them change. Resolves the document to use.
 */
async function pin(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string,
  document: Record<string, unknown>,
  fetchedAt: number,
): Promise<{ document: Record<string, unknown>; held: boolean }> {
  const text = JSON.stringify(document)
  const { added, previous } = await context.store.pinMetadataDocument({
    serviceApiKey: service.apiKey,
    url: clientId,
    document: text,
    fetchedAt,
  })
  // Not added and unlike the latest: another node pinned the same version first.
  const version =
    previous && !added && previous.document === text
      ? previous.version
      : (previous?.version ?? 0) + 1
  const usable = await usableDocument(context, service, clientId, version, document)
  if (!added || !previous) return usable
  const diff = pinnedDiff(JSON.parse(previous.document) as Record<string, unknown>, document)
  if (Object.keys(diff).length === 0) return usable
  await recordEvent(context, {
    kind: 'client.metadata_document_changed',
    serviceApiKey: service.apiKey,
    actor: 'system',
    at: fetchedAt,
    detail: { documentUrl: clientId, version, diff, ...(usable.held && { held: true }) },
  })
  return usable
}
