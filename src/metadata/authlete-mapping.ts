/**
 * The one table between RFC 7591 / OIDC DCR metadata (snake_case, protocol spellings) and
 * Authlete's Client object (camelCase, upper-case enum names), read in both directions. Its
 * rows come from the members' declarations in wire/metadata.ts (`x-authlete` names the
 * Client member, `x-authlete-enum` the vocabulary, `x-authlete-tagged` the tagged array).
 * Members with no Authlete field (logout URIs, software_statement, the service's custom
 * metadata) travel as JSON text in `customMetadata`, which Authlete merges back at top level.
 * @see Authlete's API (Client)
 */
import type { TSchema } from '@sinclair/typebox'
import {
  CLIENT_METADATA_MEMBERS,
  isJsonObject,
  NOT_MAPPED,
  parseStorableJson,
  UnstorableJsonError,
  type AuthleteClient,
  type ClientMetadata,
  type JwkSet,
  type TaggedValue,
} from '../wire/index.js'
import { clientTypeOf } from './client-type.js'
import { splitLanguageTag } from './fields.js'
import { unstorableMetadata } from './violations.js'
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

type AuthleteMember = keyof AuthleteClient

/** One metadata member and its Authlete field; each direction answers undefined to omit. */
interface Mapping {
  meta: string
  authlete: AuthleteMember
  toAuthlete: (value: unknown) => unknown
  fromAuthlete: (value: unknown) => unknown
  /** What Authlete holds when the member is absent (false flags, zero max age). */
  whenAbsent?: unknown
}

const isString = (value: unknown): value is string => typeof value === 'string'
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter(isString) : undefined

const text = (meta: string, authlete: AuthleteMember): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (isString(v) ? v : undefined),
  fromAuthlete: (v) => (isString(v) ? v : undefined),
})

const list = (meta: string, authlete: AuthleteMember): Mapping => ({
  meta,
  authlete,
  toAuthlete: strings,
  fromAuthlete: strings,
})

/** Authlete always holds flags; only `true` comes back, false being every flag's default. */
const flag = (meta: string, authlete: AuthleteMember): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (typeof v === 'boolean' ? v : undefined),
  fromAuthlete: (v) => (v === true ? true : undefined),
  whenAbsent: false,
})

const oneOf = (meta: string, authlete: AuthleteMember, vocabulary: Vocabulary): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (isString(v) ? vocabulary.toAuthlete(v) : undefined),
  fromAuthlete: (v) => (isString(v) ? vocabulary.fromAuthlete(v) : undefined),
})

/** Values with no enum member are left out (Authlete's API: closed enums). */
const listOf = (
  meta: string,
  authlete: AuthleteMember,
  vocabulary: Vocabulary,
  normalise = (v: string) => v,
): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => strings(v)?.flatMap((item) => vocabulary.toAuthlete(normalise(item)) ?? []),
  fromAuthlete: (v) => strings(v)?.flatMap((item) => vocabulary.fromAuthlete(item) ?? []),
})

/** The vocabulary each AUTHLETE_ENUMS name translates through, and how values normalise. */
const VOCABULARIES: Record<string, [Vocabulary, ((v: string) => string)?]> = {
  applicationType: [APPLICATION_TYPES],
  subjectType: [SUBJECT_TYPES],
  grantType: [GRANT_TYPES],
  responseType: [RESPONSE_TYPES, normaliseResponseType],
  clientAuthMethod: [TOKEN_ENDPOINT_AUTH_METHODS],
  jwsAlg: [JWS_ALGORITHMS],
  jweAlg: [JWE_ALGORITHMS],
  jweEnc: [JWE_ENCODINGS],
  deliveryMode: [DELIVERY_MODES],
}

const jwks = (meta: string, authlete: AuthleteMember): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : undefined),
  fromAuthlete: (v) => (isString(v) ? parseJwkSet(v) : undefined),
})

/** Seconds; Authlete holds 0 for "none", so only a positive value comes back. */
const seconds = (meta: string, authlete: AuthleteMember): Mapping => ({
  meta,
  authlete,
  toAuthlete: (v) => (Number.isSafeInteger(v) ? v : undefined),
  fromAuthlete: (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? v : undefined),
  whenAbsent: 0,
})

/** Members that do not map member to member (Authlete's API): custom metadata and scope. */
const UNMAPPED: readonly string[] = [NOT_MAPPED, 'extension.requestableScopes']

/** One member's mapping, chosen by its declared schema and Authlete annotations. */
function mappingOf(meta: string, schema: TSchema): Mapping {
  const authlete = schema['x-authlete'] as AuthleteMember
  const enumName = schema['x-authlete-enum'] as string | undefined
  if (enumName !== undefined) {
    const [vocabulary, normalise] = VOCABULARIES[enumName] ?? []
    if (vocabulary === undefined) throw new Error(`no vocabulary for ${enumName}`)
    return schema.type === 'array'
      ? listOf(meta, authlete, vocabulary, normalise)
      : oneOf(meta, authlete, vocabulary)
  }
  switch (schema.type) {
    case 'array':
      return list(meta, authlete)
    case 'boolean':
      return flag(meta, authlete)
    case 'integer':
      return seconds(meta, authlete)
    case 'object':
      return jwks(meta, authlete)
  }
  return text(meta, authlete)
}

/** The table, derived once at load from the declaration in wire/metadata.ts. @see Authlete's API */
const MAPPINGS: readonly Mapping[] = CLIENT_METADATA_MEMBERS.flatMap(([meta, schema]) =>
  UNMAPPED.includes(schema['x-authlete']) ? [] : [mappingOf(meta, schema)],
)

/** Localisable members and the TaggedValue arrays of their `#tag` variants (RFC 7591 §2.2). */
const TAGGED: readonly (readonly [meta: string, authlete: AuthleteMember])[] =
  CLIENT_METADATA_MEMBERS.flatMap(([meta, schema]) =>
    schema['x-authlete-tagged'] === undefined ? [] : [[meta, schema['x-authlete-tagged']] as const],
  )

/** The member-to-member mappings, for the test that holds them to the declarations. */
export const AUTHLETE_MAPPINGS: readonly (readonly [meta: string, authlete: string])[] =
  MAPPINGS.map((mapping) => [mapping.meta, mapping.authlete])

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
 * @see Authlete's API, RFC 7591 §2, OIDC DCR §2
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
 * @see Authlete's API
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
