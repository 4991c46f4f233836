import assert from 'node:assert/strict'
import { test } from 'node:test'
import { policyOf } from './policy.js'
import { GRANT_TYPES, RESPONSE_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from './vocabulary.js'

test('allows every known value when the supported lists are absent (spec §3.7)', () => {
  const policy = policyOf({})
  assert.deepEqual(policy.grantTypes, GRANT_TYPES.values)
  assert.deepEqual(policy.responseTypes, RESPONSE_TYPES.values)
  assert.deepEqual(policy.tokenEndpointAuthMethods, TOKEN_ENDPOINT_AUTH_METHODS.values)
  assert.equal(policy.scopes, undefined)
  assert.deepEqual(policy.customMetadata, [])
  assert.deepEqual(policy.trustedIssuers, [])
  assert.equal(policy.allowPrivateNetworkUris, false)
})

test('allows no value when a supported list is empty (CONTRACT.md, Bad input)', () => {
  const policy = policyOf({
    supportedGrantTypes: [],
    supportedResponseTypes: [],
    supportedTokenAuthMethods: [],
    supportedScopes: [],
  })
  assert.deepEqual(policy.grantTypes, [])
  assert.deepEqual(policy.responseTypes, [])
  assert.deepEqual(policy.tokenEndpointAuthMethods, [])
  assert.deepEqual(policy.scopes, [])
})

test('translates Authlete enum names to protocol spellings (spec §4)', () => {
  const policy = policyOf({
    supportedGrantTypes: ['AUTHORIZATION_CODE', 'DEVICE_CODE', 'NOT_A_GRANT' as 'CIBA'],
    supportedResponseTypes: ['CODE', 'CODE_ID_TOKEN'],
    supportedTokenAuthMethods: ['NONE', 'PRIVATE_KEY_JWT'],
    supportedScopes: [{ name: 'openid' }, { name: 'profile' }],
    supportedCustomClientMetadata: ['x_tenant'],
    trustedSoftwareStatementIssuers: [{ issuer: 'https://iss.example', jwks: { keys: [] } }],
  })
  assert.deepEqual(policy.grantTypes, [
    'authorization_code',
    'urn:ietf:params:oauth:grant-type:device_code',
  ])
  assert.deepEqual(policy.responseTypes, ['code', 'code id_token'])
  assert.deepEqual(policy.tokenEndpointAuthMethods, ['none', 'private_key_jwt'])
  assert.deepEqual(policy.scopes, ['openid', 'profile'])
  assert.deepEqual(policy.customMetadata, ['x_tenant'])
  assert.equal(policy.trustedIssuers[0]?.issuer, 'https://iss.example')
})
