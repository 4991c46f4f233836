/**
 * The service settings of Client ID Metadata Documents (CIMD): whether a
 * URL client_id is resolved at all, where documents may come from, and how long a fetched
 * one is kept. Off by default: nothing is fetched unless a service asks for it.
 * @see draft-ietf-oauth-client-id-metadata-document-02 §5.2 (caching), §8.6 (SSRF)
 */
import { OAuthError } from '../wire/index.js'
import type { ServiceSettings } from './records.js'

/** Five minutes: a document that says nothing of caching is fetched again after this. */
export const DEFAULT_CACHE_MIN_SECONDS = 300
/** A day: a document is fetched again at least this often, whatever it says. */
export const DEFAULT_CACHE_MAX_SECONDS = 86_400

/** The defaults SERVICE_DEFAULTS spreads in (services.ts). */
export const CLIENT_ID_METADATA_DEFAULTS = {
  clientIdMetadataDocumentSupported: false,
  clientIdMetadataDocumentHosts: [] as string[],
  clientIdMetadataDocumentCacheMinSeconds: DEFAULT_CACHE_MIN_SECONDS,
  clientIdMetadataDocumentCacheMaxSeconds: DEFAULT_CACHE_MAX_SECONDS,
  clientIdMetadataDocumentChangeApproval: false,
} satisfies Partial<ServiceSettings>

/** Checks the members an input sets (types and each host entry). */
export function checkClientIdMetadataSettings(settings: Record<string, unknown>): void {
  for (const name of [
    'clientIdMetadataDocumentSupported',
    'clientIdMetadataDocumentChangeApproval',
  ]) {
    const value = settings[name]
    if (value !== undefined && typeof value !== 'boolean') {
      throw new OAuthError('invalid_request', `${name} must be a boolean`)
    }
  }
  const hosts = settings['clientIdMetadataDocumentHosts']
  if (hosts !== undefined) {
    if (!Array.isArray(hosts)) {
      throw new OAuthError(
        'invalid_request',
        'clientIdMetadataDocumentHosts must be an array of host names or https URL prefixes',
      )
    }
    for (const entry of hosts) {
      const problem = hostEntryProblem(entry)
      if (problem) {
        throw new OAuthError(
          'invalid_request',
          `clientIdMetadataDocumentHosts: ${JSON.stringify(entry)} ${problem}`,
        )
      }
    }
  }
  for (const name of [
    'clientIdMetadataDocumentCacheMinSeconds',
    'clientIdMetadataDocumentCacheMaxSeconds',
  ]) {
    const value = settings[name]
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new OAuthError('invalid_request', `${name} must be a non-negative integer`)
    }
  }
}

/** Checks the settings a service ends up with: the cache bounds are in order. */
export function checkClientIdMetadataBounds(settings: ServiceSettings): void {
  const { min, max } = cacheBounds(settings)
  if (min > max) {
    throw new OAuthError(
      'invalid_request',
      `clientIdMetadataDocumentCacheMinSeconds (${min}) must not exceed clientIdMetadataDocumentCacheMaxSeconds (${max})`,
    )
  }
}

/** The cache bounds in seconds; a service stored before these settings has the defaults. */
export function cacheBounds(settings: ServiceSettings): { min: number; max: number } {
  return {
    min: settings.clientIdMetadataDocumentCacheMinSeconds ?? DEFAULT_CACHE_MIN_SECONDS,
    max: settings.clientIdMetadataDocumentCacheMaxSeconds ?? DEFAULT_CACHE_MAX_SECONDS,
  }
}

/** A host name: letters, digits, dots and hyphens (IDNs in their A-label form). */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i

function hostEntryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'string' || entry === '') return 'is not a host name or URL prefix'
  if (!entry.includes('/')) {
    return HOST_NAME.test(entry) ? undefined : 'is not a host name'
  }
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'https:') return 'is not an https URL prefix'
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return 'must have no query, fragment or user information'
  }
  return undefined
}

/**
 * Whether the allowlist lets `url` be fetched: an empty list allows any host (the SSRF rules
 * of safe-fetch.ts still apply); a host name allows that host on its default port; a URL
 * prefix allows its origin and the paths under its own. Checked before any fetch.
 */
export function hostAllowed(hosts: readonly string[] | undefined, url: URL): boolean {
  if (!hosts || hosts.length === 0) return true
  return hosts.some((entry) => {
    if (!entry.includes('/')) return url.port === '' && url.hostname === entry.toLowerCase()
    const prefix = new URL(entry)
    return prefix.origin === url.origin && url.pathname.startsWith(prefix.pathname)
  })
}
