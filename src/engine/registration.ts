/**
 * The four dynamic registration decisions. Register reads top to bottom as its steps:
 * check the service, check the initial access token, parse, resolve the metadata, mint
 * credentials, store, answer.
 * @see RFC 7591 §3, RFC 7592 §2
 */
import {
  notJson,
  notJsonObject,
  resolveClientMetadata,
  rulesFor,
  substitutionsOf,
  unstorableMetadata,
  type RegistrationPolicy,
} from '../metadata/index.js'
import {
  isJsonObject,
  OAuthError,
  parseStorableJson,
  UnstorableJsonError,
  violationsError,
  type ClientMetadata,
} from '../wire/index.js'
import { checkInitialAccessToken } from './access-tokens.js'
import {
  changeEvent,
  createdEvent,
  deletedEvent,
  namedClientId,
  recordEvent,
  recordRefusal,
  storeRecordsEvents,
} from './audit-events.js'
import { updateOptimistically, withMetadata } from './client-replacement.js'
import { deleteRecorded } from './client-lifecycle.js'
import { issueSecret } from './client-secret.js'
import { noteClientUse } from './last-use.js'
import {
  authenticateClient,
  authenticateHolder,
  changeByTokenHolder,
  invalidToken,
  requireRegistrationEnabled,
} from './client-authentication.js'
import { afterUse, retried, writeRotation } from './token-rotation.js'
import { clientInformation } from './client-views.js'
import type { EngineContext } from './context.js'
import { dryRunSucceeded, failed, succeeded, type Decision } from './decision.js'
import { registerOnce } from './idempotent-registration.js'
import type { AuditEvent, RequestOrigin } from './audit.js'
import type { ClientExtras, ClientRecord, NewClientRecord, ServiceRecord } from './records.js'
import { checkEchoedMembers, withoutIssuedMembers } from './update-rules.js'
import { isRateLimited, takeRegistrationToken } from './rate-limits.js'
import { policyFor } from './service-cache.js'
import { hashSecret, mintNumericId, mintSecret } from './secrets.js'
import {
  ClientCapReachedError,
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  refusedWrite,
} from './store.js'
import { capReached, capsOf } from './client-caps.js'

export interface RegisterRequest {
  /** The client's request body, as JSON text. */
  json: string
  /** The initial access token the client presented (RFC 7591 §3). */
  initialAccessToken?: string
  /**
   * Decide without registering: answer the client the request would register, issue and
   * store nothing, use up no initial access token.
   * @default false
   */
  dryRun?: boolean
  /**
   * The client's idempotency key (the value of its `Idempotency-Key` header): the same key
   * with the same body and initial access token answers the client registered first.
   * @see draft-ietf-httpapi-idempotency-key-header §2; idempotent-registration.ts
   */
  idempotencyKey?: string
  /** The client's IP address, for `rateLimits.perNetwork`; absent through the DCR API. */
  clientAddress?: string
  /** Who sent the request and from where, for the audit history. */
  origin?: RequestOrigin
}

export interface ClientConfigurationRequest {
  /** The client id from the configuration URL (decimal text, or a number). */
  clientId: string | number | undefined
  /** The registration access token the client presented (RFC 7592 §2). */
  token: string | undefined
  /** Who sent the request and from where, for the audit history. */
  origin?: RequestOrigin
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
  const { idempotencyKey } = request
  // A dry run registers nothing, so it has nothing to remember under a key.
  if (idempotencyKey === undefined || request.dryRun === true) {
    return registerNew(context, service, request, mintSecret(context.randomBytes))
  }
  return registerOnce(context, service, { ...request, idempotencyKey }, (token) =>
    registerNew(context, service, request, token),
  )
}

/** A new client, whose answer carries `registrationAccessToken`. */
async function registerNew(
  context: EngineContext,
  service: ServiceRecord,
  request: RegisterRequest,
  registrationAccessToken: string,
): Promise<Decision> {
  let actor = 'anonymous'
  try {
    requireRegistrationEnabled(service)
    const policy = policyFor(service)
    const token = await checkInitialAccessToken(
      context,
      service.apiKey,
      policy.initialAccessTokenRequired,
      request.initialAccessToken,
    )
    if (token) actor = `initial_access_token:${token.id}`
    const body = parseJsonObject(request.json)
    await takeRegistrationToken(context.rateLimits, service, {
      clientAddress: request.clientAddress,
      softwareId: body['software_id'],
      initialAccessTokenId: token?.id,
    })
    const metadata = await resolveMetadata(context, service, body, token !== undefined)
    await refuseDuplicateSoftwareId(context, service, metadata)
    if (request.dryRun === true) {
      return dryRunSucceeded(service, metadata, substitutionsOf(body, metadata))
    }
    const now = context.now()
    const expiresAt = probationExpiry(policy, token !== undefined, metadata, now)
    const record = await insertWithFreshId(
      context,
      service,
      {
        serviceApiKey: service.apiKey,
        ...issueSecret(context, service, metadata, now, { expiresAt }),
        metadata,
        extras: pkceExtras(policy),
        registrationAccessTokenHash: hashSecret(registrationAccessToken),
        dynamicallyRegistered: true,
        developer: `authlete_${service.apiKey}`,
        ...(token && { initialAccessTokenId: token.id }),
        ...(expiresAt !== undefined && { expiresAt }),
        createdAt: now,
        modifiedAt: now,
      },
      token && { id: token.id, now },
      (created) => createdEvent(context, actor, request.origin, created),
    )
    return succeeded(
      'CREATED',
      service,
      record,
      clientInformation(context, service, record, registrationAccessToken),
    )
  } catch (error) {
    if (isRateLimited(error)) throw error
    await recordRefusal(context, service, actor, request.origin, error)
    return failed(service, error)
  }
}

/** The actor of an RFC 7592 request: the holder of the client's registration access token. */
export function tokenHolder(request: ClientConfigurationRequest): string {
  return `registration_access_token:${namedClientId(request.clientId) ?? 'unknown'}`
}

/** @see RFC 7592 §2.1 */
export async function read(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
): Promise<Decision> {
  try {
    // A rotation (token-rotation.ts) is written over the version read, again if it lost a race.
    const { record, token } = await retried(async () => {
      const held = await authenticateHolder(context, service, request)
      const use = afterUse(context, service, held.record, held.presented, 'read')
      return use.token === undefined ? use : await writeRotation(context, use)
    })
    // The client at work with its own token: a use (last-use.ts), written once an hour.
    await noteClientUse(context, record)
    return succeeded(
      'OK',
      service,
      record,
      clientInformation(context, service, record, token ?? request.token!),
    )
  } catch (error) {
    return await configurationFailed(context, service, request, error)
  }
}

/** Full replacement of the client's metadata (RFC 7592 §2.2). */
export async function update(
  context: EngineContext,
  service: ServiceRecord,
  request: UpdateRequest,
): Promise<Decision> {
  try {
    const change = changeByTokenHolder(context, service, request)
    const { after: updated } = await updateOptimistically(
      context,
      change.read,
      async (current) => {
        const body = parseJsonObject(request.json)
        checkEchoedMembers(context, service, current, body, request.token!)
        // Held to the rules it registered under: trusted when it came with a token.
        const trusted = current.initialAccessTokenId !== undefined
        const metadata = await resolveMetadata(
          context,
          service,
          withoutIssuedMembers(body),
          trusted,
        )
        return change.use(withMetadata(context, service, current, metadata))
      },
      (before, after) =>
        changeEvent(context, 'client.updated', tokenHolder(request), request.origin, before, after),
    )
    await noteClientUse(context, updated)
    return succeeded(
      'UPDATED',
      service,
      updated,
      // A rotated token is answered here only: the client must use it from now (RFC 7592 §3).
      clientInformation(context, service, updated, change.issued() ?? request.token!),
    )
  } catch (error) {
    return await configurationFailed(context, service, request, error)
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
    const deleted = await deleteRecorded(context, service, record, () =>
      deletedEvent(context, tokenHolder(request), request.origin, record),
    )
    if (!deleted) throw invalidToken()
    return succeeded('DELETED', service, record)
  } catch (error) {
    return await configurationFailed(context, service, request, error)
  }
}

/**
 * A failed RFC 7592 request, recorded. Authlete's legacy services answer a bad registration
 * access token with BAD_REQUEST, not UNAUTHORIZED (Authlete's API).
 */
export async function configurationFailed(
  context: EngineContext,
  service: ServiceRecord,
  request: ClientConfigurationRequest,
  error: unknown,
): Promise<Decision> {
  const clientId = namedClientId(request.clientId)
  await recordRefusal(context, service, tokenHolder(request), request.origin, error, clientId)
  const legacy = service.settings.unauthorizedOnClientConfigSupported === false
  return failed(service, error, legacy ? 'BAD_REQUEST' : 'UNAUTHORIZED')
}

function parseJsonObject(json: string): Record<string, unknown> {
  let value: unknown
  try {
    value = parseStorableJson(json)
  } catch (error) {
    if (error instanceof UnstorableJsonError) throw unstorableMetadata(error.detail)
    throw notJson()
  }
  if (!isJsonObject(value)) throw notJsonObject('the request body must be a JSON object')
  return value
}

/** Resolves a request body: `input` holds members of a parseJsonObject value. */
async function resolveMetadata(
  context: EngineContext,
  service: ServiceRecord,
  input: Record<string, unknown>,
  authenticated: boolean,
): Promise<ClientMetadata> {
  return resolveClientMetadata(input, policyFor(service), {
    now: Math.floor(context.now() / 1000),
    parsedStorable: true,
    authenticated,
  })
}

/**
 * When a client registered now expires: on probation (wire/policy.ts), an anonymous
 * registration lives lifetimeSeconds from its creation; any other never does. A software
 * statement is kept in the metadata only when a trusted issuer's keys verified it.
 */
function probationExpiry(
  policy: RegistrationPolicy,
  withInitialAccessToken: boolean,
  metadata: ClientMetadata,
  now: number,
): number | undefined {
  const trusted = withInitialAccessToken || metadata.software_statement !== undefined
  const probation = rulesFor(policy, trusted).probation
  return probation && now + probation.lifetimeSeconds * 1000
}

/**
 * The Authlete client flags that make the authorization server require PKCE (RFC 7636 §4.4.1)
 * of a client the policy registers, and S256 alone when it says so.
 */
function pkceExtras({ pkce }: RegistrationPolicy): ClientExtras {
  if (pkce === undefined) return {}
  return { pkceRequired: true, pkceS256Required: pkce === 'S256' }
}

/** Authlete's dcrDuplicateSoftwareIdBlocked. */
async function refuseDuplicateSoftwareId(
  context: EngineContext,
  service: ServiceRecord,
  metadata: ClientMetadata,
): Promise<void> {
  if (!service.settings.dcrDuplicateSoftwareIdBlocked || metadata.software_id === undefined) return
  if (await context.store.hasSoftwareId(service.apiKey, metadata.software_id)) {
    throw violationsError([
      {
        pointer: '/software_id',
        rule: 'softwareIdIsUnique',
        spec: 'RFC 7591 §2',
        error: 'invalid_client_metadata',
        error_description: 'software_id is already registered with this service',
      },
    ])
  }
}

/**
 * Inserts with a freshly drawn client id, drawing again on the rare collision, under the
 * service's client caps (client-caps.ts).
 */
export async function insertWithFreshId(
  context: EngineContext,
  service: ServiceRecord,
  record: Omit<ClientRecord, 'number' | 'version' | 'clientId'>,
  consume: { id: string; now: number } | undefined,
  eventOf: (created: NewClientRecord) => AuditEvent,
): Promise<ClientRecord> {
  const caps = capsOf(policyFor(service))
  // A registration is never without its event (audit-events.ts, storeRecordsEvents).
  const inTransaction = storeRecordsEvents(context)
  for (let attempt = 0; ; attempt++) {
    const created = { ...record, clientId: mintNumericId(context.randomBytes) }
    const event = context.audit && eventOf(created)
    let inserted: ClientRecord
    try {
      inserted = await context.store.insertClient(
        created,
        consume,
        caps,
        inTransaction ? event : undefined,
      )
    } catch (error) {
      if (error instanceof InitialAccessTokenSpentError) {
        throw new OAuthError('invalid_token', 'the initial access token is expired or spent')
      }
      if (error instanceof ClientCapReachedError) throw capReached(error, record)
      if (!(error instanceof DuplicateClientIdError) || attempt >= 5) {
        throw refusedWrite(error, 'invalid_client_metadata')
      }
      continue
    }
    if (event && !inTransaction) await recordEvent(context, event)
    return inserted
  }
}
