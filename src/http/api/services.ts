/** Service management (Authlete's API). */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import {
  ConfigurationQuery,
  ListQuery,
  MAX_PAGE_SIZE,
  ServiceIdParams,
  ServiceListSchema,
  ServiceSchema,
  type AuthleteService,
} from '../../wire/index.js'
import { pageOf, requireService } from '../request-parts.js'
import { applyJsonPatch } from './json-patch.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>

const OPERATIONS = [
  operation<{ Body: AuthleteService }>({
    method: 'POST',
    path: '/api/service/create',
    operationId: 'serviceCreate',
    summary: 'Create a service',
    access: 'admin',
    body: ServiceSchema,
    answer: ServiceSchema,
    run: async (engine, { body }) => engine.toAuthleteService(await engine.createService(body)),
  }),
  operation<{ Params: ServiceParams }>({
    method: 'GET',
    path: '/api/:serviceId/service/get',
    operationId: 'serviceGet',
    summary: 'Get a service',
    params: ServiceIdParams,
    answer: ServiceSchema,
    run: async (engine, { params }) =>
      engine.toAuthleteService(await requireService(engine, params.serviceId)),
  }),
  operation<{ Querystring: { start?: string; end?: string } }>({
    method: 'GET',
    path: '/api/service/get/list',
    operationId: 'serviceList',
    summary: 'List services',
    description: `A service token sees only its own service. At most ${MAX_PAGE_SIZE} a call (see end).`,
    access: 'any',
    querystring: ListQuery,
    answer: ServiceListSchema,
    run: async (engine, { query, principal }) => {
      const page = await engine.listServices({
        ...pageOf(query),
        apiKeys: principal!.kind === 'service' ? [principal!.serviceApiKey] : undefined,
      })
      return {
        start: page.start,
        end: page.end,
        totalCount: page.totalCount,
        services: page.items.map(engine.toAuthleteService),
      }
    },
  }),
  operation<{ Params: ServiceParams; Body: AuthleteService }>({
    method: 'POST',
    path: '/api/:serviceId/service/update',
    operationId: 'serviceUpdate',
    summary: 'Update a service',
    description: 'Members the body omits keep their current value (merge).',
    params: ServiceIdParams,
    body: ServiceSchema,
    answer: ServiceSchema,
    run: async (engine, { params, body }) => {
      const current = await requireService(engine, params.serviceId)
      return engine.toAuthleteService(await engine.updateService(current.apiKey, body))
    },
  }),
  operation<{ Params: ServiceParams }>({
    method: 'DELETE',
    path: '/api/:serviceId/service/delete',
    operationId: 'serviceDelete',
    summary: 'Delete a service with its clients and tokens',
    access: 'admin',
    params: ServiceIdParams,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      await engine.deleteService(service.apiKey)
    },
  }),
  operation<{ Params: ServiceParams }>({
    method: 'POST',
    path: '/api/:serviceId/service/secret/refresh',
    operationId: 'serviceSecretRefresh',
    summary: 'Give a service a new apiSecret',
    description:
      "Answers the Service with its new `apiSecret`, shown this once (only its hash is stored; service get never shows it). The old secret stops working at once. Admin token only: a service credential may not mint another that outlives it. Named after Authlete's `client/secret/refresh`.",
    access: 'admin',
    params: ServiceIdParams,
    answer: ServiceSchema,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      return engine.toAuthleteService(await engine.refreshServiceSecret(service.apiKey))
    },
  }),
  operation<{ Params: ServiceParams; Querystring: Static<typeof ConfigurationQuery> }>({
    method: 'GET',
    path: '/api/:serviceId/service/configuration',
    operationId: 'serviceGetConfiguration',
    summary: "The service's discovery document (RFC 8414, OpenID Connect Discovery)",
    description:
      '`pretty=true` indents the JSON. `patch`, a JSON Patch (RFC 6902) as JSON text, is applied to the document first.',
    params: ServiceIdParams,
    querystring: ConfigurationQuery,
    answer: Type.Object({}, { additionalProperties: true }),
    run: async (engine, { params, query }) => {
      const service = await requireService(engine, params.serviceId)
      return applyJsonPatch(engine.discovery(service), query.patch)
    },
    indent: ({ query }) => (query.pretty === 'true' ? 2 : undefined),
  }),
]

export const serviceRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(app, engine, ['Service management (Authlete)'], OPERATIONS)
}
