import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TSchema } from '@sinclair/typebox'
import {
  AUTHLETE_ENUMS,
  CLIENT_METADATA_MEMBERS,
  ClientSchema,
  NOT_MAPPED,
  type MemberAnnotations,
} from '../wire/index.js'
import { AUTHLETE_MAPPINGS } from './authlete-mapping.js'
import { FIELDS } from './fields.js'
import { APPLICATION_TYPES, DELIVERY_MODES, SUBJECT_TYPES } from './vocabulary.js'

const client: Record<string, TSchema> = ClientSchema.properties
const members = CLIENT_METADATA_MEMBERS.map(
  ([name, schema]) => [name, schema as TSchema & MemberAnnotations] as const,
)
const literals = (schema: TSchema): unknown[] => schema.anyOf.map((item: TSchema) => item.const)

/** Client members no metadata member maps to: Authlete's own settings (spec §4). */
const AUTHLETE_ONLY = [
  'clientIdAlias',
  'clientIdAliasEnabled',
  'clientType',
  'description',
  'descriptions',
  'selfSignedCertificateKeyId',
  'developer',
  'responseModes',
  'locked',
  'pkceRequired',
  'pkceS256Required',
  'attributes',
  'extension',
]

/**
 * Members whose Client member accepts any string where the SDK's enum is closed: a value
 * outside the vocabulary is dropped by the mapping on the way in. Closing the schema would
 * refuse client bodies that are accepted today.
 */
const LOOSER_THAN_VOCABULARY = ['backchannel_token_delivery_mode']

test('the field table has one field for every declared member, in declaration order', () => {
  assert.deepEqual(
    Object.keys(FIELDS),
    members.map(([name]) => name),
  )
})

test('every declared member maps to a Client member or is marked as carried in customMetadata', () => {
  const mapped = new Map(AUTHLETE_MAPPINGS)
  for (const [name, schema] of members) {
    const authlete = schema['x-authlete']
    if (authlete === NOT_MAPPED) assert.ok(!mapped.has(name), name)
    else if (name === 'scope') assert.equal(authlete, 'extension.requestableScopes')
    else {
      assert.equal(mapped.get(name), authlete, name)
      assert.ok(Object.hasOwn(client, authlete), `${name}: ClientSchema has no ${authlete}`)
    }
  }
})

test('every ClientSchema member is mapped from metadata or listed as Authlete-only', () => {
  const targets = new Set(
    members.flatMap(([, schema]) => [schema['x-authlete'], schema['x-authlete-tagged']]),
  )
  for (const name of Object.keys(client)) {
    assert.ok(targets.has(name) !== AUTHLETE_ONLY.includes(name), name)
  }
})

test('a mapped member and its Client member have agreeing types', () => {
  for (const [name, schema] of members) {
    const target = client[schema['x-authlete']]
    if (target === undefined || schema['x-authlete'] === NOT_MAPPED) continue
    const vocabulary = schema['x-authlete-enum']
    const item = schema.type === 'array' ? target.items : target
    if (vocabulary !== undefined) {
      if (LOOSER_THAN_VOCABULARY.includes(name)) {
        assert.equal(item.type, 'string', name)
        continue
      }
      assert.deepEqual(literals(item), [...AUTHLETE_ENUMS[vocabulary]], name)
    } else if (schema.type === 'object') {
      assert.equal(target.type, 'string', `${name} travels as JSON text`)
    } else {
      assert.equal(target.type, schema.type, name)
      if (schema.type === 'array') assert.equal(target.items.type, 'string', name)
    }
  }
})

test('localisable members name a TaggedValue array of the Client (RFC 7591 §2.2)', () => {
  for (const [name, schema] of members) {
    const tagged = schema['x-authlete-tagged']
    if (tagged === undefined) continue
    assert.equal(FIELDS[name]?.localisable, true, name)
    assert.deepEqual(Object.keys(client[tagged]?.items.properties ?? {}), ['tag', 'value'], name)
  }
})

test("declared enum values are the vocabulary's protocol values", () => {
  const schemas = Object.fromEntries(members)
  assert.deepEqual(literals(schemas.application_type!), APPLICATION_TYPES.values)
  assert.deepEqual(literals(schemas.subject_type!), SUBJECT_TYPES.values)
  assert.deepEqual(literals(schemas.backchannel_token_delivery_mode!), DELIVERY_MODES.values)
})
