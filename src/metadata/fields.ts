/**
 * The field table: every client metadata member Registrar understands, with the shape its
 * value must have, read from the members' schemas in wire/metadata.ts. Members not declared
 * there are unknown: they are dropped (RFC 7591 §2) unless the service lists them as custom
 * metadata. Everything beyond shape is a rule.
 */
import type { TSchema } from '@sinclair/typebox'
import { CLIENT_METADATA_MEMBERS } from '../wire/index.js'
import type { MetadataErrorCode } from './rules/rule.js'

export type FieldKind =
  'string' | 'uri' | 'uri-list' | 'string-list' | 'boolean' | 'integer' | 'jwk-set' | 'enum'

export interface Field {
  kind: FieldKind
  /** Accepts language-tagged variants such as `client_name#ja-Jpan-JP` (RFC 7591 §2.2). */
  localisable?: boolean
  /** The values an `enum` field accepts. */
  values?: readonly string[]
  /** The largest value an `integer` field accepts (its lower bound is a rule's). */
  maximum?: number
  /** The code a shape failure earns; invalid_client_metadata unless stated. */
  code?: MetadataErrorCode
}

/** The shape-failure codes that are not invalid_client_metadata (RFC 7591 §3.2.2). */
const CODES: Readonly<Record<string, MetadataErrorCode>> = {
  redirect_uris: 'invalid_redirect_uri',
}

const isUriSchema = (schema: TSchema | undefined) => schema?.format === 'uri'

/** The field of one declared member, read from its schema (wire/metadata.ts). */
function fieldFrom(name: string, schema: TSchema): Field {
  const field: Field = { kind: kindOf(schema) }
  if (schema['x-authlete-tagged'] !== undefined) field.localisable = true
  if (field.kind === 'enum') field.values = (schema.anyOf as TSchema[]).map((item) => item.const)
  if (schema.maximum !== undefined) field.maximum = schema.maximum
  if (Object.hasOwn(CODES, name)) field.code = CODES[name]
  return field
}

function kindOf(schema: TSchema): FieldKind {
  if (schema['x-shape'] !== undefined) return schema['x-shape']
  if (Array.isArray(schema.anyOf)) return 'enum'
  switch (schema.type) {
    case 'string':
      return isUriSchema(schema) ? 'uri' : 'string'
    case 'array':
      return isUriSchema(schema.items) ? 'uri-list' : 'string-list'
    case 'boolean':
      return 'boolean'
    case 'integer':
      return 'integer'
    case 'object':
      return 'jwk-set'
  }
  throw new Error(`no field kind for ${JSON.stringify(schema)}`)
}

/**
 * The recognised members and their shapes, derived once at load from the one declaration
 * of client metadata (wire/metadata.ts).
 * @see RFC 7591 §2, OIDC DCR §2, RFC 8705 §2.1.2, RFC 9126 §6, RFC 9101 §10.5, RFC 9449 §5.2,
 *   JARM §3, OIDC CIBA §4, OIDC RP-Initiated Logout §3.1, OIDC Front-Channel Logout §2,
 *   OIDC Back-Channel Logout §2.2, RFC 9396 §10
 */
export const FIELDS: Readonly<Record<string, Field>> = Object.fromEntries(
  CLIENT_METADATA_MEMBERS.map(([name, schema]) => [name, fieldFrom(name, schema)]),
)

/**
 * FIELDS as a Map, for fieldOf: one lookup where Object.hasOwn and an index on the
 * 56-member table took two, 10 ns against 31 a call, about 0.4 µs a registration (every
 * member is looked up by keepKnownMembers and again by the shape checks).
 */
const FIELDS_BY_NAME: ReadonlyMap<string, Field> = new Map(Object.entries(FIELDS))

/** A BCP 47 language tag, loosely (RFC 5646 §2.1): alphanumeric subtags joined by `-`. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/

/**
 * The field a member name stands for: itself, or the localisable field of a language-tagged
 * name (`client_name#ja-Jpan-JP`). Undefined for unknown names.
 * @see RFC 7591 §2.2
 */
export function fieldOf(name: string): Field | undefined {
  const field = FIELDS_BY_NAME.get(name)
  if (field !== undefined) return field
  const hash = name.indexOf('#')
  if (hash < 0) return undefined
  const base = FIELDS_BY_NAME.get(name.slice(0, hash))
  return base?.localisable && LANGUAGE_TAG.test(name.slice(hash + 1)) ? base : undefined
}

/** Splits `client_name#ja` into its base name and tag (tag undefined when untagged). */
export function splitLanguageTag(name: string): { base: string; tag: string | undefined } {
  const hash = name.indexOf('#')
  return hash < 0
    ? { base: name, tag: undefined }
    : { base: name.slice(0, hash), tag: name.slice(hash + 1) }
}

/** The names of the localisable fields (RFC 7591 §2.2). */
export const LOCALISABLE_FIELDS: readonly string[] = Object.keys(FIELDS).filter(
  (name) => FIELDS[name]?.localisable,
)
