/**
 * Holding a changed Client ID Metadata Document for approval (the service's
 * clientIdMetadataDocumentChangeApproval). A document's redirect URIs and keys are what tie
 * its URL to the client (draft-ietf-oauth-client-id-metadata-document-02 §8.4, §8.4.1): whoever
 * controls the URL's host controls them. With the setting on, a fetched version whose
 * redirect_uris, jwks or jwks_uri differ from the approved one is pinned but not used until an
 * administrator approves it; the first version fetched is approved by itself. With it off,
 * every version used is recorded as approved, so turning it on holds changes from then on.
 */
import { OAuthError } from '../wire/index.js'
import type { EngineContext } from './context.js'
import type { MetadataDocumentVersion } from './metadata-document-store.js'
import type { ServiceRecord } from './records.js'

/** Members whose change is a change of who the client is: where codes go, what it signs with. */
export const PINNED_MEMBERS = ['redirect_uris', 'jwks', 'jwks_uri'] as const

/** The pinned members that differ between two documents, each as from and to. */
export function pinnedDiff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from?: unknown; to?: unknown }> {
  const diff: Record<string, { from?: unknown; to?: unknown }> = {}
  for (const member of PINNED_MEMBERS) {
    if (JSON.stringify(before[member]) !== JSON.stringify(after[member])) {
      diff[member] = { from: before[member], to: after[member] }
    }
  }
  return diff
}

/**
 * The document to use for the fetched `version`: that one unless it is held, then the
 * approved one's (as a parsed document). Records the fetched version as approved when it is
 * not held and is not already.
 */
export async function usableDocument(
  context: EngineContext,
  service: ServiceRecord,
  url: string,
  version: number,
  document: Record<string, unknown>,
): Promise<{ document: Record<string, unknown>; held: boolean }> {
  const { store } = context
  const approved = (await store.metadataDocumentClient(service.apiKey, url))?.approvedVersion
  if (approved === version) return { document, held: false }
  if (service.settings.clientIdMetadataDocumentChangeApproval === true && approved !== undefined) {
    const versions = await store.metadataDocumentVersions(service.apiKey, url)
    const approvedVersion = versions.find((v) => v.version === approved)
    if (approvedVersion) {
      const before = JSON.parse(approvedVersion.document) as Record<string, unknown>
      if (Object.keys(pinnedDiff(before, document)).length > 0) {
        return { document: before, held: true }
      }
    }
  }
  await store.approveMetadataDocument(service.apiKey, url, version)
  return { document, held: false }
}

/** A stored version as the API lists it. */
export interface MetadataDocumentVersionView {
  version: number
  fetchedAt: number
  approved: boolean
  document: Record<string, unknown>
}

/** The URL's stored versions, oldest first, with the approved one marked. */
export async function listMetadataDocumentVersions(
  context: EngineContext,
  service: ServiceRecord,
  url: string,
): Promise<MetadataDocumentVersionView[]> {
  const [versions, client] = await Promise.all([
    context.store.metadataDocumentVersions(service.apiKey, url),
    context.store.metadataDocumentClient(service.apiKey, url),
  ])
  return versions.map((v: MetadataDocumentVersion) => ({
    version: v.version,
    fetchedAt: v.fetchedAt,
    approved: v.version === client?.approvedVersion,
    document: JSON.parse(v.document) as Record<string, unknown>,
  }))
}

/**
 * Approves a stored version: the resolver uses it from its next resolve on every node sharing
 * the store, as a cached client is used only while the stored approved version is the one it
 * was built from (client-id-metadata.ts); this node drops its copy at once besides.
 */
export async function approveMetadataDocumentVersion(
  context: EngineContext,
  service: ServiceRecord,
  url: string,
  version: number,
): Promise<void> {
  const versions = await context.store.metadataDocumentVersions(service.apiKey, url)
  if (!versions.some((v) => v.version === version)) {
    throw new OAuthError(
      'not_found',
      `No version ${version} of the client ID metadata document ${url} is stored.`,
    )
  }
  await context.store.approveMetadataDocument(service.apiKey, url, version)
  context.clientIdMetadataDocuments.forget(service, url)
}
