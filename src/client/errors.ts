/**
 * DcrError: the one error of registrar/client. A refusal by the server carries its
 * `error`, `error_description` and HTTP `status`; a failure on this side carries one of
 * the local codes below and no status. Branch on `error`, as with any OAuth error.
 * @see RFC 7591 §3.2.2, RFC 7592 §2, RFC 6750 §3.1, RFC 8414 §3.3
 */
import { emitWarning } from 'node:process'

/**
 * Codes for failures that are not an error answer from the server.
 * - `network_error`: no answer (unreachable, connection reset, timeout); `cause` has the reason.
 * - `invalid_response`: an answer that is not the JSON the protocol prescribes.
 * - `discovery_failed`: no metadata document at any of the discovery URLs.
 * - `invalid_issuer`: the metadata names another issuer than the one asked for (RFC 8414 §3.3).
 * - `unsupported`: the server or the stored registration lacks what the call needs
 *   (no `registration_endpoint`; no `registration_client_uri` or registration access token).
 * - `not_registered`: no credentials are stored for the issuer.
 * - `response_too_large`: an answer longer than `maxResponseBytes`, abandoned unread.
 * - `untrusted_credentials`: stored credentials whose `registration_client_uri` is not
 *   https (or loopback http) on the registration endpoint's origin, so their registration
 *   access token is not sent (RFC 6750 §5.3).
 * - `invalid_client_id_metadata_document`: a Client ID Metadata Document (or its URL) that
 *   the draft forbids, refused before it is published or used; the message names the rule
 *   (draft-ietf-oauth-client-id-metadata-document-02 §3, §4.1).
 */
export const LOCAL_ERROR_CODES = [
  'network_error',
  'invalid_response',
  'discovery_failed',
  'invalid_issuer',
  'unsupported',
  'not_registered',
  'response_too_large',
  'untrusted_credentials',
  'invalid_client_id_metadata_document',
] as const

export type LocalErrorCode = (typeof LOCAL_ERROR_CODES)[number]

export interface DcrErrorOptions {
  /** The server's error_description, when it sent one. */
  description?: string
  /** The HTTP status of the server's answer. */
  status?: number
  /** The decoded body of the server's answer. */
  body?: unknown
  cause?: unknown
}

/**
 * A registration call failed. `error` is the server's OAuth error code (`invalid_token`,
 * `invalid_client_metadata`, ...) or a local code (LOCAL_ERROR_CODES).
 * @see RFC 7591 §3.2.2; RFC 7592 §2
 */
export class DcrError extends Error {
  /** The server's `error`, or a LocalErrorCode. */
  readonly error: string
  /** The server's `error_description`, or a description of the local failure. */
  readonly error_description: string | undefined
  /** The HTTP status of the answer; undefined for local failures. */
  readonly status: number | undefined
  readonly body: unknown

  constructor(error: string, message: string, options: DcrErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'DcrError'
    this.error = error
    this.error_description = options.description
    this.status = options.status
    this.body = options.body
  }

  /** Whether the server refused the registration access token or the client it names. */
  get isInvalidRegistration(): boolean {
    return this.status === 401 || this.error === 'invalid_token' || this.error === 'invalid_client'
  }
}

/**
 * Codes of the warnings registrar/client reports and carries on:
 * - `REGISTRAR_CREDENTIALS_READABLE`: the credentials file can be read by group or others.
 * - `REGISTRAR_CREDENTIALS_INVALID`: a stored entry is not client information; ignored.
 * - `REGISTRAR_CREDENTIALS_UNTRUSTED`: a stored entry would send its registration access
 *   token off the registration endpoint's origin; ignored, and ensureRegistered registers anew.
 */
export type WarningCode =
  | 'REGISTRAR_CREDENTIALS_READABLE'
  | 'REGISTRAR_CREDENTIALS_INVALID'
  | 'REGISTRAR_CREDENTIALS_UNTRUSTED'

/**
 * Receives what registrar/client carries on past. The default, emitProcessWarning, is
 * Node's own channel: printed to stderr once, or handled with `process.on('warning')`.
 * @see https://nodejs.org/api/process.html#processemitwarningwarning-options
 */
export type WarningHandler = (message: string, code: WarningCode) => void

/** process.emitWarning with type `RegistrarWarning` and the code. */
export const emitProcessWarning: WarningHandler = (message, code) =>
  emitWarning(message, { type: 'RegistrarWarning', code })
