/**
 * The pinned versions of Client ID Metadata Documents and their approval (the service's
 * clientIdMetadataDocumentChangeApproval; src/engine/metadata-document-approval.ts).
 */
import type { Static } from '@sinclair/typebox'
import type { Engine, ServiceRecord } from '../../engine/index.js'
import {
  MetadataDocumentApproveSchema,
  MetadataDocumentVersionsQuery,
  MetadataDocumentVersionsSchema,
  ServiceIdParams,
  type MetadataDocumentApproveBody,
  type MetadataDocumentVersions,
  type MetadataDocumentVersionsQueryString,
} from '../../wire/index.js'
import { requireService } from '../request-parts.js'
import { operation, type Operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>

async function versionsOf(
  engine: Engine,
  service: ServiceRecord,
  url: string,
): Promise<MetadataDocumentVersions> {
  return { url, versions: await engine.metadataDocumentVersions(service, url) }
}

export const METADATA_DOCUMENT_OPERATIONS: readonly Operation[] = [
  operation<{ Params: ServiceParams; Querystring: MetadataDocumentVersionsQueryString }>({
    method: 'GET',
    path: '/api/:serviceId/client/metadata-document/versions',
    operationId: 'clientMetadataDocumentVersionsList',
    summary: 'List the stored versions of a Client ID Metadata Document',
    description:
      'Every version of the document at url that the service fetched and that differed from the one before, oldest first, the approved one (the one used while a change of redirect_uris, jwks or jwks_uri is held: clientIdMetadataDocumentChangeApproval) marked.',
    params: ServiceIdParams,
    querystring: MetadataDocumentVersionsQuery,
    answer: MetadataDocumentVersionsSchema,
    run: async (engine, { params, query }) =>
      versionsOf(engine, await requireService(engine, params.serviceId), query.url),
  }),
  operation<{ Params: ServiceParams; Body: MetadataDocumentApproveBody }>({
    method: 'POST',
    path: '/api/:serviceId/client/metadata-document/approve',
    operationId: 'clientMetadataDocumentApprove',
    summary: 'Approve a stored version of a Client ID Metadata Document',
    description:
      "Makes the stored version the one the service uses for the document's client: with clientIdMetadataDocumentChangeApproval, a fetched change of redirect_uris, jwks or jwks_uri is held until approved. Answers the versions, as the versions call does. An unknown url or version is a 404.",
    params: ServiceIdParams,
    body: MetadataDocumentApproveSchema,
    answer: MetadataDocumentVersionsSchema,
    run: async (engine, { params, body }) => {
      const service = await requireService(engine, params.serviceId)
      await engine.approveMetadataDocument(service, body.url, body.version)
      return versionsOf(engine, service, body.url)
    },
  }),
]
