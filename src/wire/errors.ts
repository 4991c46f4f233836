/**
 * OAuthError: the one error type of metadata/ and engine/. It carries the protocol error
 * code, a description a developer can act on, and the HTTP status the code earns.
 * @see RFC 7591 §3.2.2, RFC 7592 §2, RFC 6750 §3.1, RFC 6749 §5.2
 */

import type { Static } from '@sinclair/typebox'
import type { RegistrationErrorSchema, Violation } from './schemas.js'

/** Every error code Registrar answers with. */
export const OAUTH_ERROR_CODES = [
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'invalid_request',
  'invalid_client',
  'invalid_token',
  'insufficient_scope',
  'not_found',
  'too_many_requests',
  'server_error',
  'temporarily_unavailable',
] as const

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number]

/** The codes a registration or update can fail with for bad metadata (RFC 7591 §3.2.2). */
export const METADATA_ERROR_CODES = [
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
] as const satisfies readonly OAuthErrorCode[]

const STATUS_BY_CODE: Record<OAuthErrorCode, number> = {
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_software_statement: 400,
  unapproved_software_statement: 400,
  invalid_request: 400,
  // RFC 6749 §5.2: 401 when the client authenticated through a means it chose.
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  not_found: 404,
  too_many_requests: 429,
  server_error: 500,
  temporarily_unavailable: 503,
}

export interface OAuthErrorOptions {
  /** Overrides the status the code earns by default. */
  status?: number
  /** Extra response headers, e.g. WWW-Authenticate. */
  headers?: Record<string, string>
  /** The underlying error, for the log only; never rendered. */
  cause?: unknown
  /** Every reason the request body is refused, in rule order. */
  violations?: readonly Violation[]
}

/**
 * The JSON body of an OAuth error answer (RFC 6749 §5.2, RFC 7591 §3.2.2), with the
 * violations of a refused request body.
 */
export type OAuthErrorBody = Static<typeof RegistrationErrorSchema>

export class OAuthError extends Error {
  readonly code: OAuthErrorCode
  readonly description: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly violations: readonly Violation[] | undefined

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`, { cause: options.cause })
    this.name = 'OAuthError'
    this.code = code
    this.description = describable(description)
    this.status = options.status ?? STATUS_BY_CODE[code]
    this.headers = options.headers ?? {}
    this.violations = options.violations
  }

  /** The body to send: `{error, error_description}`, and `violations` when there are. */
  toJSON(): OAuthErrorBody {
    const body: OAuthErrorBody = { error: this.code, error_description: this.description }
    if (this.violations !== undefined) body.violations = [...this.violations]
    return body
  }
}

/**
 * The most violations an answer lists: the first ones in rule order. A body of thousands of
 * bad list items gets an answer of bounded size, not one many times the request's.
 */
export const MAX_VIOLATIONS = 100

/** The longest pointer an answer holds: member names are the request's, of any length. */
export const LONGEST_POINTER = 256

/**
 * The pointer, or when it is longer than LONGEST_POINTER the pointer of the nearest
 * enclosing value that is not (`""`, the body, at worst): still a JSON pointer into the
 * request, only a less precise one.
 * @see RFC 6901 §5
 */
function boundedPointer(pointer: string): string {
  if (pointer.length <= LONGEST_POINTER) return pointer
  const cut = pointer.lastIndexOf('/', LONGEST_POINTER)
  return cut <= 0 ? '' : pointer.slice(0, cut)
}

/**
 * The error refusing a request body for its violations: `error` and `error_description`
 * are the first one's. `violations` must not be empty; each is made fit
 * for an answer (a describable description, a bounded pointer), and at most MAX_VIOLATIONS
 * are kept.
 * @see RFC 7591 §3.2.2
 */
export function violationsError(violations: readonly Violation[], cause?: unknown): OAuthError {
  const kept = violations.slice(0, MAX_VIOLATIONS).map((violation) => ({
    ...violation,
    pointer: boundedPointer(violation.pointer),
    error_description: describable(violation.error_description),
  }))
  const [first] = kept
  if (first === undefined) throw new TypeError('a refusal needs a violation')
  return new OAuthError(first.error, first.error_description, {
    violations: kept,
    cause: cause ?? `${first.rule} (${first.spec})`,
  })
}

/** Whether a value is an OAuthError (also across module copies). */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError
}

/** Longest run without spaces kept whole: a URI, an id or a member name a developer reads. */
const LONGEST_WORD = 80
/** Longest description: a sentence or two naming the member and the problem. */
const LONGEST_DESCRIPTION = 400

/**
 * Text fit to be an error description: printable ASCII (RFC 6749 §5.2) and short. The
 * request values a description echoes (URIs, ids, member names, paths) are cut to their
 * start, so no answer grows with its request.
 * @see RFC 6749 §5.2
 */
export function describable(text: string): string {
  const ascii = text
    .replace(/"/g, "'")
    // Percent-encoded rather than swapped for '/', so `https:\\evil` does not read as a valid URL.
    .replace(/\\/g, '%5C')
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?')
  const words = ascii.replace(
    new RegExp(`[^ ]{${LONGEST_WORD + 1},}`, 'g'),
    (word) => `${word.slice(0, LONGEST_WORD - 3)}...`,
  )
  return words.length > LONGEST_DESCRIPTION
    ? `${words.slice(0, LONGEST_DESCRIPTION - 3)}...`
    : words
}
