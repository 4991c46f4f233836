/**
 * Authlete's vocabulary, as `@authlete/typescript-sdk` 0.0.3-beta validates it: the DCR
 * API's actions and the closed enums. The shapes themselves are declared once, as schemas,
 * in schemas.ts. See Authlete's API.
 */

/** What the authorization server must do with a DCR API answer (Authlete's API). */
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

/**
 * The SDK's closed enums (Authlete's API): a member outside these fails its response validation,
 * so route schemas refuse it and metadata/ maps protocol values onto exactly these names.
 */
export const AUTHLETE_ENUMS = {
  clientType: ['PUBLIC', 'CONFIDENTIAL'],
  applicationType: ['WEB', 'NATIVE'],
  subjectType: ['PUBLIC', 'PAIRWISE'],
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
