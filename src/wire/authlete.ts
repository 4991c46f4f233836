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
  /**
   * Whether URIs the authorization server fetches (jwks_uri, sector_identifier_uri,
   * request_uris, logo_uri, back-channel endpoints) may point at loopback, private or
   * link-local addresses; false by default.
   */
  allowPrivateNetworkUris?: boolean
}

/**
 * The SDK's closed enums (spec §4): a member outside these fails its response validation,
 * so route schemas refuse it and metadata/ maps protocol values onto exactly these names.
 */
export const AUTHLETE_ENUMS = {
  grantType: [
    'AUTHORIZATION_CODE',
    'IMPLICIT',
    'PASSWORD',
    'CLIENT_CREDENTIALS',
    'REFRESH_TOKEN',
    'CIBA',
    'DEVICE_CODE',
    'TOKEN_EXCHANGE',
    'JWT_BEARER',
    'PRE_AUTHORIZED_CODE',
  ],
  responseType: [
    'NONE',
    'CODE',
    'TOKEN',
    'ID_TOKEN',
    'CODE_TOKEN',
    'CODE_ID_TOKEN',
    'ID_TOKEN_TOKEN',
    'CODE_ID_TOKEN_TOKEN',
  ],
  clientAuthMethod: [
    'NONE',
    'CLIENT_SECRET_BASIC',
    'CLIENT_SECRET_POST',
    'CLIENT_SECRET_JWT',
    'PRIVATE_KEY_JWT',
    'TLS_CLIENT_AUTH',
    'SELF_SIGNED_TLS_CLIENT_AUTH',
    'ATTEST_JWT_CLIENT_AUTH',
  ],
  jwsAlg: [
    'NONE',
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'RS384',
    'RS512',
    'ES256',
    'ES384',
    'ES512',
    'PS256',
    'PS384',
    'PS512',
    'ES256K',
    'EdDSA',
  ],
  jweAlg: [
    'RSA1_5',
    'RSA_OAEP',
    'RSA_OAEP_256',
    'A128KW',
    'A192KW',
    'A256KW',
    'DIR',
    'ECDH_ES',
    'ECDH_ES_A128KW',
    'ECDH_ES_A192KW',
    'ECDH_ES_A256KW',
    'A128GCMKW',
    'A192GCMKW',
    'A256GCMKW',
    'PBES2_HS256_A128KW',
    'PBES2_HS384_A192KW',
    'PBES2_HS512_A256KW',
  ],
  jweEnc: ['A128CBC_HS256', 'A192CBC_HS384', 'A256CBC_HS512', 'A128GCM', 'A192GCM', 'A256GCM'],
  responseMode: [
    'QUERY',
    'FRAGMENT',
    'FORM_POST',
    'JWT',
    'QUERY_JWT',
    'FRAGMENT_JWT',
    'FORM_POST_JWT',
  ],
  display: ['PAGE', 'POPUP', 'TOUCH', 'WAP'],
  claimType: ['NORMAL', 'AGGREGATED', 'DISTRIBUTED'],
  prompt: ['NONE', 'LOGIN', 'CONSENT', 'SELECT_ACCOUNT', 'CREATE'],
  deliveryMode: ['PING', 'POLL', 'PUSH'],
} as const
