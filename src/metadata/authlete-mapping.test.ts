import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ClientMetadata } from '../wire/index.js'
import { authleteToClientMetadata, clientMetadataToAuthlete } from './authlete-mapping.js'
import { policyOf } from './policy.js'
import { resolveClientMetadata } from './resolve.js'

test("maps Authlete's published DCR example both ways (spec §3.4)", async () => {
  const metadata = await resolveClientMetadata({ client_name: 'My Dynamic Client' }, policyOf({}), {
    now: 0,
  })
  const client = clientMetadataToAuthlete(metadata)
  assert.equal(client.clientType, 'CONFIDENTIAL')
  assert.equal(client.tokenAuthMethod, 'CLIENT_SECRET_BASIC')
  assert.equal(client.idTokenSignAlg, 'RS256')
  assert.equal(client.subjectType, 'PUBLIC')
  assert.equal(client.defaultMaxAge, 0)
  assert.equal(client.parRequired, false)
  assert.equal(client.bcUserCodeRequired, false)
  assert.equal(client.tlsClientCertificateBoundAccessTokens, false)
  assert.equal(client.requestObjectRequired, false)
  assert.deepEqual(authleteToClientMetadata(client), metadata)
})

test('translates enums to upper-case Authlete names and back (spec §4)', () => {
  const metadata: ClientMetadata = {
    grant_types: ['authorization_code', 'urn:openid:params:grant-type:ciba', 'urn:example:unknown'],
    response_types: ['id_token code', 'code id_token token'],
    token_endpoint_auth_method: 'self_signed_tls_client_auth',
    application_type: 'native',
    subject_type: 'pairwise',
    id_token_encrypted_response_alg: 'ECDH-ES+A128KW',
    id_token_encrypted_response_enc: 'A128CBC-HS256',
    userinfo_encrypted_response_alg: 'RSA-OAEP',
    request_object_encryption_alg: 'dir',
    backchannel_token_delivery_mode: 'ping',
    token_endpoint_auth_signing_alg: 'EdDSA',
    request_object_signing_alg: 'none',
  }
  const client = clientMetadataToAuthlete(metadata)
  assert.deepEqual(client.grantTypes, ['AUTHORIZATION_CODE', 'CIBA'])
  assert.deepEqual(client.responseTypes, ['CODE_ID_TOKEN', 'CODE_ID_TOKEN_TOKEN'])
  assert.equal(client.tokenAuthMethod, 'SELF_SIGNED_TLS_CLIENT_AUTH')
  assert.equal(client.applicationType, 'NATIVE')
  assert.equal(client.subjectType, 'PAIRWISE')
  assert.equal(client.idTokenEncryptionAlg, 'ECDH_ES_A128KW')
  assert.equal(client.idTokenEncryptionEnc, 'A128CBC_HS256')
  assert.equal(client.userInfoEncryptionAlg, 'RSA_OAEP')
  assert.equal(client.requestEncryptionAlg, 'DIR')
  assert.equal(client.bcDeliveryMode, 'PING')
  assert.equal(client.tokenAuthSignAlg, 'EdDSA')
  assert.equal(client.requestSignAlg, 'NONE')
  const back = authleteToClientMetadata(client)
  assert.deepEqual(back.grant_types, ['authorization_code', 'urn:openid:params:grant-type:ciba'])
  assert.deepEqual(back.response_types, ['code id_token', 'code id_token token'])
  assert.equal(back.userinfo_encrypted_response_alg, 'RSA-OAEP')
})

test('carries language-tagged members as TaggedValue arrays (RFC 7591 §2.2)', () => {
  const client = clientMetadataToAuthlete({
    client_name: 'Name',
    'client_name#ja-Jpan-JP': '名前',
    'logo_uri#en': 'https://rp.example.com/en.png',
  })
  assert.equal(client.clientName, 'Name')
  assert.deepEqual(client.clientNames, [{ tag: 'ja-Jpan-JP', value: '名前' }])
  assert.deepEqual(client.logoUris, [{ tag: 'en', value: 'https://rp.example.com/en.png' }])
  assert.equal(authleteToClientMetadata(client)['client_name#ja-Jpan-JP'], '名前')
})

test('stores jwks and custom metadata as JSON text, scope as requestable scopes (spec §3.4, §4)', () => {
  const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'a2V5' }] }
  const metadata: ClientMetadata = {
    jwks,
    scope: 'openid mcp:read',
    x_custom: { nested: [1, null] },
    frontchannel_logout_uri: 'https://rp.example.com/logout',
    software_statement: 'a.b.c',
  }
  const client = clientMetadataToAuthlete(metadata)
  assert.equal(client.jwks, JSON.stringify(jwks))
  assert.deepEqual(client.extension, {
    requestableScopes: ['openid', 'mcp:read'],
    requestableScopesEnabled: true,
  })
  assert.deepEqual(JSON.parse(client.customMetadata ?? '{}'), {
    x_custom: { nested: [1, null] },
    frontchannel_logout_uri: 'https://rp.example.com/logout',
    software_statement: 'a.b.c',
  })
  assert.deepEqual(authleteToClientMetadata(client), metadata)
})

test('derives clientType: PUBLIC for the auth method none, else CONFIDENTIAL (spec §4)', () => {
  assert.equal(
    clientMetadataToAuthlete({ token_endpoint_auth_method: 'none' }).clientType,
    'PUBLIC',
  )
  assert.equal(
    clientMetadataToAuthlete({ token_endpoint_auth_method: 'private_key_jwt' }).clientType,
    'CONFIDENTIAL',
  )
})

test('reads Authlete clients leniently: unknown enum names, null, disabled scopes and bad JSON are left out', () => {
  const metadata = authleteToClientMetadata({
    grantTypes: ['AUTHORIZATION_CODE', 'SPIFFE' as 'CIBA'],
    tokenAuthMethod: 'SPIFFE_JWT' as 'NONE',
    clientName: null as unknown as string,
    jwks: 'not json',
    customMetadata: '[1]',
    extension: { requestableScopes: ['openid'], requestableScopesEnabled: false },
    authTimeRequired: false,
    dpopRequired: true,
    defaultMaxAge: 0,
  })
  assert.deepEqual(metadata, {
    grant_types: ['authorization_code'],
    dpop_bound_access_tokens: true,
  })
})
