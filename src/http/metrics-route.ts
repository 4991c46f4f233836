/**
 * `GET /metrics`: the Prometheus text exposition of the server's metrics (metrics.ts). With
 * `admin` access it takes the admin token as the API does (a wrong one counts toward the
 * API's backoff); a service token is a 403, as metrics span every service. With `public`
 * access anyone may read it: for a port only the scraper reaches.
 * @see README, "Metrics"
 */
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { OAuthErrorSchema } from '../wire/index.js'
import { authenticate, forbidden, type ApiOptions } from './api/index.js'
import { bearerSecurity } from './api/route-docs.js'
import type { ServerMetrics } from './metrics.js'

/** Who may read the metrics: the admin token, or anyone. */
export type MetricsAccess = 'admin' | 'public'

export interface MetricsRouteOptions extends ApiOptions {
  metrics: ServerMetrics
  access: MetricsAccess
}

async function requireAdmin(request: FastifyRequest, options: ApiOptions): Promise<void> {
  const principal = await authenticate(request, options)
  if (principal.kind !== 'admin') throw forbidden()
}

export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, options) => {
  const { metrics, access } = options
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Health'],
        operationId: 'metricsGet',
        summary: 'Metrics in the Prometheus text format',
        description:
          'Requests, registrations by outcome and rejecting rule, rate limit refusals, group commits, ' +
          'database connections and the process (README, Operations). Needs the admin token ' +
          'unless the server runs with `--metrics public`; absent (404) with `--metrics off`.',
        security: bearerSecurity,
        response: {
          200: {
            description: 'Prometheus text format 0.0.4',
            content: { 'text/plain': { schema: Type.String() } },
          },
          401: OAuthErrorSchema,
          403: OAuthErrorSchema,
          429: OAuthErrorSchema,
        },
      },
      ...(access === 'admin' && { onRequest: (request) => requireAdmin(request, options) }),
    },
    async (_request, reply) =>
      reply
        .code(200)
        .header('content-type', metrics.contentType)
        .send(await metrics.exposition()),
  )
}
