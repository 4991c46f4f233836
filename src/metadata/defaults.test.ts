import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ClientMetadata } from '../wire/index.js'
import { applyDefaults } from './defaults.js'
import { policyOf } from './policy.js'

const policy = policyOf({})

test('fills the RFC 7591 §2 and OIDC DCR §2 defaults of an empty request', () => {
  assert.deepEqual(applyDefaults({}, policy), {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    application_type: 'web',
    id_token_signed_response_alg: 'RS256',
    subject_type: 'public',
  })
})

/** Inputs as sent, so also values outside the wire type. */
const APPLICATION_TYPES: [Record<string, unknown>, 'web' | 'native'][] = [
  [{ redirect_uris: ['http://127.0.0.1:1234/cb'] }, 'native'],
  [{ redirect_uris: ['cursor://anysphere.cursor-mcp/cb', 'http://localhost/cb'] }, 'native'],
  [
    { redirect_uris: ['cursor://a/cb', 'https://www.cursor.com/cb', 'http://localhost:8787/cb'] },
    'web',
  ],
  [{ redirect_uris: ['https://rp.example.com/cb'] }, 'web'],
  [{ redirect_uris: ['https://vscode.dev/redirect'], application_type: 'native' }, 'native'],
  [{ redirect_uris: ['http://127.0.0.1/cb'], application_type: 'web' }, 'native'],
  [{ redirect_uris: ['https://app.example.com/cb'], application_type: 'web' }, 'web'],
  [{ redirect_uris: ['https://app.example.com/cb'], application_type: 'desktop' }, 'web'],
  [{ redirect_uris: ['http://127.0.0.1/cb'], application_type: 'desktop' }, 'native'],
  [{}, 'web'],
]

test('classifies application_type by the corpus rule: loopback or private-use only means native (RFC 8252 §7)', () => {
  for (const [metadata, expected] of APPLICATION_TYPES) {
    assert.equal(
      applyDefaults(metadata as ClientMetadata, policy).application_type,
      expected,
      JSON.stringify(metadata),
    )
  }
})

test('defaults the content encryption of a registered encryption alg to A128CBC-HS256 (OIDC DCR §2)', () => {
  const effective = applyDefaults({ id_token_encrypted_response_alg: 'RSA-OAEP' }, policy)
  assert.equal(effective.id_token_encrypted_response_enc, 'A128CBC-HS256')
  assert.equal(effective.userinfo_encrypted_response_enc, undefined)
})

test('defaults the auth method to the first supported one when client_secret_basic is not supported', () => {
  const only = policyOf({ supportedTokenAuthMethods: ['PRIVATE_KEY_JWT', 'NONE'] })
  assert.equal(applyDefaults({}, only).token_endpoint_auth_method, 'private_key_jwt')
})
