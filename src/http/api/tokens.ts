/**
 * Registrar's token extensions (CONTRACT.md §1b): initial access tokens (RFC 7591 §3) and
 * service-scoped API tokens. Each secret is answered once; only its hash is stored.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import { MAX_PAGE_SIZE, OAuthError } from '../../wire/index.js'
import {
  ApiTokenCreatedSchema,
  ApiTokenCreateSchema,
  InitialAccessTokenCreatedSchema,
  InitialAccessTokenCreateSchema,
  InitialAccessTokenListSchema,
  InitialAccessTokenParams,
  ServiceIdParams,
  TokenListQuery,
  type ApiTokenCreateBody,
  type InitialAccessTokenCreateBody,
} from '../../wire/schemas.js'
import { sendJson } from '../errors.js'
import { pageOf, requireService } from '../request-parts.js'
import { apiErrors, bearerSecurity } from './route-docs.js'

const tags = ['Tokens (Registrar extension)']

export const tokenRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  app.post<{ Params: { serviceId: string }; Body: InitialAccessTokenCreateBody }>(
    '/api/:serviceId/initial_access_token/create',
    {
      schema: {
        tags,
        summary: 'Create an initial access token (RFC 7591 §3)',
        security: bearerSecurity,
        params: ServiceIdParams,
        body: InitialAccessTokenCreateSchema,
        response: { 200: InitialAccessTokenCreatedSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const created = await engine.createInitialAccessToken(service.apiKey, request.body)
      return sendJson(reply, 200, created)
    },
  )

  app.get<{ Params: { serviceId: string }; Querystring: { start?: string; end?: string } }>(
    '/api/:serviceId/initial_access_token/list',
    {
      schema: {
        tags,
        summary: "List a service's live initial access tokens (no secrets)",
        description: `Oldest first, at most ${MAX_PAGE_SIZE} a call.`,
        security: bearerSecurity,
        params: ServiceIdParams,
        querystring: TokenListQuery,
        response: { 200: InitialAccessTokenListSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      const page = await engine.listInitialAccessTokens(
        service.apiKey,
        pageOf(request.query, MAX_PAGE_SIZE),
      )
      const tokens = page.items.map((record) => ({
        id: record.id,
        expiresAt: record.expiresAt,
        maxUses: record.maxUses,
        ...(record.maxUses > 0 ? { usesLeft: record.usesLeft } : {}),
        ...(record.description !== undefined ? { description: record.description } : {}),
      }))
      return sendJson(reply, 200, {
        start: page.start,
        end: page.end,
        totalCount: page.totalCount,
        tokens,
      })
    },
  )

  app.delete<{ Params: { serviceId: string; id: string } }>(
    '/api/:serviceId/initial_access_token/:id',
    {
      schema: {
        tags,
        summary: 'Delete an initial access token; it stops working',
        security: bearerSecurity,
        params: InitialAccessTokenParams,
        response: { 204: Type.Null(), ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      if (!(await engine.deleteInitialAccessToken(service.apiKey, request.params.id))) {
        throw new OAuthError('not_found', `no initial access token ${request.params.id}`)
      }
      return reply.code(204).send()
    },
  )

  app.post<{ Params: { serviceId: string }; Body: ApiTokenCreateBody }>(
    '/api/:serviceId/token/create',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create an API token for this service only',
        description: 'Needs the admin token.',
        security: bearerSecurity,
        params: ServiceIdParams,
        body: ApiTokenCreateSchema,
        response: { 200: ApiTokenCreatedSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const service = await requireService(engine, request.params.serviceId)
      return sendJson(
        reply,
        200,
        await engine.createApiToken(service.apiKey, request.body.description),
      )
    },
  )
}
