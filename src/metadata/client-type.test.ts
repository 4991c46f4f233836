import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clientTypeOf, needsSecret } from './client-type.js'

const CASES: [Record<string, string>, boolean][] = [
  [{ token_endpoint_auth_method: 'client_secret_basic' }, true],
  [{ token_endpoint_auth_method: 'client_secret_post' }, true],
  [{ token_endpoint_auth_method: 'client_secret_jwt' }, true],
  [{}, true],
  [{ token_endpoint_auth_method: 'none' }, false],
  [{ token_endpoint_auth_method: 'private_key_jwt' }, false],
  [{ token_endpoint_auth_method: 'tls_client_auth' }, false],
  [{ token_endpoint_auth_method: 'private_key_jwt', id_token_signed_response_alg: 'HS256' }, true],
  [
    { token_endpoint_auth_method: 'private_key_jwt', userinfo_encrypted_response_alg: 'A128KW' },
    true,
  ],
  [{ token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'HS256' }, false],
]

test('needs a secret for secret auth methods and symmetric algorithms (RFC 7591 §2, OIDC Core §10.1)', () => {
  for (const [metadata, expected] of CASES)
    assert.equal(needsSecret(metadata), expected, JSON.stringify(metadata))
})

test('is PUBLIC only with the auth method none (RFC 6749 §2.1)', () => {
  assert.equal(clientTypeOf({ token_endpoint_auth_method: 'none' }), 'PUBLIC')
  assert.equal(clientTypeOf({ token_endpoint_auth_method: 'client_secret_post' }), 'CONFIDENTIAL')
})
