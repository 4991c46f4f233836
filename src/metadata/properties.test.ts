/**
 * Property tests of the whole pipeline (STYLE.md §8): any JSON value either resolves or fails
 * with one of the four registration codes; resolved metadata resolves to itself and survives
 * the Authlete mapping unchanged.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isOAuthError, METADATA_ERROR_CODES, type ClientMetadata } from '../wire/index.js'
import { authleteToClientMetadata, clientMetadataToAuthlete } from './authlete-mapping.js'
import { FIELDS } from './fields.js'
import { policyOf } from './policy.js'
import { resolveClientMetadata } from './resolve.js'
import {
  GRANT_TYPES,
  JWE_ALGORITHMS,
  JWE_ENCODINGS,
  JWS_ALGORITHMS,
  RESPONSE_TYPES,
} from './vocabulary.js'
import { TOKEN_ENDPOINT_AUTH_METHODS } from './vocabulary.js'

const policies = [
  policyOf({}),
  policyOf({
    supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS'],
    supportedResponseTypes: ['CODE', 'NONE'],
    supportedTokenAuthMethods: ['NONE', 'PRIVATE_KEY_JWT', 'CLIENT_SECRET_POST'],
    supportedScopes: [{ name: 'openid' }, { name: 'profile' }],
    supportedCustomClientMetadata: ['x_custom', 'client_name'],
  }),
]

const interesting = fc.constantFrom(
  'https://rp.example.com/cb',
  'https://a.example/x?y=1',
  'http://127.0.0.1:8080/cb',
  'http://localhost/cb',
  'http://[::1]/',
  'http://rp.example.com/cb',
  'com.example.app:/cb',
  'cursor://anysphere.cursor-mcp/cb',
  'javascript:alert(1)',
  'https://rp.example.com/cb#x',
  '',
  'openid profile',
  'web',
  'native',
  'public',
  'pairwise',
  'poll',
  'ping',
  'push',
  'code id_token',
  'id_token code',
  ...GRANT_TYPES.values,
  ...RESPONSE_TYPES.values,
  ...TOKEN_ENDPOINT_AUTH_METHODS.values,
  ...JWS_ALGORITHMS.values,
  ...JWE_ALGORITHMS.values,
  ...JWE_ENCODINGS.values,
)

const value = fc.oneof(
  { weight: 6, arbitrary: interesting },
  { weight: 4, arbitrary: fc.array(interesting, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constant({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'a2V5' }] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)

const noise = fc.constantFrom(
  'client_name#ja-Jpan-JP',
  'logo_uri#en',
  'tos_uri#',
  'x_custom',
  'resource',
  'client_id',
)

const https = fc.constantFrom(
  'https://rp.example.com/cb',
  'https://a.example/x?y=1',
  'https://b.example/',
)
const redirect = fc.constantFrom(
  'https://rp.example.com/cb',
  'http://127.0.0.1:8080/cb',
  'http://localhost/cb',
  'http://[::1]/',
  'com.example.app:/cb',
  'cursor://anysphere.cursor-mcp/cb',
)
const some = (values: readonly string[]) => fc.subarray([...values], { maxLength: 4 })

/** A mostly well-formed value for a member, so that many inputs get through to the rules. */
function plausible(name: string): fc.Arbitrary<unknown> {
  const field = FIELDS[name]
  if (name === 'redirect_uris') return fc.array(redirect, { minLength: 1, maxLength: 3 })
  if (name === 'grant_types') return some([...GRANT_TYPES.values, 'urn:example:grant'])
  if (name === 'response_types') return some([...RESPONSE_TYPES.values, 'id_token code'])
  if (name === 'token_endpoint_auth_method')
    return fc.constantFrom(...TOKEN_ENDPOINT_AUTH_METHODS.values)
  if (name === 'scope') return fc.constantFrom('', 'openid', 'openid profile', ' a  b a ')
  if (/_enc$/.test(name)) return fc.constantFrom(...JWE_ENCODINGS.values)
  if (/encrypt(ed_response|ion)_alg$/.test(name)) return fc.constantFrom(...JWE_ALGORITHMS.values)
  if (/_alg$/.test(name)) return fc.constantFrom(...JWS_ALGORITHMS.values)
  switch (field?.kind) {
    case 'uri':
      return https
    case 'uri-list':
      return fc.array(https, { maxLength: 2 })
    case 'string-list':
      return fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.nat({ max: 100_000 })
    case 'enum':
      return fc.constantFrom(...(field.values ?? []))
    case 'jwk-set':
      return fc.constant({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'a2V5' }] })
    default:
      return fc.string({ maxLength: 8 })
  }
}

const metadataLike = fc
  .tuple(
    fc.subarray(Object.keys(FIELDS), { maxLength: 8 }),
    fc.dictionary(noise, value, { maxKeys: 2 }),
  )
  .chain(([names, extra]) =>
    fc
      .record(
        Object.fromEntries(
          names.map((name) => [name, fc.oneof({ weight: 9, arbitrary: plausible(name) }, value)]),
        ),
      )
      .map((members) => ({ ...extra, ...members })),
  )

async function settle(input: unknown, policy = policies[0]!): Promise<ClientMetadata | undefined> {
  try {
    return await resolveClientMetadata(input, policy, { now: 1_800_000_000 })
  } catch (err) {
    assert.ok(isOAuthError(err), `not an OAuthError: ${String(err)}`)
    assert.ok((METADATA_ERROR_CODES as readonly string[]).includes(err.code), err.code)
    assert.match(err.description, /^[\x20-\x7e]*$/)
    return undefined
  }
}

test('any JSON value resolves or fails with a registration error code (RFC 7591 §3.2.2)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue(), async (input) => {
      await settle(input)
    }),
    { numRuns: 300 },
  )
})

test('metadata-like objects resolve or fail with a registration error code, never null members', async () => {
  await fc.assert(
    fc.asyncProperty(metadataLike, fc.constantFrom(...policies), async (input, policy) => {
      const resolved = await settle(input, policy)
      if (resolved === undefined) return
      for (const member of Object.values(resolved))
        assert.ok(member !== null && member !== undefined)
    }),
    { numRuns: 1000 },
  )
})

test('resolving resolved metadata again changes nothing (idempotent)', async () => {
  let resolvedCount = 0
  await fc.assert(
    fc.asyncProperty(metadataLike, fc.constantFrom(...policies), async (input, policy) => {
      const resolved = await settle(input, policy)
      if (resolved === undefined) return
      resolvedCount += 1
      assert.deepEqual(
        await resolveClientMetadata(resolved, policy, { now: 1_800_000_000 }),
        resolved,
      )
    }),
    { numRuns: 1000 },
  )
  // About one input in five resolves; one in ten is enough for the property to mean something.
  assert.ok(resolvedCount > 100, `only ${resolvedCount} of 1000 inputs resolved`)
})

test('resolved metadata survives the Authlete mapping both ways unchanged (spec §4)', async () => {
  await fc.assert(
    fc.asyncProperty(metadataLike, fc.constantFrom(...policies), async (input, policy) => {
      const resolved = await settle(input, policy)
      if (resolved === undefined) return
      const client = clientMetadataToAuthlete(resolved)
      for (const member of Object.values(client)) assert.ok(member !== null && member !== undefined)
      assert.deepEqual(authleteToClientMetadata(client), resolved)
    }),
    { numRuns: 1000 },
  )
})
