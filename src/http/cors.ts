/**
 * CORS for the public endpoints only: browsers may register and discover from any origin
 * (RFC 7591 §3 clients, MCP hosts), while the API, which takes the admin token, is for
 * servers and answers no preflight. Each public route declares its preflight here, so a
 * preflight anywhere else is an unknown route (404). No credentials are involved (the
 * tokens travel in Authorization), so the origin is always `*`.
 * @see Fetch standard, CORS protocol
 */
import type { FastifyInstance } from 'fastify'
import { OAuthError } from '../wire/index.js'

/** Lets any origin read the answers of the routes of `app`'s context. */
export function allowAnyOrigin(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    // A browser script needs WWW-Authenticate to tell a missing token from a wrong one,
    // Retry-After to wait out a 429, and X-Request-Id to quote to the operator; none of
    // them is a CORS-safelisted response header.
    reply.headers({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'WWW-Authenticate, Retry-After, X-Request-Id',
    })
    done()
  })
}

/** How long a browser may reuse a preflight answer, seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600

/**
 * Answers CORS preflights for `path`, which takes `methods` (Fetch standard, CORS
 * protocol): 204 with the methods and the headers asked for; a preflight without
 * `Origin` or `Access-Control-Request-Method` is malformed (400 invalid_request).
 */
export function answerPreflights(
  app: FastifyInstance,
  path: string,
  methods: readonly string[],
): void {
  app.options(path, { schema: { hide: true } }, async (request, reply) => {
    const requestedHeaders = request.headers['access-control-request-headers']
    if (!request.headers.origin || !request.headers['access-control-request-method']) {
      throw new OAuthError(
        'invalid_request',
        'a CORS preflight needs the Origin and Access-Control-Request-Method headers',
      )
    }
    reply.headers({
      'access-control-allow-methods': methods.join(', '),
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
      vary: 'Access-Control-Request-Headers',
    })
    if (requestedHeaders) reply.header('access-control-allow-headers', requestedHeaders)
    return reply.code(204).header('content-length', '0').send()
  })
}
