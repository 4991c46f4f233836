/**
 * Discovery of each service, in the three forms clients try (RFC 8414 §3, OpenID Connect
 * Discovery §4): `/.well-known/oauth-authorization-server/{S}`,
 * `/.well-known/openid-configuration/{S}` and `/{S}/.well-known/openid-configuration`.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../engine/index.js'
import { OAuthErrorSchema, ServiceIdParams } from '../wire/index.js'
import { answerPreflights } from './cors.js'
import { sendJson } from './errors.js'
import { requireService } from './request-parts.js'

/** Each path with its operationId. */
const DISCOVERY_PATHS = [
  ['/.well-known/oauth-authorization-server/:serviceId', 'discoveryAuthorizationServer'],
  ['/.well-known/openid-configuration/:serviceId', 'discoveryOpenIdWellKnownFirst'],
  ['/:serviceId/.well-known/openid-configuration', 'discoveryOpenId'],
] as const

const AuthorizationServerMetadata = Type.Object(
  {
    issuer: Type.String({ description: "The service's issuer identifier (RFC 8414 §2)" }),
    registration_endpoint: Type.Optional(
      Type.String({ description: 'Where clients register (RFC 8414 §2, RFC 7591 §3)' }),
    ),
    response_types_supported: Type.Array(Type.String(), {
      description: 'The response types the service supports (RFC 8414 §2)',
    }),
  },
  { additionalProperties: true, description: 'Authorization server metadata (RFC 8414 §2)' },
)

export const discoveryRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  for (const [path, operationId] of DISCOVERY_PATHS) {
    answerPreflights(app, path, ['GET'])
    app.get<{ Params: { serviceId: string } }>(
      path,
      {
        schema: {
          tags: ['Discovery'],
          operationId,
          summary: `Authorization server metadata of a service (${path.includes('oauth') ? 'RFC 8414' : 'OpenID Connect Discovery'})`,
          params: ServiceIdParams,
          response: { 200: AuthorizationServerMetadata, 404: OAuthErrorSchema },
        },
      },
      async (request, reply) => {
        const service = await requireService(engine, request.params.serviceId)
        return sendJson(reply, 200, engine.discovery(service))
      },
    )
  }
}

const HEALTH_TIMEOUT_MILLISECONDS = 2_000

const Health = Type.Object({
  status: Type.String({ description: '`ok`, or `unavailable` when the database does not answer' }),
  rateLimits: Type.String({
    description:
      'Where rate limit buckets are kept: `local`, `redis`, or `local (redis unavailable)` ' +
      'while REDIS_URL is set and Redis does not answer',
  }),
})

/**
 * `GET /health`: 200 while the database answers, 503 otherwise; a Redis that does not answer
 * only shows in `rateLimits` (each node keeps buckets of its own meanwhile).
 */
export const healthRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['Health'],
        operationId: 'healthGet',
        summary: 'Whether the server and its database answer',
        response: {
          200: Health,
          503: Health,
        },
      },
    },
    async (request, reply) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error('database ping timed out')),
          HEALTH_TIMEOUT_MILLISECONDS,
        )
      })
      try {
        await Promise.race([engine.ping(), timeout])
        return sendJson(reply.header('cache-control', 'no-store'), 200, {
          status: 'ok',
          rateLimits: engine.rateLimitMode(),
        })
      } catch (error) {
        request.log.warn({ err: error }, 'database does not answer')
        return sendJson(reply.header('cache-control', 'no-store'), 503, {
          status: 'unavailable',
          rateLimits: engine.rateLimitMode(),
        })
      } finally {
        clearTimeout(timer)
      }
    },
  )
}
