/**
 * Request ids and trace context, so one request's log lines can be found together and
 * joined to the caller's own. The id comes back in `X-Request-Id` on every answer: the
 * caller's own when it is a safe short token (a proxy's or a load balancer's id), else
 * one drawn here, since the header's text reaches every log line of the request.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'

/** Letters, digits and the punctuation of UUIDs, base64 and common tracer ids; 64 at most. */
const SAFE_ID = /^[A-Za-z0-9._~:+/=-]{1,64}$/

/** The request's id: its X-Request-Id when that is one safe short token, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers[REQUEST_ID_HEADER]
  return typeof sent === 'string' && SAFE_ID.test(sent) ? sent : randomUUID()
}

/**
 * W3C Trace Context §3.2: `version-traceid-parentid-flags`, lowercase hex, version 00;
 * all-zero trace and parent ids are invalid (§3.2.2.3, §3.2.2.4).
 */
const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-[0-9a-f]{2}$/

/** The log fields of a valid `traceparent` header, or undefined. */
export function traceFieldsOf(
  request: IncomingMessage,
): { traceId: string; spanId: string } | undefined {
  const header = request.headers.traceparent
  if (typeof header !== 'string') return undefined
  const match = TRACEPARENT.exec(header)
  return match ? { traceId: match[1]!, spanId: match[2]! } : undefined
}
