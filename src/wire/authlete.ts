/**
 * Authlete's wire shapes (camelCase), as `@authlete/typescript-sdk` 0.0.3-beta validates
 * them. Ids and timestamps are JSON integers; no member is ever `null`; enum members are
 * the upper-case names. See ../shared/spec/authlete-api.md §3 - §7.
 */

export interface Pair {
  key: string
  value: string
}

export interface TaggedValue {
  tag: string
  value: string
}

/** What the authorization server must do with a DCR API answer (spec §3.3). */
export const ACTIONS = [
  'CREATED',
  'OK',
  'UPDATED',
  'DELETED',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'INTERNAL_SERVER_ERROR',
] as const
export type Action = (typeof ACTIONS)[number]

/** The HTTP status the authorization server answers its client with, for each action. */
export const STATUS_BY_ACTION: Record<Action, number> = {
  CREATED: 201,
  OK: 200,
  UPDATED: 200,
  DELETED: 204,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  INTERNAL_SERVER_ERROR: 500,
}

/** Body of `POST /api/{serviceId}/client/registration[/get|/update|/delete]` (spec §3.1). */
export interface ClientRegistrationRequest {
  /** The client's request body as JSON text (register, update). */
  json?: string
  /** Registration access token (get/update/delete) or initial access token (register). */
  token?: string
  /** The numeric client id, as a string or (older SDKs) a number. */
  clientId?: string | number
}

/** Answer of the four DCR API calls, always HTTP 200 (spec §3.2). */
export interface ClientRegistrationResponse {
  resultCode: string
  resultMessage: string
  action: Action
  /** JSON text to send to the client as-is; absent for DELETED. */
  responseContent?: string
  client?: AuthleteClient
}

/** The error body of every API-level failure (spec §6). */
export interface ResultError {
  resultCode: string
  resultMessage: string
}

/** Authlete's Client object (spec §4). Every member optional; RO ones are server-assigned. */
export interface AuthleteClient {
  number?: number
  serviceNumber?: number
  clientId?: number
  clientSecret?: string
  clientIdAlias?: string
  clientIdAliasEnabled?: boolean
  clientType?: 'PUBLIC' | 'CONFIDENTIAL'
  applicationType?: 'WEB' | 'NATIVE'
  clientName?: string
  clientNames?: TaggedValue[]
  description?: string
  descriptions?: TaggedValue[]
  logoUri?: string
  logoUris?: TaggedValue[]
  clientUri?: string
  clientUris?: TaggedValue[]
  policyUri?: string
  policyUris?: TaggedValue[]
  tosUri?: string
  tosUris?: TaggedValue[]
  contacts?: string[]
  redirectUris?: string[]
  grantTypes?: string[]
  responseTypes?: string[]
  tokenAuthMethod?: string
  tokenAuthSignAlg?: string
  jwksUri?: string
  jwks?: string
  softwareId?: string
  softwareVersion?: string
  subjectType?: 'PUBLIC' | 'PAIRWISE'
  sectorIdentifierUri?: string
  derivedSectorIdentifier?: string
  idTokenSignAlg?: string
  idTokenEncryptionAlg?: string
  idTokenEncryptionEnc?: string
  userInfoSignAlg?: string
  userInfoEncryptionAlg?: string
  userInfoEncryptionEnc?: string
  requestSignAlg?: string
  requestEncryptionAlg?: string
  requestEncryptionEnc?: string
  authorizationSignAlg?: string
  authorizationEncryptionAlg?: string
  authorizationEncryptionEnc?: string
  defaultMaxAge?: number
  authTimeRequired?: boolean
  defaultAcrs?: string[]
  loginUri?: string
  requestUris?: string[]
  parRequired?: boolean
  requestObjectRequired?: boolean
  tlsClientCertificateBoundAccessTokens?: boolean
  tlsClientAuthSubjectDn?: string
  tlsClientAuthSanDns?: string
  tlsClientAuthSanUri?: string
  tlsClientAuthSanIp?: string
  tlsClientAuthSanEmail?: string
  selfSignedCertificateKeyId?: string
  bcDeliveryMode?: string
  bcNotificationEndpoint?: string
  bcRequestSignAlg?: string
  bcUserCodeRequired?: boolean
  authorizationDetailsTypes?: string[]
  dpopRequired?: boolean
  customMetadata?: string
  extension?: {
    requestableScopes?: string[]
    requestableScopesEnabled?: boolean
    accessTokenDuration?: number
    refreshTokenDuration?: number
    idTokenDuration?: number
    tokenExchangePermitted?: boolean
  }
  developer?: string
  dynamicallyRegistered?: boolean
  registrationAccessTokenHash?: string
  createdAt?: number
  modifiedAt?: number
  attributes?: Pair[]
  locked?: boolean
  pkceRequired?: boolean
  pkceS256Required?: boolean
  frontChannelRequestObjectEncryptionRequired?: boolean
  requestObjectEncryptionAlgMatchRequired?: boolean
  requestObjectEncryptionEncMatchRequired?: boolean
  singleAccessTokenPerSubject?: boolean
  responseModes?: string[]
}

/** One entry of `trustedSoftwareStatementIssuers` (CONTRACT.md §1b). */
export interface TrustedIssuer {
  issuer: string
  jwks: { keys: Record<string, unknown>[] }
}

/** A supported scope of a service. */
export interface AuthleteScope {
  name: string
  defaultEntry?: boolean
  description?: string
  descriptions?: TaggedValue[]
  attributes?: Pair[]
}

/**
 * Authlete's Service object (spec §5), plus Registrar's extension settings
 * (CONTRACT.md §1b). Every member optional; RO ones are server-assigned.
 */
export interface AuthleteService {
  number?: number
  serviceOwnerNumber?: number
  apiKey?: number
  apiSecret?: string
  serviceName?: string
  description?: string
  issuer?: string
  createdAt?: number
  modifiedAt?: number
  metadata?: Pair[]
  attributes?: Pair[]
  clientIdAliasEnabled?: boolean
  clientsPerDeveloper?: number
  dynamicRegistrationSupported?: boolean
  registrationEndpoint?: string
  registrationManagementEndpoint?: string
  unauthorizedOnClientConfigSupported?: boolean
  dcrScopeUsedAsRequestable?: boolean
  dcrDuplicateSoftwareIdBlocked?: boolean
  supportedCustomClientMetadata?: string[]
  supportedGrantTypes?: string[]
  supportedResponseTypes?: string[]
  supportedTokenAuthMethods?: string[]
  supportedRevocationAuthMethods?: string[]
  supportedIntrospectionAuthMethods?: string[]
  supportedScopes?: AuthleteScope[]
  authorizationEndpoint?: string
  tokenEndpoint?: string
  revocationEndpoint?: string
  introspectionEndpoint?: string
  userInfoEndpoint?: string
  jwksUri?: string
  endSessionEndpoint?: string
  pushedAuthReqEndpoint?: string
  deviceAuthorizationEndpoint?: string
  backchannelAuthenticationEndpoint?: string
  pkceRequired?: boolean
  pkceS256Required?: boolean
  parRequired?: boolean
  requestObjectRequired?: boolean
  tlsClientCertificateBoundAccessTokens?: boolean
  scopeRequired?: boolean
  loopbackRedirectionUriVariable?: boolean
  accessTokenType?: string
  accessTokenDuration?: number
  refreshTokenDuration?: number
  idTokenDuration?: number
  supportedDisplays?: string[]
  supportedClaimTypes?: string[]
  supportedClaims?: string[]
  supportedPromptValues?: string[]
  supportedBackchannelTokenDeliveryModes?: string[]
  accessTokenSignAlg?: string
  // Registrar's extensions (CONTRACT.md §1b)
  initialAccessTokenRequired?: boolean
  clientSecretLifetime?: number
  trustedSoftwareStatementIssuers?: TrustedIssuer[]
}
