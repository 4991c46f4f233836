/**
 * Publishing a Client ID Metadata Document: as a file for a web server to serve, or from
 * the agent's own node:http server. Either way the document is checked first
 * (createClientIdMetadataDocument), so a refused one is never published.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { writeFileAtomically } from './atomic-write.js'
import {
  createClientIdMetadataDocument,
  serializeClientIdMetadataDocument,
  type ClientIdMetadataDocument,
} from './client-id-metadata-document.js'

/** Options of writeClientIdMetadataDocument(). */
export interface WriteClientIdMetadataDocumentOptions {
  /**
   * Permission bits of the file; the document is public, and a web server reads it. A
   * missing folder is created with 0755.
   * @default 0o644
   */
  mode?: number
}

/**
 * Writes the document to `path` atomically (a temporary file, fsync, rename, fsync of the
 * folder), so a web server serving it never reads half a document. Answers the document
 * written, checked as createClientIdMetadataDocument checks it.
 * @see draft-ietf-oauth-client-id-metadata-document-02 §4
 */
export async function writeClientIdMetadataDocument(
  path: string,
  document: ClientIdMetadataDocument,
  options: WriteClientIdMetadataDocumentOptions = {},
): Promise<ClientIdMetadataDocument> {
  const checked = createClientIdMetadataDocument(document.client_id, document)
  await writeFileAtomically(
    path,
    serializeClientIdMetadataDocument(checked),
    options.mode ?? 0o644,
    0o755,
  )
  return checked
}

/** Options of serveClientIdMetadataDocument(). */
export interface ServeClientIdMetadataDocumentOptions {
  /**
   * How long servers may cache the document, as `Cache-Control: public, max-age=N`; they
   * honour it within bounds of their own (draft §5.2).
   * @default 3600 (seconds)
   */
  maxAgeSeconds?: number
}

/** A node:http request handler. */
export type ClientIdMetadataDocumentHandler = (req: IncomingMessage, res: ServerResponse) => void

/**
 * A request handler that serves the document: GET and HEAD answer 200 with
 * `application/json`, `Cache-Control: public, max-age=N` and an ETag (a matching
 * If-None-Match answers 304, so a server revalidates cheaply, RFC 9111 §4.3); other methods
 * answer 405. It answers every request it is given: mount it at the client_id URL's path.
 * Throws, before serving anything, a document createClientIdMetadataDocument refuses.
 * @see draft-ietf-oauth-client-id-metadata-document-02 §4 (200, JSON), §5.2 (caching)
 */
export function serveClientIdMetadataDocument(
  document: ClientIdMetadataDocument,
  options: ServeClientIdMetadataDocumentOptions = {},
): ClientIdMetadataDocumentHandler {
  const maxAgeSeconds = options.maxAgeSeconds ?? 3600
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0) {
    throw new RangeError(`maxAgeSeconds must be a whole number of seconds, not ${maxAgeSeconds}`)
  }
  const checked = createClientIdMetadataDocument(document.client_id, document)
  const body = Buffer.from(serializeClientIdMetadataDocument(checked))
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`
  const caching = { 'cache-control': `public, max-age=${maxAgeSeconds}`, etag }
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.writeHead(304, caching).end()
      return
    }
    res.writeHead(200, {
      ...caching,
      'content-type': 'application/json',
      'content-length': body.length,
      'x-content-type-options': 'nosniff',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

/** Whether If-None-Match names the ETag, weakly compared (RFC 9110 §13.1.2). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag)
}
