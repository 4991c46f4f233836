/**
 * The stored versions of a Client ID Metadata Document and their approval
 * (`GET /api/{S}/client/metadata-document/versions`,
 * `POST /api/{S}/client/metadata-document/approve`; the service's
 * clientIdMetadataDocumentChangeApproval). Times are milliseconds since the epoch.
 */
import { Type, type Static } from '@sinclair/typebox'

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'The document URL: the client_id it names',
})

export const MetadataDocumentVersionsQuery = Type.Object({ url: Url })
export type MetadataDocumentVersionsQueryString = Static<typeof MetadataDocumentVersionsQuery>

export const MetadataDocumentApproveSchema = Type.Object({
  url: Url,
  version: Type.Integer({ minimum: 1, description: 'The stored version to use from now on' }),
})
export type MetadataDocumentApproveBody = Static<typeof MetadataDocumentApproveSchema>

export const MetadataDocumentVersionsSchema = Type.Object({
  url: Url,
  versions: Type.Array(
    Type.Object({
      version: Type.Integer({
        description: '1 for the first document fetched, then one more per change',
      }),
      fetchedAt: Type.Integer({ description: 'When it was fetched, milliseconds since the epoch' }),
      approved: Type.Boolean({
        description: 'Whether it is the approved version: the one used while a change is held',
      }),
      document: Type.Object(
        {},
        { additionalProperties: true, description: 'The document as fetched' },
      ),
    }),
    { description: 'Oldest first; empty when nothing was fetched from the URL' },
  ),
})
export type MetadataDocumentVersions = Static<typeof MetadataDocumentVersionsSchema>
