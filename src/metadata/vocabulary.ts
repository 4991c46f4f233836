/**
 * The closed vocabularies Registrar knows: each protocol value (RFC 7591 §2, OIDC DCR §2,
 * RFC 7518) beside the upper-case name of its Authlete enum member. A value that is
 * missing here has no Authlete member, so Registrar neither supports nor stores it. The
 * Authlete names are those of wire's AUTHLETE_ENUMS (vocabulary.test.ts holds the two alike).
 */
import { AUTHLETE_ENUMS } from '../wire/index.js'

/** A two-way table between protocol spellings and Authlete enum names. */
export interface Vocabulary {
  /** Every protocol value, in the table's order. */
  readonly values: readonly string[]
  toAuthlete(value: string): string | undefined
  fromAuthlete(name: string): string | undefined
}

function vocabulary(pairs: readonly (readonly [protocol: string, authlete: string])[]): Vocabulary {
  const forward = new Map(pairs)
  const backward = new Map(pairs.map(([protocol, authlete]) => [authlete, protocol]))
  return {
    values: pairs.map(([protocol]) => protocol),
    toAuthlete: (value) => forward.get(value),
    fromAuthlete: (name) => backward.get(name),
  }
}

/** Protocol spelling is the lower-case form of the Authlete name. */
function lowerCased(names: readonly string[]): Vocabulary {
  return vocabulary(names.map((name) => [name.toLowerCase(), name] as const))
}

/** Protocol spelling is the Authlete name with `-` and `+` for `_` where JOSE writes them. */
function joseNames(protocolNames: readonly string[]): Vocabulary {
  return vocabulary(
    protocolNames.map((name) => [name, name.replace(/[-+]/g, '_').toUpperCase()] as const),
  )
}

/**
 * Response type words in a canonical order: word order is not significant.
 * @see RFC 6749 §3.1.1
 */
export function normaliseResponseType(value: string): string {
  if (!value.includes(' ')) return value // one word (or none) is already canonical
  return [...new Set(value.split(' ').filter((word) => word !== ''))].sort().join(' ')
}

/** @see RFC 7591 §2, Authlete's API GrantType */
export const GRANT_TYPES = vocabulary([
  ['authorization_code', 'AUTHORIZATION_CODE'],
  ['implicit', 'IMPLICIT'],
  ['password', 'PASSWORD'],
  ['client_credentials', 'CLIENT_CREDENTIALS'],
  ['refresh_token', 'REFRESH_TOKEN'],
  ['urn:openid:params:grant-type:ciba', 'CIBA'],
  ['urn:ietf:params:oauth:grant-type:device_code', 'DEVICE_CODE'],
  ['urn:ietf:params:oauth:grant-type:token-exchange', 'TOKEN_EXCHANGE'],
  ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'JWT_BEARER'],
  ['urn:ietf:params:oauth:grant-type:pre-authorized_code', 'PRE_AUTHORIZED_CODE'],
])

/** Values are normalised (words sorted). @see RFC 7591 §2, Authlete's API ResponseType */
export const RESPONSE_TYPES = vocabulary([
  ['none', 'NONE'],
  ['code', 'CODE'],
  ['token', 'TOKEN'],
  ['id_token', 'ID_TOKEN'],
  ['code token', 'CODE_TOKEN'],
  ['code id_token', 'CODE_ID_TOKEN'],
  ['id_token token', 'ID_TOKEN_TOKEN'],
  ['code id_token token', 'CODE_ID_TOKEN_TOKEN'],
])

/** @see RFC 7591 §2, RFC 8705 §2, Authlete's API ClientAuthMethod */
export const TOKEN_ENDPOINT_AUTH_METHODS = lowerCased(AUTHLETE_ENUMS.clientAuthMethod)

/** @see OIDC DCR §2 application_type */
export const APPLICATION_TYPES = lowerCased(AUTHLETE_ENUMS.applicationType)

/** @see OIDC Core §8 */
export const SUBJECT_TYPES = lowerCased(AUTHLETE_ENUMS.subjectType)

/** @see OIDC CIBA §4 backchannel_token_delivery_mode */
export const DELIVERY_MODES = lowerCased(['POLL', 'PING', 'PUSH'])

/** @see RFC 7518 §3.1, Authlete's API JwsAlg */
export const JWS_ALGORITHMS = vocabulary([
  ['none', 'NONE'],
  ...['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']
    .concat(['PS256', 'PS384', 'PS512', 'ES256K', 'EdDSA'])
    .map((name) => [name, name] as const),
])

/** @see RFC 7518 §4.1, Authlete's API JweAlg */
export const JWE_ALGORITHMS = joseNames([
  'RSA1_5',
  'RSA-OAEP',
  'RSA-OAEP-256',
  'A128KW',
  'A192KW',
  'A256KW',
  'dir',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
  'A128GCMKW',
  'A192GCMKW',
  'A256GCMKW',
  'PBES2-HS256+A128KW',
  'PBES2-HS384+A192KW',
  'PBES2-HS512+A256KW',
])

/** @see RFC 7518 §5.1, Authlete's API JweEnc */
export const JWE_ENCODINGS = joseNames([
  'A128CBC-HS256',
  'A192CBC-HS384',
  'A256CBC-HS512',
  'A128GCM',
  'A192GCM',
  'A256GCM',
])
