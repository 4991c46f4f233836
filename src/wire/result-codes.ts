/**
 * Result codes of the Authlete-compatible API: `A` + 3 digits naming the API + 1 digit of
 * category (0 success, 1 internal, 2 the API caller, 3 the OAuth client) + 2 digits of
 * sequence. The success codes of the DCR calls are Authlete's published ones; the rest
 * are Registrar's (Authlete publishes none). Callers branch on `action`, never on a code.
 * @see Authlete's API
 */
import type { Action } from './authlete.js'
import { describable } from './errors.js'

/**
 * The four DCR calls of the API (Authlete's API), and `secret`: the client's own secret
 * renewal, Registrar's extension of RFC 7592 (engine/secret-rotation.ts).
 */
export type DcrOperation = 'register' | 'get' | 'update' | 'delete' | 'secret'

/** The code each DCR call answers each action with. */
export const DCR_RESULT_CODES: Record<DcrOperation, Partial<Record<Action, string>>> = {
  register: {
    CREATED: 'A202001',
    // A dry run, which Authlete lacks: success of register, nothing created.
    OK: 'A202002',
    INTERNAL_SERVER_ERROR: 'A202101',
    BAD_REQUEST: 'A202301',
    UNAUTHORIZED: 'A202302',
  },
  get: {
    OK: 'A217001',
    INTERNAL_SERVER_ERROR: 'A217101',
    BAD_REQUEST: 'A217301',
    UNAUTHORIZED: 'A217302',
  },
  update: {
    UPDATED: 'A213001',
    INTERNAL_SERVER_ERROR: 'A213101',
    BAD_REQUEST: 'A213301',
    UNAUTHORIZED: 'A213302',
  },
  delete: {
    DELETED: 'A216001',
    INTERNAL_SERVER_ERROR: 'A216101',
    BAD_REQUEST: 'A216301',
    UNAUTHORIZED: 'A216302',
  },
  // Registrar's own call: Authlete has no counterpart.
  secret: {
    UPDATED: 'A218001',
    INTERNAL_SERVER_ERROR: 'A218101',
    BAD_REQUEST: 'A218301',
    UNAUTHORIZED: 'A218302',
  },
}

/**
 * Codes of API-level failures (HTTP 4xx/5xx with a ResultError body), by HTTP status.
 * Category 2 (the caller's fault) except 500, category 1.
 */
export const API_ERROR_CODES: Record<number, string> = {
  400: 'A001201',
  401: 'A001202',
  403: 'A001203',
  404: 'A001204',
  405: 'A001205',
  413: 'A001206',
  415: 'A001207',
  429: 'A001208',
  500: 'A001101',
}

/**
 * `[A001202] /api/service/get, Authorization header is missing.` (Authlete's API). The path and
 * the text echo the request, so both are cut as error descriptions are.
 */
export function resultMessage(code: string, text: string, path?: string): string {
  const message = describable(text)
  return path === undefined ? `[${code}] ${message}` : `[${code}] ${describable(path)}, ${message}`
}

/** The API error code an HTTP status earns; unknown 4xx count as 400, 5xx as 500. */
export function apiErrorCode(status: number): string {
  return API_ERROR_CODES[status] ?? (status >= 500 ? API_ERROR_CODES[500] : API_ERROR_CODES[400])
}
