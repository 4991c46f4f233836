/**
 * `registrar/sdk`: a typed, fetch-based client for Registrar's Authlete-compatible API
 * and its extensions. No dependency beyond the platform.
 * @see Authlete's API
 */
export { Registrar, type RegistrarOptions } from './registrar.js'
export { RegistrarApiError, RegistrarNetworkError } from './errors.js'
export type { ServicesApi } from './services.js'
export type { ClientsApi } from './clients.js'
export type { RegistrationApi } from './registration.js'
export type { TokensApi, InitialAccessTokensApi } from './tokens.js'
export type { AuditApi, AuditFilter } from './audit.js'
export type { WebhooksApi } from './webhooks.js'
export type * from './types.js'
// Not wire/index.js, which loads TypeBox: the presets are plain data.
export {
  POLICY_PRESETS,
  POLICY_PRESET_NAMES,
  type PolicyPresetName,
} from '../wire/policy-presets.js'
export type {
  Action,
  AuditEventView,
  AuditPage,
  AuditVerificationResult,
  AuthleteClient,
  AuthleteService,
  ClientInformation,
  ClientMetadata,
  ClientRegistrationResponse,
  ClientVersionList,
  Policy,
  PolicyRuleSet,
} from '../wire/index.js'
