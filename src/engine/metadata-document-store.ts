/**
 * Where the Client ID Metadata Documents a service fetched are pinned: every version that
 * differs from the one before, so a change of a client's redirect URIs or keys is seen
 * (client-id-metadata.ts) and what a URL said at any time can be told afterwards.
 */

/** One version of the document at a URL, as fetched for a service. */
export interface MetadataDocumentVersion {
  serviceApiKey: number
  url: string
  /** 1 for the first document fetched, then one more for each that differed. */
  version: number
  /** The document as fetched (its JSON text). */
  document: string
  /** Milliseconds since the epoch. */
  fetchedAt: number
}

export type NewMetadataDocumentVersion = Omit<MetadataDocumentVersion, 'version'>

export interface MetadataDocumentStore {
  /**
   * Stores the document as the URL's next version unless it equals the latest one; resolves
   * that latest one as it was before (undefined for a first fetch) and whether a version was
   * added. Two nodes pinning the same change at once add it once.
   */
  pinMetadataDocument(
    pin: NewMetadataDocumentVersion,
  ): Promise<{ added: boolean; previous?: MetadataDocumentVersion }>
  /** The versions pinned for the service and URL, oldest first. */
  metadataDocumentVersions(serviceApiKey: number, url: string): Promise<MetadataDocumentVersion[]>
}

/**
 * Document clients' numbers start above 0 and stay below every registered client's id
 * (secrets.ts mintNumericId draws from 10^13 up), so the two never collide.
 */
export const MAX_DOCUMENT_CLIENT_NUMBER = 9_999_999_999_999

/** What a service holds about a document's client beyond its versions. */
export interface MetadataDocumentClient {
  /**
   * The client's number, its clientId in the Authlete-style API: given when the service first
   * records the URL (the next one of the service's, from 1), then never changed.
   */
  clientNumber?: number
  /** The version the resolver uses while a changed one is held (client-id-metadata.ts). */
  approvedVersion?: number
  /** Milliseconds since the epoch, kept to the hour (last-use.ts). */
  lastUsedAt?: number
}

export interface MetadataDocumentClientStore {
  /** The approved version and last use of the URL's client; undefined when none recorded. */
  metadataDocumentClient(
    serviceApiKey: number,
    url: string,
  ): Promise<MetadataDocumentClient | undefined>
  /** Records `version` as the URL's approved one (the caller checks that it exists). */
  approveMetadataDocument(serviceApiKey: number, url: string, version: number): Promise<void>
  /** Records a use of the URL's client at `at` unless a later one is recorded. */
  recordMetadataDocumentUse(serviceApiKey: number, url: string, at: number): Promise<void>
  /** The URL of the service's document client numbered `clientNumber`; undefined for none. */
  metadataDocumentUrl(serviceApiKey: number, clientNumber: number): Promise<string | undefined>
  /**
   * The service's document clients by ascending number, items `start` to `end` (exclusive),
   * each with its URL and when its first version was fetched (for the orphan report).
   */
  listMetadataDocumentClients(
    serviceApiKey: number,
    range: { start: number; end: number },
  ): Promise<ListedMetadataDocumentClient[]>
}

/** A document client as the service's listing answers it. */
export interface ListedMetadataDocumentClient extends MetadataDocumentClient {
  url: string
  /** Milliseconds since the epoch; undefined when no version is pinned. */
  firstFetchedAt?: number
}
