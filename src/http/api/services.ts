/** Service management (spec §2.1). */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import { MAX_PAGE_SIZE, type AuthleteService } from '../../wire/index.js'
import {
  ConfigurationQuery,
  ListQuery,
  ServiceIdParams,
  ServiceListSchema,
  ServiceSchema,
} from '../../wire/schemas.js'
import { sendJson } from '../errors.js'
import { pageOf, requireService } from '../request-parts.js'
import { applyJsonPatch } from './json-patch.js'
import { apiErrors, bearerSecurity } from './route-docs.js'

const tags = ['Service management (Authlete)']

interface ServiceParams {
  serviceId: string
}

export const serviceRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  app.post<{ Body: AuthleteService }>(
    '/api/service/create',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a service',
        security: bearerSecurity,
        body: ServiceSchema,
        response: { 200: ServiceSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await engine.createService(request.body)
      return sendJson(reply, 200, engine.toAuthleteService(service))
    },
  )

  app.get<{ Params: ServiceParams }>(
    '/api/:serviceId/service/get',
    {
      schema: {
        tags,
        summary: 'Get a service',
        security: bearerSecurity,
        params: ServiceIdParams,
        response: { 200: ServiceSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      return sendJson(reply, 200, engine.toAuthleteService(service))
    },
  )

  app.get<{ Querystring: { start?: string; end?: string } }>(
    '/api/service/get/list',
    {
      config: { access: 'any' },
      schema: {
        tags,
        summary: 'List services',
        description: `A service token sees only its own service. At most ${MAX_PAGE_SIZE} a call (see end).`,
        security: bearerSecurity,
        querystring: ListQuery,
        response: { 200: ServiceListSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const principal = request.principal!
      const page = await engine.listServices({
        ...pageOf(request.query),
        apiKeys: principal.kind === 'service' ? [principal.serviceApiKey] : undefined,
      })
      return sendJson(reply, 200, {
        start: page.start,
        end: page.end,
        totalCount: page.totalCount,
        services: page.items.map(engine.toAuthleteService),
      })
    },
  )

  app.post<{ Params: ServiceParams; Body: AuthleteService }>(
    '/api/:serviceId/service/update',
    {
      schema: {
        tags,
        summary: 'Update a service',
        description: 'Members the body omits keep their current value (merge).',
        security: bearerSecurity,
        params: ServiceIdParams,
        body: ServiceSchema,
        response: { 200: ServiceSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const current = await requireService(engine, request.params.serviceId)
      const updated = await engine.updateService(current.apiKey, request.body)
      return sendJson(reply, 200, engine.toAuthleteService(updated))
    },
  )

  app.delete<{ Params: ServiceParams }>(
    '/api/:serviceId/service/delete',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a service with its clients and tokens',
        security: bearerSecurity,
        params: ServiceIdParams,
        response: { 204: Type.Null(), ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      await engine.deleteService(service.apiKey)
      return reply.code(204).send()
    },
  )

  app.get<{ Params: ServiceParams; Querystring: { pretty?: string; patch?: string } }>(
    '/api/:serviceId/service/configuration',
    {
      schema: {
        tags,
        summary: "The service's discovery document (RFC 8414, OpenID Connect Discovery)",
        description:
          '`pretty=true` indents the JSON. `patch`, a JSON Patch (RFC 6902) as JSON text, is applied to the document first.',
        security: bearerSecurity,
        params: ServiceIdParams,
        querystring: ConfigurationQuery,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const document = await applyJsonPatch(engine.discovery(service), request.query.patch)
      return sendJson(reply, 200, document, request.query.pretty === 'true' ? 2 : undefined)
    },
  )
}
