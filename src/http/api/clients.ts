/** Client management (spec §2.2). */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import { MAX_PAGE_SIZE, type AuthleteClient } from '../../wire/index.js'
import {
  ClientListQuery,
  ClientListSchema,
  ClientSchema,
  ServiceClientParams,
  ServiceIdParams,
} from '../../wire/schemas.js'
import { sendJson } from '../errors.js'
import { pageOf, requireService } from '../request-parts.js'
import { apiErrors, bearerSecurity } from './route-docs.js'

const tags = ['Client management (Authlete)']

interface ClientParams {
  serviceId: string
  clientId: string
}

export const clientRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  app.post<{ Params: { serviceId: string }; Body: AuthleteClient }>(
    '/api/:serviceId/client/create',
    {
      schema: {
        tags,
        summary: 'Create a client',
        description: 'Read-only members (clientId, clientSecret, number, timestamps) are ignored.',
        security: bearerSecurity,
        params: ServiceIdParams,
        body: ClientSchema,
        response: { 200: ClientSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const client = await engine.createClient(service, request.body)
      return sendJson(reply, 200, engine.toAuthleteClient(service, client))
    },
  )

  app.get<{ Params: ClientParams }>(
    '/api/:serviceId/client/get/:clientId',
    {
      schema: {
        tags,
        summary: 'Get a client',
        security: bearerSecurity,
        params: ServiceClientParams,
        response: { 200: ClientSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const client = await engine.requireClient(service, request.params.clientId)
      return sendJson(reply, 200, engine.toAuthleteClient(service, client))
    },
  )

  app.get<{
    Params: { serviceId: string }
    Querystring: { start?: string; end?: string; developer?: string }
  }>(
    '/api/:serviceId/client/get/list',
    {
      schema: {
        tags,
        summary: "List a service's clients",
        description: `By ascending number, at most ${MAX_PAGE_SIZE} a call (see end).`,
        security: bearerSecurity,
        params: ServiceIdParams,
        querystring: ClientListQuery,
        response: { 200: ClientListSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const page = await engine.listClients(service, {
        ...pageOf(request.query),
        developer: request.query.developer,
      })
      return sendJson(reply, 200, {
        start: page.start,
        end: page.end,
        totalCount: page.totalCount,
        clients: page.items.map((client) => engine.toAuthleteClient(service, client)),
      })
    },
  )

  app.post<{ Params: ClientParams; Body: AuthleteClient }>(
    '/api/:serviceId/client/update/:clientId',
    {
      schema: {
        tags,
        summary: 'Update a client',
        description:
          'Replaces the metadata and management members with the body (send the whole object).',
        security: bearerSecurity,
        params: ServiceClientParams,
        body: ClientSchema,
        response: { 200: ClientSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const client = await engine.updateClient(service, request.params.clientId, request.body)
      return sendJson(reply, 200, engine.toAuthleteClient(service, client))
    },
  )

  app.delete<{ Params: ClientParams }>(
    '/api/:serviceId/client/delete/:clientId',
    {
      schema: {
        tags,
        summary: 'Delete a client',
        security: bearerSecurity,
        params: ServiceClientParams,
        response: { 204: Type.Null(), ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      await engine.deleteClient(service, request.params.clientId)
      return reply.code(204).send()
    },
  )
}
