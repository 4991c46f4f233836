/**
 * Shapes: keep the members the field table and the service's custom metadata name, and check
 * each kept value against its field's kind. `null` counts as absent.
 * @see RFC 7591 §2 (unknown members are ignored), §2.2 (language tags)
 */
import { calculateJwkThumbprint, type JWK } from 'jose'
import { isJsonObject, SERVER_MANAGED_MEMBERS } from '../wire/index.js'
import { fieldOf, type Field } from './fields.js'
import { uriParts } from './redirect-uris.js'
import type { MetadataErrorCode, Problem } from './rules/index.js'

/** A member (or an item of a list member) whose value does not have its field's shape. */
export interface ShapeProblem extends Problem {
  /** invalid_redirect_uri for redirect_uris, else invalid_client_metadata (fields.ts). */
  code: MetadataErrorCode
}

/** Members that are never metadata, even when a service names them as custom metadata. */
const NEVER_CUSTOM: readonly string[] = [
  ...SERVER_MANAGED_MEMBERS,
  'client_id',
  'client_secret',
  '__proto__',
]

/**
 * The known members, language-tagged variants of localisable ones, and the custom metadata
 * the service lists; every other member, and every null, is dropped.
 * @see RFC 7591 §2
 */
export function keepKnownMembers(
  input: Record<string, unknown>,
  customMetadata: readonly string[],
): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const name of Object.keys(input)) {
    const value = input[name]
    if (value === null || value === undefined) continue
    const custom = customMetadata.includes(name) && !NEVER_CUSTOM.includes(name)
    if (fieldOf(name) !== undefined || custom) kept[name] = value
  }
  return kept
}

const isString = (value: unknown): value is string => typeof value === 'string'
const isUri = (value: unknown): boolean => isString(value) && uriParts(value) !== undefined
const isList = (value: unknown, item: (v: unknown) => boolean): boolean =>
  Array.isArray(value) && value.every(item)
const isStringList = (value: unknown) => isList(value, isString)

/** What each item of a list kind must be, to name the items at fault. */
const ITEM_CHECKS: Partial<Record<Field['kind'], (v: unknown) => boolean>> = {
  'uri-list': isUri,
  'string-list': isString,
}

const SHAPE_CHECKS: Record<
  Exclude<Field['kind'], 'jwk-set' | 'enum'>,
  [(v: unknown) => boolean, string]
> = {
  string: [isString, 'must be a string'],
  uri: [isUri, 'must be an absolute URI'],
  'uri-list': [(v) => isList(v, isUri), 'must be an array of absolute URIs'],
  'string-list': [(v) => isList(v, isString), 'must be an array of strings'],
  boolean: [(v) => typeof v === 'boolean', 'must be a boolean'],
  integer: [(v) => Number.isSafeInteger(v), 'must be an integer'],
}

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_KEY_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/**
 * The public JWK members the JWK RFCs define, with whether each is a list of strings (the
 * rest are strings): RFC 7517 §4 for every key, RFC 7518 §6.2.1 (EC) and §6.3.1 (RSA),
 * RFC 8037 §2 (OKP). Other members are dropped from a registered JWK Set.
 */
const PUBLIC_KEY_MEMBERS: Readonly<Record<string, boolean>> = {
  kty: false,
  use: false,
  key_ops: true,
  alg: false,
  kid: false,
  x5u: false,
  x5c: true,
  x5t: false,
  'x5t#S256': false,
  crv: false,
  x: false,
  y: false,
  n: false,
  e: false,
}

/** Why a JWK's members are not those of a public key with their types, or undefined. */
function jwkMembersProblem(key: Record<string, unknown>): string | undefined {
  const secret = PRIVATE_KEY_MEMBERS.find((member) => Object.hasOwn(key, member))
  if (secret !== undefined) return `must be a public key (it has "${secret}")`
  for (const [member, isList] of Object.entries(PUBLIC_KEY_MEMBERS)) {
    const value = key[member]
    if (!Object.hasOwn(key, member) || value === undefined) continue
    if (isList ? !isStringList(value) : !isString(value)) {
      return `member "${member}" must be ${isList ? 'an array of strings' : 'a string'}`
    }
  }
  return undefined
}

/** Why a value is not a JWK Set of public keys, or undefined. @see RFC 7517 §5, RFC 7591 §2 */
async function jwkSetProblem(value: unknown): Promise<string | undefined> {
  if (!isJsonObject(value)) return 'must be a JWK Set object'
  const keys = value.keys
  if (!Array.isArray(keys)) return 'must have a "keys" array'
  for (const [index, key] of keys.entries()) {
    if (!isJsonObject(key)) return `keys[${index}] must be a JWK object`
    const problem = jwkMembersProblem(key)
    if (problem !== undefined) return `keys[${index}] ${problem}`
    try {
      await calculateJwkThumbprint(key as JWK) // checks kty and the members each kty requires
    } catch {
      return `keys[${index}] is not a valid JWK`
    }
  }
  return undefined
}

/**
 * A checked JWK Set with only `keys`, and each key with only the members the JWK RFCs
 * define (PUBLIC_KEY_MEMBERS): nothing else is stored or echoed.
 */
function definedJwkMembers(value: Record<string, unknown>): { keys: Record<string, unknown>[] } {
  const keys = value.keys as Record<string, unknown>[]
  return {
    keys: keys.map((key) =>
      Object.fromEntries(
        Object.entries(key).filter(([member]) => Object.hasOwn(PUBLIC_KEY_MEMBERS, member)),
      ),
    ),
  }
}

/** A field whose shape is checked without awaiting: every kind but jwk-set. */
type SyncField = Field & { kind: Exclude<Field['kind'], 'jwk-set'> }

/** Why a value does not have its field's shape, or undefined. */
function syncShapeProblem(field: SyncField, value: unknown): string | undefined {
  if (field.kind === 'enum') {
    return isString(value) && field.values?.includes(value)
      ? undefined
      : `must be one of ${(field.values ?? []).join(', ')}`
  }
  if (
    field.kind === 'integer' &&
    field.maximum !== undefined &&
    (value as number) > field.maximum
  ) {
    return `must be an integer no larger than ${field.maximum}`
  }
  const [accepts, problem] = SHAPE_CHECKS[field.kind]
  return accepts(value) ? undefined : problem
}

/**
 * Checks every known member against its field's kind, and keeps only the defined members of
 * a JWK Set. Returns every mismatch, in member order, each with its field's code
 * (invalid_redirect_uri for redirect_uris, else invalid_client_metadata), and removes the
 * members at fault, so the rules see only well-shaped members.
 * @see RFC 7591 §2, §3.2.2
 */
export async function checkShapes(
  metadata: Record<string, unknown>,
): Promise<ShapeProblem[] | undefined> {
  let problems: ShapeProblem[] | undefined
  for (const name of Object.keys(metadata)) {
    const field = fieldOf(name)
    if (field === undefined) continue // custom metadata: any JSON value
    // Only a JWK Set needs awaiting (jose's thumbprint); the other shapes are checked in line.
    const problem =
      field.kind === 'jwk-set'
        ? await jwkSetProblem(metadata[name])
        : syncShapeProblem(field as SyncField, metadata[name])
    if (problem !== undefined) problems = addShapeProblems(problems, metadata, name, field, problem)
    else if (field.kind === 'jwk-set') {
      metadata[name] = definedJwkMembers(metadata[name] as Record<string, unknown>)
    }
  }
  return problems
}

/**
 * checkShapes without awaiting, for metadata with no JWK Set member (jwks), the usual case:
 * the same checks in the same order, the same problems.
 * @see RFC 7591 §2, §3.2.2
 */
export function checkShapesWithoutJwks(
  metadata: Record<string, unknown>,
): ShapeProblem[] | undefined {
  let problems: ShapeProblem[] | undefined
  for (const name of Object.keys(metadata)) {
    const field = fieldOf(name)
    if (field === undefined) continue // custom metadata: any JSON value
    if (field.kind === 'jwk-set') throw new TypeError(`${name} needs checkShapes`)
    const problem = syncShapeProblem(field as SyncField, metadata[name])
    if (problem !== undefined) problems = addShapeProblems(problems, metadata, name, field, problem)
  }
  return problems
}

/**
 * Adds the problems of a member whose shape is wrong, and removes it: one per item at fault
 * of a list, else one for the member.
 */
function addShapeProblems(
  problems: ShapeProblem[] | undefined,
  metadata: Record<string, unknown>,
  name: string,
  field: Field,
  problem: string,
): ShapeProblem[] {
  const list = problems ?? []
  const value = metadata[name]
  delete metadata[name]
  const code = field.code ?? 'invalid_client_metadata'
  const description = `${name} ${problem}`
  const item = ITEM_CHECKS[field.kind]
  const before = list.length
  if (item !== undefined && Array.isArray(value)) {
    value.forEach((candidate: unknown, index) => {
      if (!item(candidate)) list.push({ member: name, index, code, description })
    })
  }
  if (list.length === before) list.push({ member: name, code, description })
  return list
}
