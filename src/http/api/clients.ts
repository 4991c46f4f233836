/** Client management (spec §2.2). */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import {
  ClientCredentialsSchema,
  ClientListQuery,
  ClientListSchema,
  ClientSchema,
  MAX_PAGE_SIZE,
  ServiceClientParams,
  ServiceIdParams,
  type AuthleteClient,
  type ClientCredentials,
} from '../../wire/index.js'
import { originOf, pageOf, requireService } from '../request-parts.js'
import { CLIENT_SECRET_OPERATIONS } from './client-secrets.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>
type ClientParams = Static<typeof ServiceClientParams>

const OPERATIONS = [
  operation<{ Params: ServiceParams; Body: AuthleteClient }>({
    method: 'POST',
    path: '/api/:serviceId/client/create',
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
    summary: 'Get a client',
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
    summary: "Check a client's credentials",
    description:
      'For an authorization server that received a client secret (client_secret_basic or client_secret_post, RFC 6749 §2.3.1) or a JWT client assertion (client_secret_jwt or private_key_jwt, RFC 7523): answers the client, without its secret, when they match its registration (during the overlap of a rotation, the secret it replaced matches too: clientSecretRotationOverlap); a 401 result error alike when they do not, when the secret has expired and when the client is unknown. An assertion must be addressed to the service: its issuer, or its token, PAR, revocation, introspection, backchannel or device authorization endpoint.',
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
    method: 'DELETE',
    path: '/api/:serviceId/client/delete/:clientId',
    summary: 'Delete a client',
    params: ServiceClientParams,
    run: async (engine, request) => {
      const service = await requireService(engine, request.params.serviceId)
      await engine.deleteClient(service, request.params.clientId, originOf(request))
    },
  }),
]

export const clientRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(
    app,
    engine,
    ['Client management (Authlete)'],
    [...OPERATIONS, ...CLIENT_SECRET_OPERATIONS],
  )
}
