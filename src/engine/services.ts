/**
 * Service management (Authlete's service APIs) with Registrar's defaults and
 * extension settings.
 */
import { Value } from '@sinclair/typebox/value'
import {
  AUTHLETE_ENUMS,
  boundedWindow,
  OAuthError,
  PolicySchema,
  SERVICE_ASSIGNED_MEMBERS,
  type AuthleteService,
  type Policy,
} from '../wire/index.js'
import { policyDocumentProblem } from '../metadata/index.js'
import type { EngineContext } from './context.js'
import type { Page, ServiceRecord, ServiceSettings } from './records.js'
import { checkIdleLifetime, DEFAULT_RESTORE_WINDOW_SECONDS } from './client-lifecycle.js'
import {
  checkClientIdMetadataBounds,
  checkClientIdMetadataSettings,
  CLIENT_ID_METADATA_DEFAULTS,
} from './client-id-metadata-settings.js'
import { hashSecret, mintNumericId, mintSecret } from './secrets.js'
import { checkRotationSettings, DEFAULT_GRACE_SECONDS } from './token-rotation.js'

/** Settings a new service starts with; each can be changed by create or update. */
export const SERVICE_DEFAULTS: Readonly<ServiceSettings> = Object.freeze<ServiceSettings>({
  serviceName: 'Registrar service',
  clientIdAliasEnabled: true,
  // A new service has dynamic registration on unless told otherwise.
  dynamicRegistrationSupported: true,
  // RFC 7592 §2.1 wants 401 for a bad registration access token (Authlete's API).
  unauthorizedOnClientConfigSupported: true,
  dcrScopeUsedAsRequestable: true,
  dcrDuplicateSoftwareIdBlocked: false,
  supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS', 'DEVICE_CODE'],
  supportedResponseTypes: ['CODE'],
  // Every method but attestation-based client authentication, which a service opts into.
  supportedTokenAuthMethods: AUTHLETE_ENUMS.clientAuthMethod.filter(
    (method) => method !== 'ATTEST_JWT_CLIENT_AUTH',
  ),
  supportedCustomClientMetadata: [],
  initialAccessTokenRequired: false,
  clientSecretLifetime: 0,
  // Reaping is opt-in (client-lifecycle.ts): last use is seen only through Registrar's own
  // calls, and an authorization server that checks secrets itself never reports one.
  clientIdleLifetime: 0,
  // A week to undo a deletion or a reaping; the client is unknown from the deletion on
  // (RFC 7592 §2.3), the row kept only for a restore.
  clientRestoreWindow: DEFAULT_RESTORE_WINDOW_SECONDS,
  clientSecretRotationOverlap: 0,
  trustedSoftwareStatementIssuers: [],
  allowPrivateNetworkUris: false,
  // RFC 7592 §3 allows rotation; by default the token stays the same (token-rotation.ts).
  registrationAccessTokenRotation: 'never',
  registrationAccessTokenGrace: DEFAULT_GRACE_SECONDS,
  // Client ID Metadata Documents are off: no URL client_id is fetched unless a service asks.
  ...CLIENT_ID_METADATA_DEFAULTS,
})

/** The writable settings of an input, with read-only and null members dropped. */
function writableSettings(input: AuthleteService): ServiceSettings {
  const settings: Record<string, unknown> = { ...input }
  // Members the server assigns are ignored on input (Authlete's API).
  for (const member of SERVICE_ASSIGNED_MEMBERS) delete settings[member]
  for (const [member, value] of Object.entries(settings)) {
    if (value === null || value === undefined) delete settings[member]
  }
  checkExtensionSettings(settings)
  return settings as ServiceSettings
}

function checkExtensionSettings(settings: Record<string, unknown>): void {
  const allowPrivate = settings['allowPrivateNetworkUris']
  if (allowPrivate !== undefined && typeof allowPrivate !== 'boolean') {
    throw new OAuthError('invalid_request', 'allowPrivateNetworkUris must be a boolean')
  }
  const seconds = [
    'clientSecretLifetime',
    'clientSecretRotationOverlap',
    'clientIdleLifetime',
    'clientRestoreWindow',
  ]
  for (const name of seconds) {
    const value = settings[name]
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new OAuthError('invalid_request', `${name} must be a non-negative integer`)
    }
  }
  checkRotationSettings(settings)
  checkIdleLifetime(settings['clientIdleLifetime'])
  checkClientIdMetadataSettings(settings)
  const issuers = settings['trustedSoftwareStatementIssuers']
  if (issuers !== undefined && !isTrustedIssuerList(issuers)) {
    throw new OAuthError(
      'invalid_request',
      'trustedSoftwareStatementIssuers must be an array of {issuer, jwks: {keys: [...]}}',
    )
  }
}

function isTrustedIssuerList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        typeof entry?.issuer === 'string' &&
        entry.issuer.length > 0 &&
        Array.isArray(entry?.jwks?.keys) &&
        entry.jwks.keys.every((key: unknown) => typeof key === 'object' && key !== null),
    )
  )
}

/** A service record with its apiSecret in clear: only just minted, to be shown once. */
export type ServiceWithSecret = ServiceRecord & { apiSecret: string }

/**
 * The Service object as the API answers it. `apiSecret` only when just minted (service
 * create, secret refresh): the store keeps its hash alone, and the hash is never shown.
 */
export function toAuthleteService(record: ServiceRecord | ServiceWithSecret): AuthleteService {
  return {
    ...record.settings,
    number: record.number,
    serviceOwnerNumber: 1,
    apiKey: record.apiKey,
    ...('apiSecret' in record && { apiSecret: record.apiSecret }),
    createdAt: record.createdAt,
    modifiedAt: record.modifiedAt,
  }
}

export async function createService(
  context: EngineContext,
  input: AuthleteService,
): Promise<ServiceWithSecret> {
  const now = context.now()
  const settings = { ...SERVICE_DEFAULTS, ...writableSettings(input) }
  checkClientIdMetadataBounds(settings)
  const apiSecret = mintSecret(context.randomBytes)
  const created = await context.store.insertService({
    apiKey: mintNumericId(context.randomBytes),
    apiSecretHash: hashSecret(apiSecret),
    settings,
    policy: {},
    createdAt: now,
    modifiedAt: now,
  })
  return { ...created, apiSecret }
}

/**
 * Gives a service a new apiSecret; the old one stops working at once, on every node (the
 * secret is checked against the store, not the service cache).
 */
export async function refreshServiceSecret(
  context: EngineContext,
  apiKey: number,
): Promise<ServiceWithSecret> {
  const current = await requireService(context, apiKey)
  const apiSecret = mintSecret(context.randomBytes)
  const updated = await context.store.updateService({
    ...current,
    apiSecretHash: hashSecret(apiSecret),
    modifiedAt: context.now(),
  })
  context.services.forget(apiKey)
  if (!updated) throw new OAuthError('not_found', `no service ${apiKey}`)
  return { ...updated, apiSecret }
}

/** Looks a service up; OAuthError not_found when there is none. */
export async function requireService(
  context: EngineContext,
  apiKey: number,
): Promise<ServiceRecord> {
  const found = Number.isSafeInteger(apiKey) ? await context.services.get(apiKey) : undefined
  if (!found) throw new OAuthError('not_found', `no service ${apiKey}`)
  return found
}

/**
 * Merges the given settings into the current ones: members the body omits keep their
 * value, so a get-modify-update through an SDK that drops unknown members keeps
 * Registrar's extension settings.
 */
export async function updateService(
  context: EngineContext,
  apiKey: number,
  input: AuthleteService,
): Promise<ServiceRecord> {
  const current = await requireService(context, apiKey)
  const settings = { ...current.settings, ...writableSettings(input) }
  checkClientIdMetadataBounds(settings)
  const updated = await context.store.updateService({
    ...current,
    settings,
    modifiedAt: context.now(),
  })
  context.services.forget(apiKey)
  if (!updated) throw new OAuthError('not_found', `no service ${apiKey}`)
  return updated
}

/**
 * Replaces the service's policy document after checking its shape and its
 * values; OAuthError invalid_request names the first problem.
 */
export async function replacePolicy(
  context: EngineContext,
  apiKey: number,
  input: unknown,
): Promise<ServiceRecord> {
  const policy = checkedPolicy(input)
  const current = await requireService(context, apiKey)
  const updated = await context.store.updateService({
    ...current,
    policy,
    modifiedAt: context.now(),
  })
  context.services.forget(apiKey)
  if (!updated) throw new OAuthError('not_found', `no service ${apiKey}`)
  return updated
}

function checkedPolicy(input: unknown): Policy {
  if (!Value.Check(PolicySchema, input)) {
    const [error] = Value.Errors(PolicySchema, input)
    const where = error?.path ? `policy${error.path.replaceAll('/', '.')}` : 'policy'
    throw new OAuthError('invalid_request', `${where}: ${error?.message ?? 'not a policy'}`)
  }
  const problem = policyDocumentProblem(input)
  if (problem !== undefined) throw new OAuthError('invalid_request', `policy.${problem}`)
  return input
}

export async function deleteService(context: EngineContext, apiKey: number): Promise<void> {
  const deleted = await context.store.deleteService(apiKey)
  context.services.forget(apiKey)
  if (!deleted) {
    throw new OAuthError('not_found', `no service ${apiKey}`)
  }
}

export async function listServices(
  context: EngineContext,
  request: { start: number; end: number; apiKeys?: number[] },
): Promise<Page<ServiceRecord>> {
  return context.store.listServices({ ...request, ...boundedWindow(request) })
}
