/**
 * The four dynamic registration decisions. Register reads top to bottom as its steps:
 * check the service, check the initial access token, parse, resolve the metadata, mint
 * credentials, store, answer.
 * @see RFC 7591 §3, RFC 7592 §2
 */
import { resolveClientMetadata } from '../metadata/index.js'
import { OAuthError, SERVER_MANAGED_MEMBERS, type ClientMetadata } from '../wire/index.js'
import { checkInitialAccessToken } from './access-tokens.js'
import { updateOptimistically, withMetadata } from './client-replacement.js'
import { issueSecret } from './client-secret.js'
import { clientInformation, issuedAtSeconds, registrationClientUri } from './client-views.js'
import type { EngineContext } from './context.js'
import { failed, succeeded, type Decision } from './decision.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { policyFor } from './service-cache.js'
import { hashSecret, mintNumericId, mintSecret, secretMatches, secretsEqual } from './secrets.js'
import { DuplicateClientIdError, InitialAccessTokenSpentError } from './store.js'

export interface RegisterRequest {
  /** The client's request body, as JSON text. */
  json: string
  /** The initial access token the client presented (RFC 7591 §3). */
  initialAccessToken?: string
}

export interface ClientConfigurationRequest {
  /** The client id from the configuration URL (decimal text, or a number). */
  clientId: string | number | undefined
  /** The registration access token the client presented (RFC 7592 §2). */
  token: string | undefined
}

export interface UpdateRequest extends ClientConfigurationRequest {
  json: string
}

/** @see RFC 7591 §3.1, §3.2 */
export async function register(
  context: EngineContext,
  service: ServiceRecord,
  request: RegisterRequest,
): Promise<Decision> {
  try {
    requireRegistrationEnabled(service)
    const token = await checkInitialAccessToken(
      context,
      service.apiKey,
      service.settings.initialAccessTokenRequired === true,
      request.initialAccessToken,
    )
    const metadata = await resolveMetadata(context, service, parseJsonObject(request.json))
    await refuseDuplicateSoftwareId(context, service, metadata)
    const registrationAccessToken = mintSecret(context.randomBytes)
    const now = context.now()
    const record = await insertWithFreshId(
      context,
      {
        serviceApiKey: service.apiKey,
        ...issueSecret(context, service, metadata, now),
        metadata,
        extras: {},
        registrationAccessTokenHash: hashSecret(registrationAccessToken),
        dynamicallyRegistered: true,
        developer: `authlete_${service.apiKey}`,
        createdAt: now,
        modifiedAt: now,
      },
      token && { id: token.id, now },
    )
    return succeeded(
      'CREATED',
      service,
      record,
      clientInformation(context, service, record, registrationAccessToken),
    )
  } catch (error) {
    return failed(service, error)
  }
}

/** @see RFC 7592 §2.1 */
export async function read(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<Decision> {
  try {
    const record = await authenticateClient(context, service, request)
    return succeeded(
      'OK',
      service,
      record,
      clientInformation(context, service, record, request.token!),
    )
  } catch (error) {
    return failed(service, error, tokenErrorAction(service))
  }
}

/** Full replacement of the client's metadata (RFC 7592 §2.2). */
export async function update(
  context: EngineContext,
  service: ServiceRecord,
  request: UpdateRequest,
): Promise<Decision> {
  try {
    const updated = await updateOptimistically(
      context,
      () => authenticateClient(context, service, request),
      async (current) => {
        const body = parseJsonObject(request.json)
        checkEchoedMembers(context, service, current, body, request.token!)
        const metadata = await resolveMetadata(context, service, withoutIssuedMembers(body))
        return withMetadata(context, service, current, metadata)
      },
    )
    return succeeded(
      'UPDATED',
      service,
      updated,
      clientInformation(context, service, updated, request.token!),
    )
  } catch (error) {
    return failed(service, error, tokenErrorAction(service))
  }
}

/** @see RFC 7592 §2.3 */
export async function remove(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<Decision> {
  try {
    const record = await authenticateClient(context, service, request)
    if (!(await context.store.deleteClient(service.apiKey, record.clientId))) {
      throw invalidToken()
    }
    return succeeded('DELETED', service, record)
  } catch (error) {
    return failed(service, error, tokenErrorAction(service))
  }
}

/** Authlete's legacy services answer a bad registration access token with BAD_REQUEST (spec §3.3). */
function tokenErrorAction(service: ServiceRecord): 'UNAUTHORIZED' | 'BAD_REQUEST' {
  return service.settings.unauthorizedOnClientConfigSupported === false
    ? 'BAD_REQUEST'
    : 'UNAUTHORIZED'
}

function requireRegistrationEnabled(service: ServiceRecord): void {
  if (service.settings.dynamicRegistrationSupported === false) {
    throw new OAuthError(
      'invalid_request',
      'dynamic client registration is disabled for this service',
    )
  }
}

function parseJsonObject(json: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new OAuthError('invalid_client_metadata', 'the request body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OAuthError('invalid_client_metadata', 'the request body must be a JSON object')
  }
  return value as Record<string, unknown>
}

async function resolveMetadata(
  context: EngineContext,
  service: ServiceRecord,
  input: Record<string, unknown>,
): Promise<ClientMetadata> {
  return resolveClientMetadata(input, policyFor(service), {
    now: Math.floor(context.now() / 1000),
  })
}

/** Authlete's dcrDuplicateSoftwareIdBlocked (spec §3.7). */
async function refuseDuplicateSoftwareId(
  context: EngineContext,
  service: ServiceRecord,
  metadata: ClientMetadata,
): Promise<void> {
  if (!service.settings.dcrDuplicateSoftwareIdBlocked || metadata.software_id === undefined) return
  if (await context.store.hasSoftwareId(service.apiKey, metadata.software_id)) {
    throw new OAuthError(
      'invalid_client_metadata',
      'software_id is already registered with this service',
    )
  }
}

/** Inserts with a freshly drawn client id, drawing again on the rare collision. */
export async function insertWithFreshId(
  context: EngineContext,
  record: Omit<ClientRecord, 'number' | 'version' | 'clientId'>,
  consume?: { id: string; now: number },
): Promise<ClientRecord> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await context.store.insertClient(
        { ...record, clientId: mintNumericId(context.randomBytes) },
        consume,
      )
    } catch (error) {
      if (error instanceof InitialAccessTokenSpentError) {
        throw new OAuthError('invalid_token', 'the initial access token is expired or spent', {
          headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        })
      }
      if (!(error instanceof DuplicateClientIdError) || attempt >= 5) throw error
    }
  }
}

/** Hash compared even for an unknown client, so both fail alike and in like time. */
const NO_CLIENT_HASH = hashSecret('no client')

/**
 * The client a registration access token is for. A missing token, a wrong one and an
 * unknown client are indistinguishable (RFC 7592 §2, CONTRACT.md §2).
 */
async function authenticateClient(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<ClientRecord> {
  requireRegistrationEnabled(service)
  if (!request.token) {
    throw new OAuthError('invalid_token', 'a registration access token is required', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    })
  }
  const clientId = Number(request.clientId)
  const record =
    /^\d{1,16}$/.test(String(request.clientId)) && Number.isSafeInteger(clientId)
      ? await context.store.getClient(service.apiKey, clientId)
      : undefined
  const matches = secretMatches(
    request.token,
    record?.registrationAccessTokenHash ?? NO_CLIENT_HASH,
  )
  if (!record || !record.dynamicallyRegistered || !matches) throw invalidToken()
  return record
}

function invalidToken(): OAuthError {
  return new OAuthError('invalid_token', 'the registration access token is invalid', {
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  })
}

/**
 * What an update may echo: client_id and client_secret must be the current ones, and a
 * server-managed member may be sent only with its current value (RFC 7592 §2.2,
 * CONTRACT.md §2).
 */
function checkEchoedMembers(
  context: EngineContext,
  service: ServiceRecord,
  current: ClientRecord,
  body: Record<string, unknown>,
  token: string,
): void {
  if (body['client_id'] !== undefined && body['client_id'] !== String(current.clientId)) {
    throw new OAuthError('invalid_request', 'client_id does not match the client being updated')
  }
  const secret = body['client_secret']
  if (
    secret !== undefined &&
    !(
      typeof secret === 'string' &&
      current.clientSecret !== undefined &&
      secretsEqual(secret, current.clientSecret)
    )
  ) {
    throw new OAuthError('invalid_request', 'client_secret does not match the current secret')
  }
  const currentValues: Record<(typeof SERVER_MANAGED_MEMBERS)[number], unknown> = {
    registration_access_token: token,
    registration_client_uri: registrationClientUri(context, service, current.clientId),
    client_secret_expires_at:
      current.clientSecret === undefined ? 0 : current.clientSecretExpiresAt,
    client_id_issued_at: issuedAtSeconds(current),
  }
  for (const member of SERVER_MANAGED_MEMBERS) {
    if (body[member] !== undefined && body[member] !== currentValues[member]) {
      throw new OAuthError(
        'invalid_request',
        `${member} is managed by the server and cannot be changed`,
      )
    }
  }
}

function withoutIssuedMembers(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body }
  for (const member of [...SERVER_MANAGED_MEMBERS, 'client_id', 'client_secret'])
    delete rest[member]
  return rest
}
