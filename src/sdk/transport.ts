/**
 * One HTTP exchange with the Registrar API: bearer auth, JSON in and out, and the
 * mapping of every failure to RegistrarApiError or RegistrarNetworkError.
 */
// Not wire/index.js, which loads TypeBox: see allowedInnerFiles in eslint.config.js.
import { decodeBody, isJsonObject } from '../wire/json.js'
import type { ResultError } from '../wire/index.js'
import { RegistrarApiError, RegistrarNetworkError } from './errors.js'

export type QueryValue = string | number | boolean | undefined

export interface Request {
  method: 'GET' | 'POST' | 'DELETE'
  /** Relative to the base URL, without a leading slash: `api/service/create`. */
  path: string
  query?: Record<string, QueryValue>
  /** Sent as JSON. */
  body?: unknown
}

export interface Transport {
  /** The decoded JSON body of a 2xx answer, or undefined for 204. */
  send(request: Request): Promise<unknown>
}

export interface TransportOptions {
  baseUrl: URL
  token: string
  fetch: typeof fetch
}

/** Percent-encodes one path segment, as the Authlete SDK does. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value))
}

export function createTransport({ baseUrl, token, fetch }: TransportOptions): Transport {
  // A path prefix in the base URL is kept: http://h/prefix gives http://h/prefix/api/...
  const base = new URL(baseUrl.href.endsWith('/') ? baseUrl.href : `${baseUrl.href}/`)
  const authorization = /^bearer /i.test(token) ? token : `Bearer ${token}`

  return {
    async send({ method, path, query = {}, body }) {
      const url = new URL(path, base)
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) url.searchParams.set(key, String(value))
      }
      const headers: Record<string, string> = { accept: 'application/json', authorization }
      if (body !== undefined) headers['content-type'] = 'application/json'

      let response: Response
      let text: string
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        text = await response.text()
      } catch (cause) {
        throw new RegistrarNetworkError(url.href, cause)
      }
      if (response.status === 204) return undefined
      const decoded = decodeBody(text)
      if (!response.ok) throw apiError(response, decoded)
      if (decoded === undefined || typeof decoded === 'string') {
        throw new RegistrarApiError(
          response.status,
          undefined,
          `${method} ${url.pathname} answered ${response.status} without a JSON body`,
          decoded,
        )
      }
      return decoded
    },
  }
}

function apiError(response: Response, body: unknown): RegistrarApiError {
  const result = isJsonObject(body) ? (body as Partial<ResultError> & Record<string, unknown>) : {}
  const resultCode = typeof result.resultCode === 'string' ? result.resultCode : undefined
  const message =
    typeof result.resultMessage === 'string'
      ? result.resultMessage
      : typeof result.error_description === 'string'
        ? result.error_description
        : `${response.status} ${response.statusText}`.trim()
  return new RegistrarApiError(response.status, resultCode, message, body)
}
