/**
 * Answers to requests that are not HTTP Node can parse (the server's `clientError`): bad
 * framing, a request line or headers over the size limit, a request that took too long to
 * arrive. No route sees them, so they are written to the socket here, as JSON with the
 * same headers every answer carries: a result error when the request line names /api/, an
 * OAuth error `invalid_request` otherwise.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { OAuthError } from '../wire/index.js'
import { isApiPath, NO_STORE, resultError } from './errors.js'

interface ClientError extends Error {
  code?: string
  /** The bytes Node had received when parsing failed (a Buffer). */
  rawPacket?: unknown
}

/** The status and description each parser failure is answered with; 400 for the rest. */
const FAILURES: Record<string, [status: number, description: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'the request line or headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'the chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request did not arrive in time'],
}
const MALFORMED: [number, string] = [400, 'the request is not well-formed HTTP']

/** The request target of the request line, when the bytes received start with one. */
function requestTarget(packet: unknown): string | undefined {
  if (!Buffer.isBuffer(packet)) return undefined
  return /^[A-Za-z]+ (\S+)/.exec(packet.subarray(0, 2048).toString('latin1'))?.[1]
}

/** The JSON text of the answer to a request that failed to parse. */
export function clientErrorBody(error: ClientError): { status: number; text: string } {
  const [status, description] = (error.code && FAILURES[error.code]) || MALFORMED
  const target = requestTarget(error.rawPacket)
  const body =
    target !== undefined && isApiPath(target)
      ? resultError(status, description, target)
      : new OAuthError('invalid_request', description, { status }).toJSON()
  return { status, text: JSON.stringify(body) }
}

/**
 * Fastify's `clientErrorHandler`. Like Node's own, it answers only while no answer to an
 * earlier request on the connection is partly written, then closes the connection.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  // Node's own handler makes the same check on the same field (lib/_http_server.js).
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage
  if (socket.writable && !inFlight?.headersSent) {
    const { status, text } = clientErrorBody(error)
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...NO_STORE,
      connection: 'close',
    }
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${text}`)
  }
  socket.destroy()
}
