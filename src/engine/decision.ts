/**
 * A Decision is what the engine answers a dynamic registration request with: the
 * Authlete action, the HTTP answer the client gets, and the stored client. The registration
 * endpoints render it as HTTP (adding the RFC 6750 §3 challenge to a 401); the
 * Authlete-compatible API as {action, responseContent}.
 */
import {
  isOAuthError,
  OAuthError,
  STATUS_BY_ACTION,
  type Action,
  type ClientInformation,
  type ClientMetadata,
  type DryRunResult,
  type OAuthErrorBody,
  type Substitution,
} from '../wire/index.js'
import type { ClientRecord, ServiceRecord } from './records.js'

export interface Decision {
  action: Action
  /** The HTTP status the client gets (Authlete's API). */
  status: number
  /** Absent for DELETED. */
  body?: ClientInformation | OAuthErrorBody | DryRunResult
  /** Absent for errors and dry runs. */
  client?: ClientRecord
  service: ServiceRecord
  /** The error behind a failed decision, for the log; never rendered. */
  error?: unknown
}

export function succeeded(
  action: 'CREATED' | 'OK' | 'UPDATED' | 'DELETED',
  service: ServiceRecord,
  client: ClientRecord,
  body?: ClientInformation,
): Decision {
  return { action, status: STATUS_BY_ACTION[action], body, client, service }
}

/**
 * The decision of a dry run: OK with the client the request would register, and no client
 * record, as none was stored.
 * @see README, "Explained rejections and dry run"
 */
export function dryRunSucceeded(
  service: ServiceRecord,
  metadata: ClientMetadata,
  substitutions: Substitution[],
): Decision {
  return {
    action: 'OK',
    status: STATUS_BY_ACTION.OK,
    body: { client: metadata, substitutions },
    service,
  }
}

/**
 * The decision for an error: invalid_token earns `tokenErrorAction` (UNAUTHORIZED unless
 * the caller says otherwise), server_error and any non-OAuth error INTERNAL_SERVER_ERROR,
 * the rest BAD_REQUEST.
 */
export function failed(
  service: ServiceRecord,
  error: unknown,
  tokenErrorAction: 'UNAUTHORIZED' | 'BAD_REQUEST' = 'UNAUTHORIZED',
): Decision {
  const oauthError = isOAuthError(error)
    ? error
    : new OAuthError('server_error', 'the server could not complete the request', { cause: error })
  const action =
    oauthError.code === 'server_error'
      ? 'INTERNAL_SERVER_ERROR'
      : oauthError.code === 'invalid_token'
        ? tokenErrorAction
        : 'BAD_REQUEST'
  return {
    action,
    status: STATUS_BY_ACTION[action],
    body: oauthError.toJSON(),
    service,
    error,
  }
}
