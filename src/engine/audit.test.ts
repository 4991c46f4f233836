import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ClientMetadata } from '../wire/index.js'
import { MASKED, maskSecrets, metadataDiff, principalActor } from './audit.js'

test('secrets are masked: members named as secrets, and private JWK members', () => {
  const metadata = {
    client_name: 'app',
    client_secret: 's3cret',
    registration_access_token: 'token',
    vendor_password: 'pw',
    jwks: {
      keys: [
        { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private' },
        { kty: 'oct', k: 'symmetric' },
      ],
    },
  } as unknown as ClientMetadata
  assert.deepEqual(maskSecrets(metadata), {
    client_name: 'app',
    client_secret: MASKED,
    registration_access_token: MASKED,
    vendor_password: MASKED,
    jwks: {
      keys: [
        { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: MASKED },
        { kty: 'oct', k: MASKED },
      ],
    },
  })
})

test('a public key set and the rest pass unmasked', () => {
  const metadata = {
    token_endpoint_auth_method: 'client_secret_basic',
    jwks: { keys: [{ kty: 'RSA', n: 'n', e: 'AQAB' }] },
  } as unknown as ClientMetadata
  assert.deepEqual(maskSecrets(metadata), metadata)
})

test('the diff lists the members that differ, by value, with what was and what is', () => {
  const before = { client_name: 'a', redirect_uris: ['https://a/cb'], logo_uri: 'https://a/l' }
  const after = { client_name: 'b', redirect_uris: ['https://a/cb'], tos_uri: 'https://a/t' }
  assert.deepEqual(metadataDiff(before as ClientMetadata, after as ClientMetadata), {
    client_name: { from: 'a', to: 'b' },
    logo_uri: { from: 'https://a/l' },
    tos_uri: { to: 'https://a/t' },
  })
  assert.deepEqual(metadataDiff(undefined, { client_name: 'a' } as ClientMetadata), {
    client_name: { to: 'a' },
  })
})

test('actors name the credential, never its secret', () => {
  assert.equal(principalActor(undefined), 'anonymous')
  assert.equal(principalActor({ kind: 'admin' }), 'admin')
  assert.equal(
    principalActor({ kind: 'service', serviceApiKey: 1, tokenId: 'abc' }),
    'service_token:abc',
  )
})
