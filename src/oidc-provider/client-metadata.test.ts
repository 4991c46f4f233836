import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AuthleteClient } from '../wire/index.js'
import { oidcClientMetadataOf } from './client-metadata.js'

const CONFIDENTIAL: AuthleteClient = {
  clientId: 1234567890,
  clientSecret: 'secret-of-the-client',
  clientSecretExpiresAt: 1_800_000_000,
  clientName: 'Registered app',
  clientType: 'CONFIDENTIAL',
  applicationType: 'WEB',
  redirectUris: ['https://app.example.com/cb'],
  grantTypes: ['AUTHORIZATION_CODE', 'CLIENT_CREDENTIALS', 'REFRESH_TOKEN'],
  responseTypes: ['CODE'],
  tokenAuthMethod: 'CLIENT_SECRET_BASIC',
  idTokenSignAlg: 'RS256',
  subjectType: 'PUBLIC',
  jwksUri: 'https://app.example.com/jwks',
  extension: { requestableScopes: ['openid', 'profile'], requestableScopesEnabled: true },
  customMetadata: JSON.stringify({ post_logout_redirect_uris: ['https://app.example.com/bye'] }),
  createdAt: 1_700_000_000_999,
  modifiedAt: 1_700_000_100_000,
  number: 7,
  serviceNumber: 3,
  developer: 'dev',
  dynamicallyRegistered: true,
}

test("maps Authlete's Client to RFC 7591 names node-oidc-provider reads (RFC 7591 §2, §3.2.1)", () => {
  assert.deepEqual(oidcClientMetadataOf(CONFIDENTIAL), {
    client_id: '1234567890',
    client_secret: 'secret-of-the-client',
    client_secret_expires_at: 1_800_000_000,
    client_id_issued_at: 1_700_000_000,
    client_name: 'Registered app',
    application_type: 'web',
    redirect_uris: ['https://app.example.com/cb'],
    grant_types: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    subject_type: 'public',
    jwks_uri: 'https://app.example.com/jwks',
    scope: 'openid profile',
    post_logout_redirect_uris: ['https://app.example.com/bye'],
  })
})

test('gives a public client no client_secret (RFC 7591 §3.2.1)', () => {
  const { clientSecret: _secret, ...rest } = CONFIDENTIAL
  const metadata = oidcClientMetadataOf({ ...rest, tokenAuthMethod: 'NONE', clientType: 'PUBLIC' })
  assert.equal(metadata.token_endpoint_auth_method, 'none')
  assert.equal('client_secret' in metadata, false)
})

test('parses a JWK Set held as JSON text (RFC 7591 §2 jwks)', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' }] }
  const metadata = oidcClientMetadataOf({
    ...CONFIDENTIAL,
    jwksUri: undefined,
    jwks: JSON.stringify(jwks),
  })
  assert.deepEqual(metadata.jwks, jwks)
})

test("names a Client ID Metadata Document's client (number 0) by its URL, not its clientId", () => {
  const url = 'https://agent.example.com/client.json'
  const metadata = oidcClientMetadataOf({
    ...CONFIDENTIAL,
    number: 0,
    clientId: 3,
    clientIdAlias: url,
  })
  assert.equal(metadata.client_id, url)
  // A registered client with an https alias keeps its numeric client_id.
  const registered = oidcClientMetadataOf({ ...CONFIDENTIAL, number: 7, clientIdAlias: url })
  assert.equal(registered.client_id, String(CONFIDENTIAL.clientId))
})
