/**
 * OAuthError: the one error type of metadata/ and engine/. It carries the protocol error
 * code, a description a developer can act on, and the HTTP status the code earns.
 * @see RFC 7591 §3.2.2, RFC 7592 §2, RFC 6750 §3.1, RFC 6749 §5.2
 */

/** Every error code Registrar answers with. */
export const OAUTH_ERROR_CODES = [
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'invalid_request',
  'invalid_token',
  'insufficient_scope',
  'not_found',
  'server_error',
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
  invalid_token: 401,
  insufficient_scope: 403,
  not_found: 404,
  server_error: 500,
}

export interface OAuthErrorOptions {
  /** Overrides the status the code earns by default. */
  status?: number
  /** Extra response headers, e.g. WWW-Authenticate. */
  headers?: Record<string, string>
  /** The underlying error, for the log only; never rendered. */
  cause?: unknown
}

/** The JSON body of an OAuth error answer (RFC 6749 §5.2, RFC 7591 §3.2.2). */
export interface OAuthErrorBody {
  error: OAuthErrorCode
  error_description: string
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode
  readonly description: string
  readonly status: number
  readonly headers: Record<string, string>

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`, { cause: options.cause })
    this.name = 'OAuthError'
    this.code = code
    this.description = toAscii(description)
    this.status = options.status ?? STATUS_BY_CODE[code]
    this.headers = options.headers ?? {}
  }

  /** The body to send: `{error, error_description}`. */
  toJSON(): OAuthErrorBody {
    return { error: this.code, error_description: this.description }
  }
}

/** Whether a value is an OAuthError (also across module copies). */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError
}

/** error_description is limited to printable ASCII (RFC 6749 §5.2). */
function toAscii(text: string): string {
  return text
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?')
}
