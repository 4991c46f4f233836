/**
 * The four RFC 7591 / RFC 7592 calls, and Registrar's secret renewal, as plain functions over the client information a
 * caller holds. They keep no state; DcrClient adds the credential store.
 */
import { isJsonObject, SERVER_MANAGED_MEMBERS } from '../wire/index.js'
import { DcrError } from './errors.js'
import { exchange, serverError, type Answer, type Exchange, type HttpOptions } from './http.js'
import { clientInformationProblem, managementUriProblem } from './trusted-credentials.js'
import type { ClientMetadata, ClientRegistrationResponse, RegisterOptions } from './types.js'

/**
 * Registers a client at a registration endpoint.
 * @see RFC 7591 §3.1 (request), §3.2.1 (response), §3.2.2 (errors)
 */
export async function registerClient(
  registrationEndpoint: string,
  metadata: ClientMetadata,
  options: RegisterOptions & HttpOptions = {},
): Promise<ClientRegistrationResponse> {
  const body: ClientMetadata = { ...metadata }
  if (options.softwareStatement !== undefined) body.software_statement = options.softwareStatement
  const request: Exchange = {
    url: registrationEndpoint,
    method: 'POST',
    bearer: options.initialAccessToken,
    body,
  }
  return clientInformation(request, await exchange(request, options))
}

/**
 * Reads the current registration; the answer may carry a rotated secret or token.
 * @see RFC 7592 §2.1
 */
export async function readClient(
  credentials: ClientRegistrationResponse,
  options: HttpOptions = {},
): Promise<ClientRegistrationResponse> {
  const request: Exchange = { ...management(credentials), method: 'GET' }
  return merge(credentials, clientInformation(request, await exchange(request, options)))
}

/**
 * Replaces the registered metadata with `metadata`, sending it whole with `client_id`
 * (and `client_secret` when one was issued), never the server-managed members.
 * @see RFC 7592 §2.2
 */
export async function updateClient(
  credentials: ClientRegistrationResponse,
  metadata: ClientMetadata,
  options: HttpOptions = {},
): Promise<ClientRegistrationResponse> {
  const body: Record<string, unknown> = { ...metadata, client_id: credentials.client_id }
  if (credentials.client_secret !== undefined) body.client_secret = credentials.client_secret
  for (const member of SERVER_MANAGED_MEMBERS) delete body[member]
  const request: Exchange = { ...management(credentials), method: 'PUT', body }
  return merge(credentials, clientInformation(request, await exchange(request, options)))
}

/**
 * Asks the server for a new client secret with the registration access token, at
 * `{registration_client_uri}/secret`: Registrar's extension of RFC 7592, answered with the
 * client information response as a read (RFC 7592 §3). A server without it answers 404 or
 * 405 (a DcrError with that status).
 * @see RFC 7592 §2.1 (the same token and 401 rules)
 */
export async function renewClientSecret(
  credentials: ClientRegistrationResponse,
  options: HttpOptions = {},
): Promise<ClientRegistrationResponse> {
  const { url, bearer } = management(credentials)
  const renewal = new URL(url)
  renewal.pathname = `${renewal.pathname.replace(/\/+$/, '')}/secret`
  const request: Exchange = { url: renewal.href, method: 'POST', bearer }
  return merge(credentials, clientInformation(request, await exchange(request, options)))
}

/**
 * Deregisters the client; its id, secret and registration access token stop working.
 * @see RFC 7592 §2.3
 */
export async function deleteClient(
  credentials: ClientRegistrationResponse,
  options: HttpOptions = {},
): Promise<void> {
  const request: Exchange = { ...management(credentials), method: 'DELETE' }
  const answer = await exchange(request, options)
  if (answer.status < 200 || answer.status > 299) throw serverError(request, answer)
}

function management(credentials: ClientRegistrationResponse): { url: string; bearer: string } {
  const { registration_client_uri: url, registration_access_token: bearer } = credentials
  if (url === undefined || bearer === undefined) {
    throw new DcrError(
      'unsupported',
      `client ${credentials.client_id} has no registration_client_uri or registration_access_token; the server does not offer RFC 7592 management`,
    )
  }
  const problem = managementUriProblem(url)
  if (problem !== undefined) throw new DcrError('untrusted_credentials', problem)
  return { url, bearer }
}

function clientInformation(request: Exchange, answer: Answer): ClientRegistrationResponse {
  if (answer.status < 200 || answer.status > 299) throw serverError(request, answer)
  if (!isJsonObject(answer.body)) {
    throw new DcrError(
      'invalid_response',
      `${request.method} ${request.url} answered ${answer.status} without client information (RFC 7591 §3.2.1)`,
      { status: answer.status, body: answer.body },
    )
  }
  const problem = clientInformationProblem(answer.body)
  if (problem !== undefined) {
    throw new DcrError(
      'invalid_response',
      `${request.method} ${request.url} answered ${answer.status} with client information that is not (RFC 7591 §3.2.1): ${problem}`,
      { status: answer.status, body: answer.body },
    )
  }
  return answer.body as ClientRegistrationResponse
}

/**
 * The server's answer, keeping what it did not repeat: RFC 7592 §3 lets it omit the
 * unchanged registration access token, URI and secret.
 */
function merge(
  previous: ClientRegistrationResponse,
  current: ClientRegistrationResponse,
): ClientRegistrationResponse {
  const merged: ClientRegistrationResponse = { ...current }
  merged.registration_access_token ??= previous.registration_access_token
  merged.registration_client_uri ??= previous.registration_client_uri
  if (current.client_secret === undefined && current.token_endpoint_auth_method !== 'none') {
    if (previous.client_secret !== undefined) merged.client_secret = previous.client_secret
    if (previous.client_secret_expires_at !== undefined) {
      merged.client_secret_expires_at = previous.client_secret_expires_at
    }
  }
  return merged
}
