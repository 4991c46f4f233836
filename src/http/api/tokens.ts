/**
 * Registrar's token extensions: initial access tokens (RFC 7591 §3) and
 * service-scoped API tokens. Each secret is answered once; only its hash is stored.
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine, InitialAccessTokenRecord } from '../../engine/index.js'
import {
  ApiTokenCreatedSchema,
  ApiTokenCreateSchema,
  ApiTokenListSchema,
  InitialAccessTokenCreatedSchema,
  InitialAccessTokenCreateSchema,
  InitialAccessTokenListSchema,
  ServiceTokenParams,
  MAX_PAGE_SIZE,
  OAuthError,
  ServiceIdParams,
  TokenListQuery,
  type ApiTokenCreateBody,
  type InitialAccessTokenCreateBody,
} from '../../wire/index.js'
import { pageOf, requireService } from '../request-parts.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>

/** A live token as listed: no secret, `usesLeft` only when uses are limited. */
function listedToken(record: InitialAccessTokenRecord) {
  return {
    id: record.id,
    expiresAt: record.expiresAt,
    maxUses: record.maxUses,
    ...(record.maxUses > 0 ? { usesLeft: record.usesLeft } : {}),
    ...(record.description !== undefined ? { description: record.description } : {}),
  }
}

const OPERATIONS = [
  operation<{ Params: ServiceParams; Body: InitialAccessTokenCreateBody }>({
    method: 'POST',
    path: '/api/:serviceId/initial_access_token/create',
    operationId: 'initialAccessTokenCreate',
    summary: 'Create an initial access token (RFC 7591 §3)',
    params: ServiceIdParams,
    body: InitialAccessTokenCreateSchema,
    answer: InitialAccessTokenCreatedSchema,
    run: async (engine, { params, body }) => {
      const service = await requireService(engine, params.serviceId)
      return engine.createInitialAccessToken(service.apiKey, body)
    },
  }),
  operation<{ Params: ServiceParams; Querystring: Static<typeof TokenListQuery> }>({
    method: 'GET',
    path: '/api/:serviceId/initial_access_token/list',
    operationId: 'initialAccessTokenList',
    summary: "List a service's live initial access tokens (no secrets)",
    description: `Oldest first, at most ${MAX_PAGE_SIZE} a call.`,
    params: ServiceIdParams,
    querystring: TokenListQuery,
    answer: InitialAccessTokenListSchema,
    run: async (engine, { params, query }) => {
      const service = await requireService(engine, params.serviceId)
      const page = await engine.listInitialAccessTokens(
        service.apiKey,
        pageOf(query, MAX_PAGE_SIZE),
      )
      return {
        start: page.start,
        end: page.end,
        totalCount: page.totalCount,
        tokens: page.items.map(listedToken),
      }
    },
  }),
  operation<{ Params: Static<typeof ServiceTokenParams> }>({
    method: 'DELETE',
    path: '/api/:serviceId/initial_access_token/:id',
    operationId: 'initialAccessTokenDelete',
    summary: 'Delete an initial access token; it stops working',
    params: ServiceTokenParams,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      if (!(await engine.deleteInitialAccessToken(service.apiKey, params.id))) {
        throw new OAuthError('not_found', `no initial access token ${params.id}`)
      }
    },
  }),
  operation<{ Params: ServiceParams; Body: ApiTokenCreateBody }>({
    method: 'POST',
    path: '/api/:serviceId/token/create',
    operationId: 'apiTokenCreate',
    summary: 'Create an API token for this service only',
    description: 'Needs the admin token.',
    access: 'admin',
    params: ServiceIdParams,
    body: ApiTokenCreateSchema,
    answer: ApiTokenCreatedSchema,
    run: async (engine, { params, body }) => {
      const service = await requireService(engine, params.serviceId)
      return engine.createApiToken(service.apiKey, body)
    },
  }),
  operation<{ Params: ServiceParams }>({
    method: 'GET',
    path: '/api/:serviceId/token/list',
    operationId: 'apiTokenList',
    summary: "List a service's API tokens (no secrets), with when each was last used",
    description: 'Oldest first. lastUsedAt is kept to the hour.',
    params: ServiceIdParams,
    answer: ApiTokenListSchema,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      return { tokens: await engine.listApiTokens(service.apiKey) }
    },
  }),
  operation<{ Params: Static<typeof ServiceTokenParams> }>({
    method: 'DELETE',
    path: '/api/:serviceId/token/:id',
    operationId: 'apiTokenRevoke',
    summary: 'Revoke an API token; it stops working at once',
    params: ServiceTokenParams,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      if (!(await engine.deleteApiToken(service.apiKey, params.id))) {
        throw new OAuthError('not_found', `no API token ${params.id}`)
      }
    },
  }),
]

export const tokenRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(app, engine, ['Tokens (Registrar extension)'], OPERATIONS)
}
