/**
 * What makes a Client ID Metadata Document usable, apart from fetching it: the client_id
 * URL's form (§3), the answer's media type (§4), the document's own rules (§4, §4.1), the
 * rules and policy a registration of the same metadata meets (RFC 7591 §2), and how long it
 * may be kept (§5.2). Section numbers are draft-ietf-oauth-client-id-metadata-document-02's.
 * Every refusal is an OAuthError whose text names the URL and says why.
 */
import { resolveClientMetadata } from '../metadata/index.js'
import { isOAuthError, MAX_CLIENT_ID_LENGTH, OAuthError } from '../wire/index.js'
import { cacheBounds } from './client-id-metadata-settings.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { policyFor } from './service-cache.js'

/** §8.7: a document is small; 5 KiB is the limit the draft suggests. */
export const MAX_DOCUMENT_BYTES = 5 * 1024

/**
 * The auth methods a document may name (§4.1 forbids shared secrets; of the key-based ones,
 * Registrar checks private_key_jwt assertions itself and none needs nothing).
 */
const KEYLESS_METHODS = new Set(['private_key_jwt', 'none'])
/** §4.1: members that would carry a shared secret the public document would publish. */
const SECRET_MEMBERS = ['client_secret', 'client_secret_expires_at']

/**
 * §3: an https URL with a path, no user information, no fragment, no . or .. segment, at
 * most MAX_CLIENT_ID_LENGTH characters; a port and a query are allowed. A path of / is
 * refused too: §3 advises against it (the document would take the site's root), and
 * node-oidc-provider and the MCP SDK's client refuse it alike. The URL is fetched
 * as written, so one whose path a parser would rewrite (an encoded dot segment, a backslash,
 * a space) is refused: the document fetched would not be at the client_id (§4).
 */
export function checkedUrl(clientId: string): URL {
  if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw refusal(
      clientId.slice(0, 64) + '…',
      `it is ${clientId.length} characters long; a client identifier URL has at most ${MAX_CLIENT_ID_LENGTH}`,
    )
  }
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
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(clientId)?.[1] ?? ''
  if (path === '') {
    throw refusal(clientId, 'it has no path, which a client identifier URL must have')
  }
  if (path === '/') {
    throw refusal(
      clientId,
      "its path is /, which a client identifier URL should not have (the document would take the site's root)",
    )
  }
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw refusal(clientId, 'it has a . or .. path segment, which a client identifier URL must not')
  }
  if (url.pathname !== path) {
    throw refusal(
      clientId,
      `its path reads as ${url.pathname} once parsed (an encoded dot segment, a backslash or a character that must be percent-encoded), so the document fetched would not be at the client_id`,
    )
  }
  return url
}

/** The body as a JSON object: a JSON media type (§4), parsed. */
export async function jsonDocument(
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

/** The client the document describes, checked as §4 and §4.1 ask and as DCR would. */
export async function documentClient(
  service: ServiceRecord,
  clientId: string,
  document: Record<string, unknown>,
  fetchedAt: number,
): Promise<ClientRecord> {
  // §4: the document names its own URL, compared as a plain string (RFC 3986 §6.2.1).
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
    // The rules and policy a registration of the same metadata meets (RFC 7591 §2); among
    // them, a jwks holds public keys only (§4.1).
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
    // The number comes from the store's row for the URL (client-id-metadata.ts); the URL is
    // the client's id (the Client object's clientIdAlias).
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
export function refusal(clientId: string, reason: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `${prefix(clientId)} ${reason}`)
}
