/** Client management (Authlete's API). */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import {
  ClientCredentialsSchema,
  ClientOrphanReportSchema,
  ClientOrphansQuery,
  ClientListQuery,
  ClientListSchema,
  ClientSchema,
  MAX_PAGE_SIZE,
  ReissuedTokenSchema,
  ServiceClientParams,
  ServiceIdParams,
  type AuthleteClient,
  type ClientCredentials,
  type ClientOrphansQueryString,
} from '../../wire/index.js'
import { originOf, pageOf, requireService } from '../request-parts.js'
import { CLIENT_SECRET_OPERATIONS } from './client-secrets.js'
import { METADATA_DOCUMENT_OPERATIONS } from './metadata-documents.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>
type ClientParams = Static<typeof ServiceClientParams>

const OPERATIONS = [
  operation<{ Params: ServiceParams; Body: AuthleteClient }>({
    method: 'POST',
    path: '/api/:serviceId/client/create',
    operationId: 'clientCreate',
    summary: 'Create a client',
    description: 'Read-only members (clientId, clientSecret, number, timestamps) are ignored.',
    params: ServiceIdParams,
    body: ClientSchema,
    answer: ClientSchema,
    run: async (engine, request) => {
      const { params, body } = request
      const service = await requireService(engine, params.serviceId)
      const client = await engine.createClient(service, body, originOf(request))
      return engine.toAuthleteClient(service, client)
    },
  }),
  operation<{ Params: ClientParams }>({
    method: 'GET',
    path: '/api/:serviceId/client/get/:clientId',
    operationId: 'clientGet',
    summary: 'Get a client',
    description:
      "On a service with clientIdMetadataDocumentSupported, clientId may also be a URL-encoded https client_id: the client is then built from the Client ID Metadata Document fetched from it (draft-ietf-oauth-client-id-metadata-document; cached within the service's clientIdMetadataDocumentCacheMinSeconds / MaxSeconds, and dropped on every node once another version is approved), with the URL as clientIdAlias, number 0 (no registration) and as clientId the document client's own number: positive, given when the service first resolves the URL and kept for good, never reused by another URL of the service, and always below 10000000000000, where registered clients' ids start, so the two never collide; client/get of that number answers the same client. A document that cannot be used (not https, no path, a fragment, user information or a dot segment, longer than 2048 characters, host not allowed, a private or loopback address, a redirect, too large, too slow, not JSON, a client_id other than its URL, a shared-secret auth method, metadata the service's rules refuse) is a 400 result error whose message says why; a URL refused after its fetch is refused again without a fetch for 30 seconds (at most clientIdMetadataDocumentCacheMinSeconds). With the setting off, a URL is an unknown client (404).",
    params: ServiceClientParams,
    answer: ClientSchema,
    run: async (engine, request) => {
      const service = await requireService(engine, request.params.serviceId)
      const client = await engine.requireClient(service, request.params.clientId, originOf(request))
      return engine.toAuthleteClient(service, client)
    },
  }),
  operation<{
    Params: ServiceParams
    Querystring: Static<typeof ClientListQuery>
  }>({
    method: 'GET',
    path: '/api/:serviceId/client/get/list',
    operationId: 'clientList',
    summary: "List a service's clients",
    description: `By ascending number, at most ${MAX_PAGE_SIZE} a call (see end).`,
    params: ServiceIdParams,
    querystring: ClientListQuery,
    answer: ClientListSchema,
    run: async (engine, { params, query }) => {
      const service = await requireService(engine, params.serviceId)
      const page = await engine.listClients(service, {
        ...pageOf(query),
        developer: query.developer,
      })
      return {
        start: page.start,
        end: page.end,
        totalCount: page.totalCount,
        clients: page.items.map((client) => engine.toAuthleteClient(service, client)),
      }
    },
  }),
  operation<{ Params: ClientParams; Body: AuthleteClient }>({
    method: 'POST',
    path: '/api/:serviceId/client/update/:clientId',
    operationId: 'clientUpdate',
    summary: 'Update a client',
    description:
      'Replaces the metadata and management members with the body (send the whole object).',
    params: ServiceClientParams,
    body: ClientSchema,
    answer: ClientSchema,
    run: async (engine, request) => {
      const { params, body } = request
      const service = await requireService(engine, params.serviceId)
      const client = await engine.updateClient(service, params.clientId, body, originOf(request))
      return engine.toAuthleteClient(service, client)
    },
  }),
  operation<{ Params: ServiceParams; Body: ClientCredentials }>({
    method: 'POST',
    path: '/api/:serviceId/client/authenticate',
    operationId: 'clientAuthenticate',
    summary: "Check a client's credentials",
    description:
      "For an authorization server that received a client secret (client_secret_basic or client_secret_post, RFC 6749 §2.3.1) or a JWT client assertion (client_secret_jwt or private_key_jwt, RFC 7523): answers the client, without its secret, when they match its registration (during the overlap of a rotation, the secret it replaced matches too: clientSecretRotationOverlap); a 401 result error alike when they do not, when the secret has expired and when the client is unknown. An assertion must be addressed to the service: its issuer, or its token, PAR, revocation, introspection, backchannel or device authorization endpoint. On a service with clientIdMetadataDocumentSupported, an https client_id (up to 2048 characters) is resolved as client/get does and a private_key_jwt assertion is checked against its document's jwks or jwks_uri; a document that cannot be used is a 401 result error whose message says why.",
    params: ServiceIdParams,
    body: ClientCredentialsSchema,
    bodyRequired: true,
    answer: ClientSchema,
    run: async (engine, request) => {
      const service = await requireService(engine, request.params.serviceId)
      const client = await engine.authenticateClientCredentials(
        service,
        request.body,
        originOf(request),
      )
      // The authorization server needs the client, never its secret.
      const { clientSecret: _secret, ...answer } = engine.toAuthleteClient(service, client)
      return answer
    },
  }),
  operation<{ Params: ClientParams }>({
    method: 'POST',
    path: '/api/:serviceId/client/registration-token/:clientId',
    operationId: 'clientRegistrationTokenIssue',
    summary: 'Issue a client a new registration access token',
    description:
      'Registrar: a new registration access token (RFC 7592 §3) for a dynamically registered client, answered here only. Every earlier token of the client stops working, and presenting one of them later is no longer treated as reuse. The way to give a client back its RFC 7592 access after reuse of a rotated token revoked its tokens (service setting registrationAccessTokenRotation), or after it lost its token. Recorded as a registration_token.reissued audit event. 400 invalid_request for a client created through this API, which has no registration access token.',
    params: ServiceClientParams,
    answer: ReissuedTokenSchema,
    run: async (engine, request) => {
      const service = await requireService(engine, request.params.serviceId)
      return engine.reissueRegistrationAccessToken(
        service,
        request.params.clientId,
        originOf(request),
      )
    },
  }),
  operation<{ Params: ClientParams }>({
    method: 'DELETE',
    path: '/api/:serviceId/client/delete/:clientId',
    operationId: 'clientDelete',
    summary: 'Delete a client',
    params: ServiceClientParams,
    run: async (engine, request) => {
      const service = await requireService(engine, request.params.serviceId)
      await engine.deleteClient(service, request.params.clientId, originOf(request))
    },
  }),
  operation<{ Params: ClientParams }>({
    method: 'POST',
    path: '/api/:serviceId/client/restore/:clientId',
    operationId: 'clientRestore',
    summary: 'Restore a deleted client',
    description:
      "Brings back a client deleted (RFC 7592 DELETE, client/delete) or reaped for idleness while the service's clientRestoreWindow runs, with its secret and registration access token working again. The restore counts as a use (lastUsedAt), so a reaped client has a whole clientIdleLifetime before it is reaped again; it is counted under maxClients again, and a service already at its policy.maxClients refuses it with a 400 result error. A 404 result error for a live or unknown client, or one deleted longer ago than the window (it is purged then).",
    params: ServiceClientParams,
    answer: ClientSchema,
    run: async (engine, request) => {
      const service = await requireService(engine, request.params.serviceId)
      const client = await engine.restoreClient(service, request.params.clientId, originOf(request))
      return engine.toAuthleteClient(service, client)
    },
  }),
  operation<{ Params: ServiceParams; Querystring: ClientOrphansQueryString }>({
    method: 'GET',
    path: '/api/:serviceId/client/orphans',
    operationId: 'clientOrphansList',
    summary: 'Report clients that look abandoned',
    description:
      "Live clients never used (no lastUsedAt) and older than olderThan, the oldest first, and groups of live clients sharing a software_id, a client_name or a set of redirect_uris (in any order), the largest first: what an MCP host leaves behind when it registers anew and never deletes. Client ID Metadata Document clients never used since their document was first fetched are listed with the never-used ones (their number as clientId, their URL as documentUrl) and are in no group: a URL is one client however often it is resolved. It changes nothing; see the service's clientIdleLifetime to reap such clients.",
    params: ServiceIdParams,
    querystring: ClientOrphansQuery,
    answer: ClientOrphanReportSchema,
    run: async (engine, { params, query }) => {
      const service = await requireService(engine, params.serviceId)
      return engine.clientOrphans(service, {
        ...(query.olderThan !== undefined && { olderThan: Number(query.olderThan) }),
        ...(query.limit !== undefined && { limit: Number(query.limit) }),
      })
    },
  }),
]

export const clientRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(
    app,
    engine,
    ['Client management (Authlete)'],
    [...OPERATIONS, ...CLIENT_SECRET_OPERATIONS, ...METADATA_DOCUMENT_OPERATIONS],
  )
}
