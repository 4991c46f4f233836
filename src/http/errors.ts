/**
 * The one error handler and the one not-found handler. Every failure becomes an OAuthError
 * first (framework failures through one table), then is rendered for its surface: a
 * ResultError under /api/ (Authlete's API), `{error, error_description}` elsewhere (RFC 6749
 * §5.2). Anything that is not an OAuthError is a bug: logged with the request id, answered
 * with a fixed 500; no message, stack or SQL text leaves the process.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import {
  apiErrorCode,
  isOAuthError,
  OAuthError,
  resultMessage,
  type ResultError,
} from '../wire/index.js'
import { bearerToken } from './request-parts.js'
import { requestLine } from './log-fields.js'
import { REQUEST_ID_HEADER } from './request-id.js'

/**
 * Every answer carries these: registration answers hold secrets (RFC 7591 §3.2.1, RFC 6749
 * §5.1), API answers hold client secrets, and no error is worth caching.
 */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const

/** 413 for a body over the limit. */
export function bodyTooLarge(): OAuthError {
  return new OAuthError('invalid_request', 'the request body is too large', { status: 413 })
}

/** Fastify's own failures, by error code. */
const FRAMEWORK_FAILURES: Record<string, () => OAuthError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: bodyTooLarge,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new OAuthError('invalid_request', 'the Content-Length header does not match the body'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new OAuthError('invalid_request', 'unsupported media type', { status: 415 }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new OAuthError('invalid_request', 'the request body is empty'),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new OAuthError('invalid_request', 'the request body is not valid JSON'),
  FST_ERR_BAD_URL: () => new OAuthError('invalid_request', 'the URL is malformed'),
}

/** The OAuthError a failure is answered with; undefined for a bug (a fixed 500). */
function toOAuthError(error: FastifyError): OAuthError | undefined {
  if (isOAuthError(error)) return error
  if (error.validation) {
    // Envelope validation (route schemas): the message names the member, never a secret.
    return new OAuthError('invalid_request', `invalid request: ${error.message}`)
  }
  const framework = error.code ? FRAMEWORK_FAILURES[error.code] : undefined
  if (framework) return framework()
  const status = error.statusCode
  // The framework's refusals, and a client that went away while its body was read.
  const byClient = error.code?.startsWith('FST_') || error.code === 'ECONNRESET'
  if (typeof status === 'number' && status >= 400 && status < 500 && byClient) {
    return new OAuthError('invalid_request', 'the request cannot be processed', { status })
  }
  return undefined
}

const SERVER_ERROR = new OAuthError('server_error', 'the server could not complete the request')

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')
}

function pathOf(url: string): string {
  const end = url.indexOf('?')
  return end === -1 ? url : url.slice(0, end)
}

/** The ResultError body of an API-level failure (Authlete's API). */
export function resultError(status: number, text: string, url: string): ResultError {
  const code = apiErrorCode(status)
  return { resultCode: code, resultMessage: resultMessage(code, text, pathOf(url)) }
}

/**
 * Sends a JSON body with `Content-Type: application/json` exactly: with a serializer of
 * its own Fastify appends no charset (JSON is UTF-8, RFC 8259 §8.1), and the text goes out
 * with the headers in one write.
 */
export function sendJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  space?: number,
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .serializer((value: unknown) => JSON.stringify(value, null, space))
    .send(body)
}

/**
 * The one place the Bearer challenge is written: a 401 outside the API carries it (RFC 6750
 * §3), with no error code when the request carried no token (§3.1). The API answers
 * Authlete's ResultError instead, with no challenge.
 */
export function addChallenge(request: FastifyRequest, reply: FastifyReply, status: number): void {
  if (status !== 401 || isApiPath(request.url)) return
  const presented = bearerToken(request.headers.authorization) !== undefined
  reply.header('www-authenticate', presented ? 'Bearer error="invalid_token"' : 'Bearer')
}

/** Renders an OAuthError for the surface the request is on. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: OAuthError,
): FastifyReply {
  reply.headers({ ...NO_STORE, ...error.headers })
  if (isApiPath(request.url)) {
    return sendJson(reply, error.status, resultError(error.status, error.description, request.url))
  }
  addChallenge(request, reply, error.status)
  return sendJson(reply, error.status, error.toJSON())
}

export function handleError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const known = toOAuthError(error)
  if (!known || known.status >= 500) {
    request.log.error({ err: error.cause ?? error }, 'request failed')
  }
  return sendError(request, reply, known ?? SERVER_ERROR)
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.headers(NO_STORE)
  if (isApiPath(request.url)) {
    return sendJson(reply, 404, resultError(404, 'no such API', request.url))
  }
  return sendJson(reply, 404, { error: 'not_found', error_description: 'no such endpoint' })
}

/**
 * Failures the router meets before any route or hook runs (Fastify's `frameworkErrors`):
 * a URL that does not decode is invalid_request; a path segment longer than any id names
 * nothing, so it is answered as any unknown route or id is (404).
 */
export function handleFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  // No onRequest hook ran for a request that failed before routing, and Fastify logs no
  // line for it: both are done here.
  reply.header(REQUEST_ID_HEADER, request.id)
  const answered =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? handleNotFound(request, reply)
      : handleError(error, request, reply)
  request.log.info(requestLine(request, reply), 'request refused before routing')
  return answered
}
