/**
 * Client ID Metadata Documents (CIMD): a client_id that is an https URL names the document
 * holding the client's metadata, which the service fetches instead of a registration.
 * Section numbers are those of draft-ietf-oauth-client-id-metadata-document-02 (the MCP
 * authorization spec's reference).
 *
 * The fetch is safeFetch's (https only, every address of the name checked and the
 * connection pinned to it, no private, loopback or link-local address unless the server runs
 * with --cimd-allow-private, no redirect, a time and a size limit: §8.6, §8.7); the service's
 * host allowlist is checked before it. The document must be JSON, name its own URL as
 * client_id (§4), use no shared secret (§4: private_key_jwt or none) and pass the very
 * rules and policy a registration of the same metadata would (RFC 7591 §2). A resolved
 * client is cached per service and URL for what its Cache-Control or Expires say, within the
 * service's bounds (§5.2). Every refusal is an OAuthError whose text says why.
 */
import { resolveClientMetadata } from '../metadata/index.js'
import { isOAuthError, OAuthError } from '../wire/index.js'
import { recordEvent } from './audit-events.js'
import type { EngineContext } from './context.js'
import { cacheBounds, hostAllowed } from './client-id-metadata-settings.js'
import { findClient } from './find-client.js'
import { GenerationalCache } from './generational-cache.js'
import { useIsDue } from './last-use.js'
import { pinnedDiff, usableDocument } from './metadata-document-approval.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { FetchRefusedError, safeFetch } from './safe-fetch.js'
import { policyFor } from './service-cache.js'

/** §8.7: a document is small; 5 KiB is the limit the draft suggests. */
export const MAX_DOCUMENT_BYTES = 5 * 1024
/** Connecting and answering together, in milliseconds. */
export const FETCH_TIMEOUT_MILLISECONDS = 5000
/** Resolved documents held at most, across services (generational-cache.ts). */
const MAX_CACHED = 10_000

/** The auth methods a document may name: none holds a secret the service would keep (§4). */
const KEYLESS_METHODS = new Set(['private_key_jwt', 'none'])
/** Members that would carry a shared secret the public document would publish. */
const SECRET_MEMBERS = ['client_secret', 'client_secret_expires_at']

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

interface Cached {
  client: ClientRecord
  /** Milliseconds since the epoch. */
  until: number
}

export class ClientIdMetadataDocuments {
  readonly #cache = new GenerationalCache<string, Cached>(MAX_CACHED)
  /** One fetch at a time per key: concurrent resolves of one URL share it. */
  readonly #pending = new Map<string, Promise<Cached>>()
  /** The use last written per service and URL (noteUse). */
  readonly #uses = new GenerationalCache<string, number>(MAX_CACHED)
  readonly #allowPrivate: boolean

  constructor(options: { allowPrivate?: boolean } = {}) {
    this.#allowPrivate = options.allowPrivate ?? false
  }

  /**
   * The client the document at `clientId` describes, from the cache while it is fresh;
   * OAuthError invalid_client_metadata (or invalid_redirect_uri) saying why otherwise.
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
    const cached = this.#cache.get(key)
    if (cached && cached.until > context.now()) return cached.client
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = this.#fetch(context, service, clientId, url).finally(() =>
        this.#pending.delete(key),
      )
      this.#pending.set(key, pending)
    }
    const fresh = await pending
    this.#cache.set(key, fresh)
    return fresh.client
  }

  /** The client as client/get answers it: resolved, with its last use (last-use.ts). */
  async describe(
    context: EngineContext,
    service: ServiceRecord,
    clientId: string,
  ): Promise<ClientRecord> {
    const client = await this.resolve(context, service, clientId)
    const row = await context.store.metadataDocumentClient(service.apiKey, clientId)
    return row?.lastUsedAt === undefined ? client : { ...client, lastUsedAt: row.lastUsedAt }
  }

  /** Drops the URL's cached client, so that its next resolve fetches (an approval). */
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

  async #fetch(
    context: EngineContext,
    service: ServiceRecord,
    clientId: string,
    url: URL,
  ): Promise<Cached> {
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
    let client = await clientOf(service, clientId, document, fetchedAt)
    const usable = await pin(context, service, clientId, document, fetchedAt)
    if (usable.held) client = await clientOf(service, clientId, usable.document, fetchedAt)
    return { client, until: fetchedAt + lifetimeSeconds(service, response, fetchedAt) * 1000 }
  }
}

/**
 * Pins the usable document as the URL's next version when it differs from the last one,
 * chooses the version to use (metadata-document-approval.ts), and records a change of its
 * redirect URIs or keys as a client.metadata_document_changed audit event (held: true when
 * the change waits for approval): they are what ties the URL to the client (§8.1), so an
 * administrator wants to see them change. Resolves the document to use.
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

/** §3: an https URL with a path, no fragment, no user information, no dot segments. */
function checkedUrl(clientId: string): URL {
  let url: URL
  try {
    url = new URL(clientId)
  } catch {
    throw refusal(clientId, 'it is not a URL')
  }
  if (url.protocol !== 'https:') throw refusal(clientId, 'it is not an https URL')
  if (url.username !== '' || url.password !== '') {
    throw refusal(clientId, 'it has user information, which a client identifier URL must not')
  }
  if (clientId.includes('#')) {
    throw refusal(clientId, 'it has a fragment, which a client identifier URL must not')
  }
  const path = clientId.slice(url.origin.length).split(/[?#]/, 1)[0] ?? ''
  if (path === '' || path === '/') {
    throw refusal(clientId, 'it has no path, which a client identifier URL must have')
  }
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw refusal(clientId, 'it has a . or .. path segment, which a client identifier URL must not')
  }
  return url
}

/** The body as a JSON object: a JSON media type (§4), parsed. */
async function jsonDocument(
  clientId: string,
  response: Response,
): Promise<Record<string, unknown>> {
  const type = (response.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (type !== 'application/json' && !/^application\/[^/]+\+json$/.test(type)) {
    throw refusal(clientId, `it is not JSON (content-type ${type || 'absent'})`)
  }
  let value: unknown
  try {
    value = JSON.parse(await response.text())
  } catch {
    throw refusal(clientId, 'its body does not parse as JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refusal(clientId, 'its body is not a JSON object')
  }
  return value as Record<string, unknown>
}

/** The client the document describes, checked as §4 asks and as DCR would. */
async function clientOf(
  service: ServiceRecord,
  clientId: string,
  document: Record<string, unknown>,
  fetchedAt: number,
): Promise<ClientRecord> {
  // §4: the document names its own URL, compared as a plain string.
  if (document['client_id'] !== clientId) {
    throw refusal(
      clientId,
      `its client_id ${JSON.stringify(document['client_id'] ?? null)} is not its URL`,
    )
  }
  const secret = SECRET_MEMBERS.find((member) => member in document)
  if (secret) {
    throw refusal(clientId, `it has a ${secret} member; a public document holds no secret`)
  }
  const method = document['token_endpoint_auth_method']
  if (typeof method !== 'string' || !KEYLESS_METHODS.has(method)) {
    const named = typeof method === 'string' ? method : 'no method (so client_secret_basic)'
    throw refusal(
      clientId,
      `its token_endpoint_auth_method is ${named}; a document's client authenticates with private_key_jwt or none, never a shared secret`,
    )
  }
  const { client_id: _id, ...metadata } = document
  let resolved
  try {
    // The rules and policy a registration of the same metadata meets (RFC 7591 §2).
    resolved = await resolveClientMetadata(metadata, policyFor(service), {
      now: Math.floor(fetchedAt / 1000),
    })
  } catch (error) {
    if (!isOAuthError(error)) throw error
    throw new OAuthError(
      error.code,
      `${prefix(clientId)} its metadata is invalid: ${error.message}`,
    )
  }
  return {
    serviceApiKey: service.apiKey,
    // No number is issued: the URL is the client's id (the Client object's clientIdAlias).
    clientId: 0,
    number: 0,
    clientSecretExpiresAt: 0,
    metadata: resolved,
    extras: { clientIdAlias: clientId, clientIdAliasEnabled: true },
    dynamicallyRegistered: false,
    developer: '',
    createdAt: fetchedAt,
    modifiedAt: fetchedAt,
    version: 0,
  }
}

/**
 * Seconds to keep a document: Cache-Control max-age, else Expires, else the service's
 * minimum; held within the service's bounds (§5.2). no-store and no-cache count as 0, so
 * the minimum: the bound is what keeps a client from making every request a fetch.
 */
export function lifetimeSeconds(service: ServiceRecord, response: Response, now: number): number {
  const { min, max } = cacheBounds(service.settings)
  const control = (response.headers.get('cache-control') ?? '').toLowerCase()
  let seconds: number | undefined
  if (/(^|[\s,])(no-store|no-cache)\b/.test(control)) seconds = 0
  const maxAge = /(^|[\s,])max-age\s*=\s*"?(\d+)/.exec(control)
  if (seconds === undefined && maxAge) seconds = Number(maxAge[2])
  const expires = response.headers.get('expires')
  if (seconds === undefined && expires !== null) {
    const at = Date.parse(expires)
    const date = Date.parse(response.headers.get('date') ?? '')
    seconds = Number.isNaN(at) ? 0 : (at - (Number.isNaN(date) ? now : date)) / 1000
  }
  return Math.min(max, Math.max(min, Math.floor(seconds ?? min)))
}

function prefix(clientId: string): string {
  return `client ID metadata document ${clientId}:`
}

/** §5.1: the client cannot be used; the text says why. */
function refusal(clientId: string, reason: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `${prefix(clientId)} ${reason}`)
}
