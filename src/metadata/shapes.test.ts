import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isOAuthError } from '../wire/index.js'
import { policyOf } from './policy.js'
import { resolveClientMetadata } from './resolve.js'
import { keepKnownMembers } from './shapes.js'

const web = { redirect_uris: ['https://rp.example.com/cb'] }
const EC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
}
const resolve = (input: unknown, custom: string[] = []) =>
  resolveClientMetadata(input, policyOf({ supportedCustomClientMetadata: custom }), { now: 0 })

test('drops unknown members and nulls, keeps language-tagged and custom ones (RFC 7591 §2, §2.2)', () => {
  const kept = keepKnownMembers(
    {
      client_name: 'A',
      'client_name#ja-Jpan-JP': 'B',
      'client_name#': 'C',
      'software_id#en': 'D',
      resource: 'https://mcp.example.com',
      use_mtls_endpoint_aliases: false,
      x_tenant: { id: 1 },
      client_uri: null,
      registration_access_token: 'x',
    },
    ['x_tenant', 'registration_access_token'],
  )
  assert.deepEqual(kept, { client_name: 'A', 'client_name#ja-Jpan-JP': 'B', x_tenant: { id: 1 } })
})

const SHAPE_FAILURES: [Record<string, unknown>, string][] = [
  [{ redirect_uris: 'https://rp.example.com/cb' }, 'invalid_redirect_uri'],
  [{ redirect_uris: ['/relative'] }, 'invalid_redirect_uri'],
  [{ redirect_uris: ['https://rp.example.com/a b'] }, 'invalid_redirect_uri'],
  [{ ...web, client_name: 42 }, 'invalid_client_metadata'],
  [{ ...web, 'client_name#fr': ['x'] }, 'invalid_client_metadata'],
  [{ ...web, client_uri: 'not a uri' }, 'invalid_client_metadata'],
  [{ ...web, contacts: 'a@example.com' }, 'invalid_client_metadata'],
  [{ ...web, require_auth_time: 'true' }, 'invalid_client_metadata'],
  [{ ...web, default_max_age: 1.5 }, 'invalid_client_metadata'],
  [{ ...web, application_type: 7 }, 'invalid_client_metadata'],
  [{ ...web, subject_type: 'PUBLIC' }, 'invalid_client_metadata'],
  [{ ...web, jwks: [] }, 'invalid_client_metadata'],
  [{ ...web, jwks: { keys: [{ kty: 'RSA' }] } }, 'invalid_client_metadata'],
  [
    { ...web, jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'a2V5', d: 'c2VjcmV0' }] } },
    'invalid_client_metadata',
  ],
  [{ ...web, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, 'invalid_client_metadata'],
  [{ ...web, jwks: { keys: [{ ...EC_KEY, kid: 7 }] } }, 'invalid_client_metadata'],
  [{ ...web, jwks: { keys: [{ ...EC_KEY, key_ops: 'verify' }] } }, 'invalid_client_metadata'],
  [{ ...web, default_max_age: 2 ** 31 }, 'invalid_client_metadata'],
  [{ ...web, software_id: 'a\u0000' }, 'invalid_client_metadata'],
  [{ ...web, contacts: ['\ud800'] }, 'invalid_client_metadata'],
  [{ redirect_uris: ['https://rp.example.com/\udc00'] }, 'invalid_redirect_uri'],
  [{ ...web, default_max_age: -0 }, 'invalid_client_metadata'],
]

test('refuses values of the wrong shape with the code of their field (RFC 7591 §2, §3.2.2)', async () => {
  for (const [body, code] of SHAPE_FAILURES) {
    await assert.rejects(
      resolve(body),
      (err: unknown) => isOAuthError(err) && err.code === code,
      JSON.stringify(body),
    )
  }
})

test('refuses a body that is not a JSON object with invalid_client_metadata (RFC 7591 §3.2.2)', async () => {
  for (const body of [null, [], 'x', 1, true]) {
    await assert.rejects(
      resolve(body),
      (err: unknown) => isOAuthError(err) && err.code === 'invalid_client_metadata',
    )
  }
})

test('keeps custom metadata the service lists, with any JSON value (spec §3.7)', async () => {
  const metadata = await resolve({ ...web, x_tenant: { id: [1, 2] }, x_other: 1 }, ['x_tenant'])
  assert.deepEqual(metadata.x_tenant, { id: [1, 2] })
  assert.ok(!('x_other' in metadata))
})

test('a JWK Set keeps only `keys`, and each key only the members RFC 7517 §4, RFC 7518 §6 and RFC 8037 §2 define', async () => {
  const key = { ...EC_KEY, kid: 'k', use: 'sig', alg: 'ES256', key_ops: ['verify'], x5c: ['MII='] }
  const metadata = await resolve({
    ...web,
    jwks: { keys: [{ ...key, ext: true, extra: { deep: [[1]] } }], other: 'x' },
  })
  assert.deepEqual(metadata.jwks, { keys: [key] })
})

test('keeps default_max_age as sent up to 2^31 - 1, and 0 as absence (OIDC DCR §2)', async () => {
  for (const age of [1, 2 ** 31 - 1]) {
    assert.equal((await resolve({ ...web, default_max_age: age })).default_max_age, age)
  }
  assert.equal((await resolve({ ...web, default_max_age: 0 })).default_max_age, undefined)
})
