/**
 * buildServer: the Fastify app with every surface, not listening. One plugin per surface
 * (registration endpoints, Authlete-compatible API with Registrar's extensions, discovery,
 * health, metrics, OpenAPI), one error handler and one not-found handler.
 */
import Fastify, {
  LogController,
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyServerOptions,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
// The route schemas' documentation members (tags, summary, hide) are typed by it.
import type {} from '@fastify/swagger'
import type { Server } from 'node:http'
import type { DestinationStream } from 'pino'
import type { Engine } from '../engine/index.js'
import { MAX_CLIENT_ID_LENGTH, OAuthError } from '../wire/index.js'
import { apiRoutes } from './api/index.js'
import { TokenBackoff, type TokenBackoffOptions } from './api/token-backoff.js'
import { answerClientError } from './client-errors.js'
import { allowAnyOrigin } from './cors.js'
import { drainConnections, type ConnectionDrain } from './connection-drain.js'
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
import { requestLine, serializeError, serializeRequest } from './log-fields.js'
import type { ServerMetrics } from './metrics.js'
import { metricsRoutes, type MetricsAccess } from './metrics-route.js'
import { openApiRoutes, type OpenApiDocument } from './openapi.js'
import { finishOpenApiDocument } from './openapi-document.js'
import { registrationRoutes } from './registration.js'
import { REQUEST_ID_HEADER, requestIdOf, traceFieldsOf } from './request-id.js'
import { schemaController } from './schema-compilers.js'

export interface ServerOptions {
  engine: Engine
  /**
   * Structured logging (pino through Fastify); false for none.
   * @default false
   */
  logger?: false | { level: string; stream?: DestinationStream }
  /**
   * Largest accepted request body, bytes (65,536).
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
  /** Limits on connections from clients; each is on by default. */
  limits?: Partial<ConnectionLimits>
  /**
   * The reverse proxies in front: addresses and CIDR ranges (or `loopback`, `linklocal`,
   * `uniquelocal`). A request whose peer is one of them is taken to come from the last
   * untrusted address of its X-Forwarded-For; with none, X-Forwarded-For is ignored and the
   * client is the socket's peer (rate limits, token backoff).
   * @default []
   */
  trustProxy?: readonly string[]
  /**
   * Prometheus metrics, measured on every route and served at `GET /metrics` to the admin
   * token or to anyone; without, nothing is measured and `/metrics` is a 404.
   * @default none
   */
  metrics?: { collector: ServerMetrics; access: MetricsAccess }
}

/** How long a client may take, and how many connections it may hold (README, Security). */
export interface ConnectionLimits {
  /** The whole request, headers and body, from its first byte. @default 30000 */
  requestTimeoutMilliseconds: number
  /** The request headers; for a new connection, from the moment it opens. @default 10000 */
  headersTimeoutMilliseconds: number
  /** An idle connection kept alive after an answer. @default 5000 */
  keepAliveTimeoutMilliseconds: number
  /** Open connections at once; more are closed as they arrive. @default 10000 */
  maxConnections: number
}

const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  requestTimeoutMilliseconds: 30_000,
  headersTimeoutMilliseconds: 10_000,
  keepAliveTimeoutMilliseconds: 5_000,
  maxConnections: 10_000,
})

declare module 'fastify' {
  interface FastifyInstance {
    /** Stops the server gracefully: see connection-drain.ts. */
    drain: ConnectionDrain
  }
}

/** One log line per request, when it completes, instead of Fastify's two. */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = { ...requestLine(request, reply), ms: Math.round(reply.elapsedTime) }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 65_536
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits }
  const app = Fastify<Server>({
    ...fastifyOptions(options.logger ?? false, bodyLimit, limits),
    ...(options.trustProxy?.length && { trustProxy: [...options.trustProxy] }),
  })
  app.server.maxConnections = limits.maxConnections
  app.decorate('drain', drainConnections(app.server))
  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  addGuards(app, bodyLimit)

  const { engine, metrics } = options
  metrics?.collector.instrument(app)
  const observeRegistration = metrics?.collector.observeRegistration

  const openApiDocument = options.openApiDocument ?? (await generateOpenApi(app, options.version))
  await app.register(async (publicSurface) => {
    allowAnyOrigin(publicSurface)
    await publicSurface.register(registrationRoutes, { engine, observeRegistration })
    await publicSurface.register(discoveryRoutes, { engine })
  })
  const backoff =
    options.tokenBackoff === false ? undefined : new TokenBackoff(options.tokenBackoff)
  await app.register(apiRoutes, { engine, backoff, observeRegistration })
  await app.register(healthRoutes, { engine })
  if (metrics) {
    await app.register(metricsRoutes, {
      engine,
      backoff,
      metrics: metrics.collector,
      access: metrics.access,
    })
  }
  await app.register(openApiRoutes, { document: openApiDocument })
  return app
}

/** pino's level number of `warn`. */
const WARN = 40

/** Writes out what a buffering stream (pino.destination with minLength) holds. */
function flushLog(stream: DestinationStream | undefined): void {
  const flushable = stream as { flush?: () => void; destroyed?: boolean } | undefined
  if (typeof flushable?.flush === 'function' && !flushable.destroyed) flushable.flush()
}

function fastifyOptions(
  logger: NonNullable<ServerOptions['logger']>,
  bodyLimit: number,
  limits: ConnectionLimits,
): FastifyHttpOptions<Server> {
  return {
    bodyLimit,
    // client/get/{clientId} takes a URL-encoded client_id URL (a character may take three);
    // every other path parameter keeps the router's usual limit (addGuards).
    routerOptions: { maxParamLength: LONG_PARAM_LENGTH },
    requestTimeout: limits.requestTimeoutMilliseconds,
    keepAliveTimeout: limits.keepAliveTimeoutMilliseconds,
    http: {
      headersTimeout: limits.headersTimeoutMilliseconds,
      // node checks both timeouts on this interval, so a cut-off comes up to one interval late.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMilliseconds / 2),
    },
    logger: logger
      ? {
          level: logger.level,
          stream: logger.stream,
          // Warnings and errors reach the log at once, not with the next few kilobytes.
          hooks: {
            logMethod(args, method, level) {
              method.apply(this, args)
              if (level >= WARN) flushLog(logger.stream)
            },
          },
          // Requests and errors are logged without query values (log-fields.ts).
          serializers: { req: serializeRequest, err: serializeError },
          // Never a secret in the log: no authorization header, no bodies.
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body'],
            censor: '[redacted]',
          },
        }
      : false,
    logController: new OneLinePerRequest(),
    // Every answer and log line names its request (request-id.ts).
    requestIdHeader: false,
    genReqId: requestIdOf,
    childLoggerFactory(logger, bindings, options, request) {
      const trace = traceFieldsOf(request)
      return logger.child(trace ? { ...bindings, ...trace } : bindings, options)
    },
    // Envelope types are checked as sent: a number is not a string (Authlete's API).
    schemaController: schemaController as unknown as FastifyServerOptions['schemaController'],
    // The drain decides which requests a stop refuses (connection-drain.ts).
    return503OnClosing: false,
    // Failures before routing get the same JSON shapes and headers as any other.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: answerClientError,
  }
}

/** What every request meets first, on every surface. */
function addGuards(app: FastifyInstance, bodyLimit: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(NO_STORE)
    reply.header(REQUEST_ID_HEADER, request.id)
    // Answered here, the request goes no further (done is not called).
    // After the signal to stop, a kept-alive connection carries no new work.
    if (app.drain.refuses(request.raw)) sendError(request, reply, shuttingDown())
    // A declared body over the limit is refused on every route, before anyone reads it.
    else if (Number(request.headers['content-length']) > bodyLimit)
      sendError(request, reply, bodyTooLarge())
    // An over-long id is no route's, as the router answers it (before any authentication).
    else if (hasOverlongParam(request)) handleNotFound(request, reply)
    else done()
  })
  app.addHook('preValidation', refuseUnstorableUrlParts)
}

/** The router's usual limit on a path parameter (find-my-way's default). */
const PARAM_LENGTH = 100
/** The limit on client/get's clientId, a URL-encoded client_id URL. */
const LONG_PARAM_LENGTH = 3 * MAX_CLIENT_ID_LENGTH
const LONG_PARAM_ROUTE = '/api/:serviceId/client/get/:clientId'

/** Whether a path parameter is longer than PARAM_LENGTH, but client/get's clientId. */
function hasOverlongParam(request: FastifyRequest): boolean {
  const params = request.params as Record<string, string> | undefined
  if (!params) return false
  const longAllowed = request.routeOptions.url === LONG_PARAM_ROUTE
  return Object.entries(params).some(
    ([name, value]) =>
      typeof value === 'string' &&
      value.length > PARAM_LENGTH &&
      !(longAllowed && name === 'clientId'),
  )
}

function shuttingDown(): OAuthError {
  // The drain has set `Connection: close` on every answer since the stop.
  return new OAuthError('temporarily_unavailable', 'the server is shutting down; retry')
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
          'Every /api route takes `Authorization: Bearer <admin or service token>`, or a ' +
          "service's `Authorization: Basic base64(apiKey:apiSecret)` (a service token's rights).",
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiSecret: {
            type: 'http',
            scheme: 'basic',
            description:
              "A service's apiKey as user name and its apiSecret as password (Authlete's API v2): a service token's rights within that service.",
          },
        },
      },
    },
    transformObject: (documentObject) =>
      finishOpenApiDocument((documentObject as { openapiObject: object }).openapiObject),
  })
  return async () => app.swagger() as OpenApiDocument
}
