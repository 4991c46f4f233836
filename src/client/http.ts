/**
 * One JSON exchange with an authorization server, failures mapped to DcrError.
 */
import { decodeBody, isJsonObject } from '../wire/index.js'
import { DcrError } from './errors.js'

/** Transport settings shared by every call of registrar/client. */
export interface HttpOptions {
  /**
   * The fetch to call, e.g. one with a proxy agent.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
  /**
   * Abandon a call after this many milliseconds (error `network_error`).
   * @default 30000
   */
  timeoutMs?: number
  /**
   * The largest answer body read, in bytes; a longer one is abandoned unread (error
   * `response_too_large`). Metadata documents and client information are a few KiB.
   * @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number
}

export interface Exchange {
  url: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  bearer?: string
  body?: unknown
}

export interface Answer {
  status: number
  /** The decoded JSON body, the raw text when not JSON, undefined when empty. */
  body: unknown
}

export const DEFAULT_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024

export async function exchange(exchange: Exchange, options: HttpOptions = {}): Promise<Answer> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const headers: Record<string, string> = { accept: 'application/json' }
  if (exchange.bearer !== undefined) headers.authorization = `Bearer ${exchange.bearer}`
  if (exchange.body !== undefined) headers['content-type'] = 'application/json'
  try {
    const response = await fetchImpl(exchange.url, {
      method: exchange.method,
      headers,
      body: exchange.body === undefined ? undefined : JSON.stringify(exchange.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
    const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    const text = await readLimited(response, limit)
    if (text === undefined) {
      throw new DcrError(
        'response_too_large',
        `${exchange.method} ${exchange.url} answered ${response.status} with more than ${limit} bytes; not read`,
        { status: response.status },
      )
    }
    return { status: response.status, body: decodeBody(text) }
  } catch (cause) {
    if (cause instanceof DcrError) throw cause
    const reason = cause instanceof Error ? describe(cause) : String(cause)
    throw new DcrError('network_error', `${exchange.method} ${exchange.url}: ${reason}`, { cause })
  }
}

/**
 * The body as text, or undefined once it passes `limit` bytes: then the stream is
 * cancelled, which closes the connection, so a server cannot make us hold more.
 */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (response.body === null) return ''
  if (declared > limit) {
    await response.body.cancel()
    return undefined
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    length += read.value.byteLength
    if (length > limit) {
      await reader.cancel()
      return undefined
    }
    chunks.push(read.value)
  }
  return Buffer.concat(chunks, length).toString('utf8')
}

/** The server's OAuth error answer as a DcrError (RFC 6749 §5.2, RFC 7591 §3.2.2). */
export function serverError(exchange: Exchange, answer: Answer): DcrError {
  const body = isJsonObject(answer.body) ? answer.body : {}
  const error = typeof body.error === 'string' ? body.error : `http_${answer.status}`
  const description =
    typeof body.error_description === 'string' ? body.error_description : undefined
  const text = description ? `${error}: ${description}` : error
  return new DcrError(
    error,
    `${exchange.method} ${exchange.url} answered ${answer.status} ${text}`,
    {
      description,
      status: answer.status,
      body: answer.body,
    },
  )
}

function describe(error: Error): string {
  const inner = error.cause instanceof Error ? ` (${error.cause.message})` : ''
  return `${error.message}${inner}`
}
