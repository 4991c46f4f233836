/**
 * buildServer: the Fastify app with every surface, not listening. One plugin per surface
 * (registration endpoints, Authlete-compatible API with Registrar's extensions, discovery,
 * health, OpenAPI), one error handler and one not-found handler.
 */
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyServerOptions,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
// The route schemas' documentation members (tags, summary, hide) are typed by it.
import type {} from '@fastify/swagger'
import type { DestinationStream } from 'pino'
import type { Engine } from '../engine/index.js'
import { apiRoutes } from './api/index.js'
import { TokenBackoff, type TokenBackoffOptions } from './api/token-backoff.js'
import { answerClientError } from './client-errors.js'
import { allowAnyOrigin } from './cors.js'
import { discoveryRoutes, healthRoutes } from './discovery.js'
import {
  bodyTooLarge,
  handleError,
  handleFrameworkError,
  handleNotFound,
  NO_STORE,
  sendError,
} from './errors.js'
import { refuseUnstorableUrlParts } from './input-text.js'
import { openApiRoutes, type OpenApiDocument } from './openapi.js'
import { registrationRoutes } from './registration.js'
import { schemaController } from './schema-compilers.js'

export interface ServerOptions {
  engine: Engine
  /** Hash of the admin token (engine.ensureAdminToken). */
  adminTokenHash: string
  /**
   * Structured logging (pino through Fastify); false for none.
   * @default false
   */
  logger?: false | { level: string; stream?: DestinationStream }
  /**
   * Largest accepted request body, bytes (CONTRACT.md: 65,536).
   * @default 65536
   */
  bodyLimit?: number
  /** Shown in the OpenAPI document. @default '0.0.0' */
  version?: string
  /**
   * The OpenAPI document, when it was generated ahead (`npm run build` writes
   * dist/openapi.json): start-up then loads no generator. Without it, @fastify/swagger
   * generates the document from the route schemas.
   * @default generated at run time
   */
  openApiDocument?: () => Promise<OpenApiDocument>
  /**
   * Wrong API bearer tokens one client address may present per window before its API
   * requests get 429 with Retry-After until the window ends; false turns it off.
   * @default { failures: 20, windowSeconds: 60, addresses: 10000 }
   */
  tokenBackoff?: false | Partial<TokenBackoffOptions>
}

/** One log line per request, when it completes, instead of Fastify's two. */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 65_536
  const app = Fastify({
    bodyLimit,
    logger: options.logger
      ? {
          level: options.logger.level,
          stream: options.logger.stream,
          // Never a secret in the log: no authorization header, no bodies.
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body'],
            censor: '[redacted]',
          },
        }
      : false,
    logController: new OneLinePerRequest(),
    // Envelope types are checked as sent: a number is not a string (spec §2.4).
    schemaController: schemaController as unknown as FastifyServerOptions['schemaController'],
    return503OnClosing: false,
    // Failures before routing get the same JSON shapes and headers as any other.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: answerClientError,
  })

  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(NO_STORE)
    done()
  })
  // A declared body over the limit is refused on every route, before anyone reads it.
  app.addHook('onRequest', (request, reply, done) => {
    const length = Number(request.headers['content-length'])
    // Answered here, the request goes no further (done is not called).
    if (length > bodyLimit) sendError(request, reply, bodyTooLarge())
    else done()
  })
  app.addHook('preValidation', refuseUnstorableUrlParts)

  const openApiDocument = options.openApiDocument ?? (await generateOpenApi(app, options.version))
  const { engine, adminTokenHash } = options
  await app.register(async (publicSurface) => {
    allowAnyOrigin(publicSurface)
    await publicSurface.register(registrationRoutes, { engine })
    await publicSurface.register(discoveryRoutes, { engine })
  })
  const backoff =
    options.tokenBackoff === false ? undefined : new TokenBackoff(options.tokenBackoff)
  await app.register(apiRoutes, { engine, adminTokenHash, backoff })
  await app.register(healthRoutes, { engine })
  await app.register(openApiRoutes, { document: openApiDocument })
  return app
}

/** Registers @fastify/swagger, which collects the routes registered after it. */
async function generateOpenApi(
  app: FastifyInstance,
  version = '0.0.0',
): Promise<() => Promise<OpenApiDocument>> {
  const { default: swagger } = await import('@fastify/swagger')
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Registrar',
        version,
        description:
          'Dynamic Client Registration (RFC 7591, RFC 7592) with an Authlete-compatible API. ' +
          'Every /api route takes `Authorization: Bearer <admin or service token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  })
  return async () => app.swagger() as OpenApiDocument
}
