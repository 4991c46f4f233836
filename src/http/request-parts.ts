/**
 * Reading the parts of a request every surface needs: the bearer token or Basic pair, the ids in the path
 * and who sent it from where.
 */
import type { FastifyRequest } from 'fastify'
import type { Engine, RequestOrigin, ServiceRecord } from '../engine/index.js'
import { numericId, OAuthError } from '../wire/index.js'

/**
 * The token of an `Authorization: Bearer <token>` header; the scheme is matched
 * case-insensitively (RFC 6750 §2.1, RFC 7235 §2.1). Undefined for no header, another
 * scheme or an empty token.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return match ? match[1] : undefined
}

/**
 * The `apiKey:apiSecret` pair of an `Authorization: Basic` header (RFC 7617 §2: base64 of
 * user-id, a colon, password; the scheme case-insensitive). Undefined for no header,
 * another scheme, or a value that is not such a pair: the caller answers as for a wrong one.
 */
export function basicCredentials(
  header: string | undefined,
): { apiKey: number; apiSecret: string } | undefined {
  const match =
    header === undefined ? null : /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header)
  if (!match) return undefined
  const pair = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = pair.indexOf(':')
  const apiKey = colon < 0 ? undefined : numericId(pair.slice(0, colon))
  if (apiKey === undefined) return undefined
  return { apiKey, apiSecret: pair.slice(colon + 1) }
}

/**
 * The service a `{serviceId}` path names; OAuthError not_found (404) when there is none,
 * and before any lookup when the path holds no id at all.
 */
export async function requireService(engine: Engine, serviceId: string): Promise<ServiceRecord> {
  const id = numericId(serviceId)
  if (id === undefined) throw new OAuthError('not_found', 'no such service')
  return engine.requireService(id)
}

/** The service whose registration endpoints a path names: it must exist and allow DCR. */
export async function requireRegistrationService(
  engine: Engine,
  serviceId: string,
): Promise<ServiceRecord> {
  const id = numericId(serviceId)
  const service = id === undefined ? undefined : await engine.getService(id)
  if (!service || service.settings.dynamicRegistrationSupported === false) {
    throw new OAuthError('not_found', 'no registration endpoint here')
  }
  return service
}

/**
 * Authlete's list window: `start` inclusive (default 0), `end` exclusive (default 5). The
 * engine answers at most MAX_PAGE_SIZE items of it (wire/pages.ts).
 */
export function pageOf(
  query: { start?: string; end?: string },
  defaultEnd = 5,
): { start: number; end: number } {
  const start = query.start === undefined ? 0 : Number(query.start)
  const end = query.end === undefined ? defaultEnd : Number(query.end)
  return { start, end: Math.max(start, end) }
}

/**
 * Who sent the request and from where, for the audit history: its X-Request-Id, the
 * caller's address (the socket's peer, or the X-Forwarded-For client when the peer is a
 * trusted proxy) and, through the management API, the bearer token's principal. The
 * address is read only when an event is recorded: most requests (RFC 7592 reads) record
 * none, and behind trusted proxies it is worked out from X-Forwarded-For.
 */
export function originOf(request: FastifyRequest): RequestOrigin {
  return {
    requestId: request.id,
    get address() {
      return request.ip
    },
    principal: request.principal,
  }
}
