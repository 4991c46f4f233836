/**
 * The one table between RFC 7591 / OIDC DCR metadata (snake_case, protocol spellings) and
 * Authlete's Client object (camelCase, upper-case enum names), read in both directions.
 * Members with no Authlete field (logout URIs, software_statement, the service's custom
 * metadata) travel as JSON text in `customMetadata`, which Authlete merges back at top level.
 * @see spec §3.4 and §4 (../shared/spec/authlete-api.md)
 */
import {
  isJsonObject,
  parseStorableJson,
  UnstorableJsonError,
  type AuthleteClient,
  type ClientMetadata,
  type JwkSet,
  type TaggedValue,
} from '../wire/index.js'
import { clientTypeOf } from './client-type.js'
import { splitLanguageTag } from './fields.js'
import { unstorableMetadata } from './resolve.js'
import {
  APPLICATION_TYPES,
  DELIVERY_MODES,
  GRANT_TYPES,
  JWE_ALGORITHMS,
  JWE_ENCODINGS,
  JWS_ALGORITHMS,
  RESPONSE_TYPES,
  SUBJECT_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  normaliseResponseType,
  type Vocabulary,
} from './vocabulary.js'

/** One metadata member and its Authlete field; each direction answers undefined to omit. */
interface Mapping {
  meta: string
  authlete: keyof AuthleteClient
  toAuthlete: (value: unknown) => unknown
  fromAuthlete: (value: unknown) => unknown
  /** What Authlete holds when the member is absent (false flags, zero max age). */
  whenAbsent?: unknown
}

const isString = (value: unknown): value is string => typeof value === 'string'
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter(isString) : undefined

const text = (meta: string, authlete: keyof AuthleteClient): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (isString(v) ? v : undefined),
  fromAuthlete: (v) => (isString(v) ? v : undefined),
})

const list = (meta: string, authlete: keyof AuthleteClient): Mapping => ({
  meta,
  authlete,
  toAuthlete: strings,
  fromAuthlete: strings,
})

/** Authlete always holds flags; only `true` comes back, false being every flag's default. */
const flag = (meta: string, authlete: keyof AuthleteClient): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (typeof v === 'boolean' ? v : undefined),
  fromAuthlete: (v) => (v === true ? true : undefined),
  whenAbsent: false,
})

const oneOf = (meta: string, authlete: keyof AuthleteClient, vocabulary: Vocabulary): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (isString(v) ? vocabulary.toAuthlete(v) : undefined),
  fromAuthlete: (v) => (isString(v) ? vocabulary.fromAuthlete(v) : undefined),
})

/** Values with no enum member are left out (spec §7 trap 3: closed enums). */
const listOf = (
  meta: string,
  authlete: keyof AuthleteClient,
  vocabulary: Vocabulary,
  normalise = (v: string) => v,
): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => strings(v)?.flatMap((item) => vocabulary.toAuthlete(normalise(item)) ?? []),
  fromAuthlete: (v) => strings(v)?.flatMap((item) => vocabulary.fromAuthlete(item) ?? []),
})

/** The table. @see spec §4 */
const MAPPINGS: readonly Mapping[] = [
  list('redirect_uris', 'redirectUris'),
  oneOf('token_endpoint_auth_method', 'tokenAuthMethod', TOKEN_ENDPOINT_AUTH_METHODS),
  listOf('grant_types', 'grantTypes', GRANT_TYPES),
  listOf('response_types', 'responseTypes', RESPONSE_TYPES, normaliseResponseType),
  text('client_name', 'clientName'),
  text('client_uri', 'clientUri'),
  text('logo_uri', 'logoUri'),
  list('contacts', 'contacts'),
  text('tos_uri', 'tosUri'),
  text('policy_uri', 'policyUri'),
  text('jwks_uri', 'jwksUri'),
  {
    meta: 'jwks',
    authlete: 'jwks',
    toAuthlete: (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : undefined),
    fromAuthlete: (v) => (isString(v) ? parseJwkSet(v) : undefined),
  },
  text('software_id', 'softwareId'),
  text('software_version', 'softwareVersion'),
  oneOf('application_type', 'applicationType', APPLICATION_TYPES),
  text('sector_identifier_uri', 'sectorIdentifierUri'),
  oneOf('subject_type', 'subjectType', SUBJECT_TYPES),
  oneOf('id_token_signed_response_alg', 'idTokenSignAlg', JWS_ALGORITHMS),
  oneOf('id_token_encrypted_response_alg', 'idTokenEncryptionAlg', JWE_ALGORITHMS),
  oneOf('id_token_encrypted_response_enc', 'idTokenEncryptionEnc', JWE_ENCODINGS),
  oneOf('userinfo_signed_response_alg', 'userInfoSignAlg', JWS_ALGORITHMS),
  oneOf('userinfo_encrypted_response_alg', 'userInfoEncryptionAlg', JWE_ALGORITHMS),
  oneOf('userinfo_encrypted_response_enc', 'userInfoEncryptionEnc', JWE_ENCODINGS),
  oneOf('request_object_signing_alg', 'requestSignAlg', JWS_ALGORITHMS),
  oneOf('request_object_encryption_alg', 'requestEncryptionAlg', JWE_ALGORITHMS),
  oneOf('request_object_encryption_enc', 'requestEncryptionEnc', JWE_ENCODINGS),
  oneOf('authorization_signed_response_alg', 'authorizationSignAlg', JWS_ALGORITHMS),
  oneOf('authorization_encrypted_response_alg', 'authorizationEncryptionAlg', JWE_ALGORITHMS),
  oneOf('authorization_encrypted_response_enc', 'authorizationEncryptionEnc', JWE_ENCODINGS),
  oneOf('token_endpoint_auth_signing_alg', 'tokenAuthSignAlg', JWS_ALGORITHMS),
  {
    meta: 'default_max_age',
    authlete: 'defaultMaxAge',
    toAuthlete: (v) => (Number.isSafeInteger(v) ? v : undefined),
    fromAuthlete: (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? v : undefined),
    whenAbsent: 0,
  },
  flag('require_auth_time', 'authTimeRequired'),
  list('default_acr_values', 'defaultAcrs'),
  text('initiate_login_uri', 'loginUri'),
  list('request_uris', 'requestUris'),
  text('tls_client_auth_subject_dn', 'tlsClientAuthSubjectDn'),
  text('tls_client_auth_san_dns', 'tlsClientAuthSanDns'),
  text('tls_client_auth_san_uri', 'tlsClientAuthSanUri'),
  text('tls_client_auth_san_ip', 'tlsClientAuthSanIp'),
  text('tls_client_auth_san_email', 'tlsClientAuthSanEmail'),
  flag('tls_client_certificate_bound_access_tokens', 'tlsClientCertificateBoundAccessTokens'),
  flag('require_pushed_authorization_requests', 'parRequired'),
  flag('require_signed_request_object', 'requestObjectRequired'),
  flag('dpop_bound_access_tokens', 'dpopRequired'),
  oneOf('backchannel_token_delivery_mode', 'bcDeliveryMode', DELIVERY_MODES),
  text('backchannel_client_notification_endpoint', 'bcNotificationEndpoint'),
  oneOf('backchannel_authentication_request_signing_alg', 'bcRequestSignAlg', JWS_ALGORITHMS),
  flag('backchannel_user_code_parameter', 'bcUserCodeRequired'),
  list('authorization_details_types', 'authorizationDetailsTypes'),
]

/** Localisable members and the TaggedValue arrays of their `#tag` variants (RFC 7591 §2.2). */
const TAGGED: readonly (readonly [meta: string, authlete: keyof AuthleteClient])[] = [
  ['client_name', 'clientNames'],
  ['client_uri', 'clientUris'],
  ['logo_uri', 'logoUris'],
  ['policy_uri', 'policyUris'],
  ['tos_uri', 'tosUris'],
]

const MAPPED = new Set(MAPPINGS.map((mapping) => mapping.meta))
const isTagged = (name: string) => {
  const { base, tag } = splitLanguageTag(name)
  return tag !== undefined && TAGGED.some(([meta]) => meta === base)
}

/**
 * The JSON value of a member holding JSON text; undefined when it is not JSON. JSON that no
 * store keeps as sent is refused like the same value sent as metadata, named by its member.
 */
function parseJson(text: string, member: string): unknown {
  try {
    return parseStorableJson(text)
  } catch (error) {
    if (error instanceof UnstorableJsonError) {
      throw unstorableMetadata({ ...error.detail, pointer: `/${member}${error.detail.pointer}` })
    }
    return undefined
  }
}

function parseJwkSet(text: string): JwkSet | undefined {
  const value = parseJson(text, 'jwks') as { keys?: unknown } | undefined
  return typeof value === 'object' && value !== null && Array.isArray(value.keys)
    ? (value as JwkSet)
    : undefined
}

/**
 * The Authlete Client form of client metadata: enum names, TaggedValue arrays, JSON text for
 * jwks and custom metadata, scope as requestable scopes, clientType derived, flags and
 * defaultMaxAge always present. Never emits null or a value outside Authlete's enums.
 * @see spec §4, RFC 7591 §2, OIDC DCR §2
 */
export function clientMetadataToAuthlete(metadata: ClientMetadata): AuthleteClient {
  const client: Record<string, unknown> = { clientType: clientTypeOf(metadata) }
  for (const mapping of MAPPINGS) {
    const value =
      metadata[mapping.meta] == null ? undefined : mapping.toAuthlete(metadata[mapping.meta])
    if (value !== undefined) client[mapping.authlete] = value
    else if (mapping.whenAbsent !== undefined) client[mapping.authlete] = mapping.whenAbsent
  }
  for (const [meta, authlete] of TAGGED) {
    const values: TaggedValue[] = Object.entries(metadata).flatMap(([name, value]) => {
      const { base, tag } = splitLanguageTag(name)
      return base === meta && tag !== undefined && isString(value) ? [{ tag, value }] : []
    })
    if (values.length > 0) client[authlete] = values
  }
  if (isString(metadata.scope)) {
    const scopes = metadata.scope.split(' ').filter((token) => token !== '')
    client.extension = { requestableScopes: scopes, requestableScopesEnabled: true }
  }
  const custom = Object.entries(metadata).filter(
    ([name, value]) => value != null && !MAPPED.has(name) && !isTagged(name) && name !== 'scope',
  )
  if (custom.length > 0) client.customMetadata = JSON.stringify(Object.fromEntries(custom))
  return client as AuthleteClient
}

/**
 * Client metadata from an Authlete Client: the inverse of clientMetadataToAuthlete. Values
 * outside the known enums are left out; false flags and a zero defaultMaxAge mean absent.
 * @see spec §3.4, §4
 */
export function authleteToClientMetadata(client: AuthleteClient): ClientMetadata {
  const metadata: ClientMetadata = {}
  const fields = client as Record<string, unknown>
  for (const mapping of MAPPINGS) {
    const value =
      fields[mapping.authlete] == null ? undefined : mapping.fromAuthlete(fields[mapping.authlete])
    if (value !== undefined) metadata[mapping.meta] = value
  }
  for (const [meta, authlete] of TAGGED) {
    const values = Array.isArray(fields[authlete]) ? (fields[authlete] as unknown[]) : []
    for (const entry of values) {
      const { tag, value } = (entry ?? {}) as Partial<TaggedValue>
      if (isString(tag) && tag !== '' && isString(value)) metadata[`${meta}#${tag}`] = value
    }
  }
  const extension = client.extension
  if (extension?.requestableScopesEnabled === true) {
    const scopes = strings(extension.requestableScopes) ?? []
    if (scopes.length > 0) metadata.scope = scopes.join(' ')
  }
  const custom = isString(client.customMetadata)
    ? parseJson(client.customMetadata, 'customMetadata')
    : undefined
  if (isJsonObject(custom)) {
    for (const [name, value] of Object.entries(custom)) {
      if (value != null && !Object.hasOwn(metadata, name) && name !== '__proto__')
        metadata[name] = value
    }
  }
  return metadata
}
