/**
 * What a log line may say about a request (logs carry paths and
 * query parameter names, never query values). A query value can be a secret: RFC 6750 §2.3
 * lets a client send its registration access token as `?access_token=`. Error messages are
 * scrubbed too, since some quote the URL (a malformed URL's error does).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'

/** The path of `url` and the names of its query parameters, never their values. */
export function loggableUrl(url: string): { path: string; query?: string[] } {
  const start = url.indexOf('?')
  if (start === -1) return { path: url }
  const names = url
    .slice(start + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const end = pair.indexOf('=')
      return end === -1 ? pair : pair.slice(0, end)
    })
  return { path: url.slice(0, start), query: names }
}

/** `?name=value&other=value` anywhere in a text becomes `?name=&other=`. */
function withoutQueryValues(text: string): string {
  return text.replace(/([?&][^=&#?\s'"]*)=[^&#\s'"]*/g, '$1=')
}

/** A request's log line: method, path, query parameter names and the answer's status. */
export function requestLine(
  request: FastifyRequest,
  reply: FastifyReply,
): { method: string; path: string; query?: string[]; statusCode: number } {
  return { method: request.method, ...loggableUrl(request.url), statusCode: reply.statusCode }
}

/** pino serializer for `req`: method, path and query parameter names only. */
export function serializeRequest(
  request: FastifyRequest | IncomingMessage,
): Record<string, unknown> {
  return { method: request.method, ...loggableUrl(request.url ?? '') }
}

/** pino serializer for `err`: type, message, stack and code, without query values. */
export function serializeError(error: Error & { code?: unknown; statusCode?: unknown }): {
  type: string
  message: string
  stack: string
  [key: string]: unknown
} {
  return {
    type: error.constructor?.name ?? 'Error',
    message: withoutQueryValues(String(error.message)),
    stack: withoutQueryValues(String(error.stack ?? '')),
    code: error.code,
    statusCode: error.statusCode,
  }
}
