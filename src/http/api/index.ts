/**
 * The Authlete-compatible API and Registrar's extensions.
 * Every route needs a credential: the admin token reaches everything; a service token, or
 * a service's `apiKey:apiSecret` over HTTP Basic (Authlete's API v2), only its own
 * service, and never the routes marked `access: 'admin'`.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Engine, Principal } from '../../engine/index.js'
import {
  isJsonObject,
  numericId,
  OAuthError,
  parseStorableJson,
  UnstorableJsonError,
} from '../../wire/index.js'
import type { RegistrationObserver } from '../registration-outcome.js'
import { basicCredentials, bearerToken, originOf } from '../request-parts.js'
import { auditRoutes } from './audit.js'
import { clientRoutes } from './clients.js'
import { dcrRoutes } from './dcr.js'
import { policyRoutes } from './policy.js'
import { serviceRoutes } from './services.js'
import type { TokenBackoff } from './token-backoff.js'
import { tokenRoutes } from './tokens.js'
import { webhookRoutes } from './webhooks.js'

/**
 * Who may call a route: `admin` only the admin token; `any` every valid token (the route
 * narrows what it shows); `service` (the default) the admin token or the token of the
 * service named in the path.
 */
export type Access = 'admin' | 'any' | 'service'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
    /** Refuse an empty body instead of reading it as `{}` (see Operation.bodyRequired). */
    bodyRequired?: boolean
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

export interface ApiOptions {
  engine: Engine
  /** Backs off addresses that present wrong tokens; undefined for none. */
  backoff?: TokenBackoff
  /** Told what became of each registration through the DCR API (the server's metrics). */
  observeRegistration?: RegistrationObserver
}

/**
 * An empty body is no body, read as `{}` below (Authlete's API); anything else must be a
 * JSON object whose every value can be stored as sent.
 */
function parseEnvelope(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = parseStorableJson(text)
  } catch (error) {
    if (error instanceof UnstorableJsonError) {
      throw new OAuthError('invalid_request', `invalid request: body/${error.message}`)
    }
    throw new OAuthError('invalid_request', 'the request body is not valid JSON')
  }
  if (!isJsonObject(value)) {
    throw new OAuthError('invalid_request', 'the request body must be a JSON object')
  }
  return value
}

/**
 * Who the request's credential belongs to: the admin, or a service. OAuthError
 * invalid_token (401) without one or for a wrong one, Bearer or Basic alike, which the
 * backoff counts; 429 while the client's address is backed off.
 */
export async function authenticate(
  request: FastifyRequest,
  options: ApiOptions,
): Promise<Principal> {
  const { backoff } = options
  // The socket's peer, or the X-Forwarded-For client when the peer is a trusted proxy.
  const address = request.ip
  backoff?.check(address)
  const principal = await authenticateHeader(request.headers.authorization, options.engine)
  if (!principal) {
    backoff?.recordFailure(address)
    await recordFailedAuthentication(request, options.engine)
    throw new OAuthError('invalid_token', 'the access token is not valid')
  }
  return principal
}

/**
 * The principal of a Bearer token or a Basic `apiKey:apiSecret` pair; undefined for a wrong
 * one, or a Basic value that is no such pair. No credential at all is its own 401.
 */
async function authenticateHeader(
  header: string | undefined,
  engine: Engine,
): Promise<Principal | undefined> {
  const token = bearerToken(header)
  if (token) return engine.authenticateBearer(token)
  if (header === undefined || !/^basic[ \t]/i.test(header)) {
    throw new OAuthError(
      'invalid_token',
      'Authorization header is missing or is neither Bearer nor Basic',
    )
  }
  const pair = basicCredentials(header)
  return pair && engine.authenticateServiceSecret(pair.apiKey, pair.apiSecret)
}

/** 403 for a valid token that does not reach the route. */
export function forbidden(): OAuthError {
  return new OAuthError('insufficient_scope', 'the access token does not grant this operation', {
    status: 403,
  })
}

async function authorize(request: FastifyRequest, options: ApiOptions): Promise<void> {
  const principal = await authenticate(request, options)
  request.principal = principal
  if (principal.kind === 'admin') return
  const access = request.routeOptions.config.access ?? 'service'
  if (access === 'admin') throw forbidden()
  if (access === 'service') {
    const { serviceId } = request.params as { serviceId?: string }
    if (serviceId === undefined || numericId(serviceId) !== principal.serviceApiKey)
      throw forbidden()
  }
}

/**
 * A refused bearer token is an audit event of the service the path names (0 for none). A
 * failure to record it is logged: the caller still gets its 401.
 */
async function recordFailedAuthentication(request: FastifyRequest, engine: Engine) {
  const { serviceId } = request.params as { serviceId?: string }
  const serviceApiKey = (serviceId !== undefined && numericId(serviceId)) || 0
  await engine
    .recordFailedApiAuthentication(serviceApiKey, originOf(request))
    .catch((error: unknown) =>
      request.log.error({ err: error }, 'the failed authentication could not be recorded'),
    )
}

export const apiRoutes: FastifyPluginAsync<ApiOptions> = async (app, options) => {
  app.decorateRequest('principal', undefined)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseEnvelope(body as string))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
  app.addHook('onRequest', (request) => authorize(request, options))
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) {
      if (request.routeOptions.config.bodyRequired)
        throw new OAuthError('invalid_request', 'the request body is missing')
      request.body = {}
    }
  })

  await app.register(serviceRoutes, options)
  await app.register(policyRoutes, options)
  await app.register(clientRoutes, options)
  await app.register(dcrRoutes, options)
  await app.register(tokenRoutes, options)
  await app.register(webhookRoutes, options)
  await app.register(auditRoutes, options)
}
