import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  clientIdUrlProblem,
  createClientIdMetadataDocument,
  MAX_CLIENT_ID_METADATA_DOCUMENT_BYTES,
} from './client-id-metadata-document.js'
import { DcrError } from './errors.js'
import type { ClientMetadata } from './types.js'

const URL_ = 'https://app.example.com/oauth/client-metadata.json'

/** A public MCP client, the shape of the MCP spec's example document. */
const PUBLIC_CLIENT: ClientMetadata = {
  client_name: 'Example MCP Client',
  client_uri: 'https://app.example.com',
  logo_uri: 'https://app.example.com/logo.png',
  redirect_uris: ['http://127.0.0.1:3000/callback', 'http://localhost:3000/callback'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
}

const PUBLIC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'agent-1',
}

function refusal(url: string, metadata: ClientMetadata): string {
  try {
    createClientIdMetadataDocument(url, metadata)
  } catch (error) {
    assert.ok(error instanceof DcrError, String(error))
    assert.equal(error.error, 'invalid_client_id_metadata_document')
    assert.equal(error.status, undefined)
    return error.message
  }
  assert.fail(`${url} was accepted`)
}

describe('Client Identifier URLs (draft-ietf-oauth-client-id-metadata-document-02 §3)', () => {
  const accepted = [
    URL_,
    'https://example.com/client',
    'https://example.com:443/client',
    'https://example.com:8443/agents/one.json',
    'https://example.com/client?tenant=a',
    'https://127.0.0.1:4443/client.json',
  ]
  for (const url of accepted) {
    test(`accepts ${url}`, () => assert.equal(clientIdUrlProblem(url), undefined))
  }

  const refused: Array<[string, RegExp]> = [
    ['http://example.com/client', /https scheme/],
    ['HTTPS://example.com/client', /lower case/],
    ['ftp://example.com/client', /https scheme/],
    ['example.com/client', /https scheme/],
    ['https://example.com', /path component/],
    ['https://example.com?x=1', /path component/],
    ['https://example.com/', /other than \//],
    ['https://example.com/?x=1', /other than \//],
    ['https://user:pass@example.com/client', /userinfo/],
    ['https://user@example.com/client', /userinfo/],
    ['https://example.com/client#me', /fragment/],
    ['https://example.com/client#', /fragment/],
    ['https://example.com/./client', /dot/],
    ['https://example.com/a/../client', /dot/],
    ['https://example.com/a/%2E%2e/client', /dot/],
    ['https://example.com/a/..', /dot/],
    ['https://example.com/my client', /RFC 3986/],
    ['https://example.com/caf\u00e9', /RFC 3986/],
    ['https://example.com/100%', /RFC 3986/],
    ['https:///client', /no host/],
    ['https://:8443/client', /https scheme|no host/],
  ]
  for (const [url, reason] of refused) {
    test(`refuses ${url}`, () => {
      assert.match(clientIdUrlProblem(url) ?? '', reason)
      assert.match(refusal(url, PUBLIC_CLIENT), reason)
    })
  }
})

describe('createClientIdMetadataDocument (draft §4, §4.1)', () => {
  test('answers the metadata with client_id equal to the URL, first', () => {
    const document = createClientIdMetadataDocument(URL_, PUBLIC_CLIENT)
    assert.deepEqual(document, { client_id: URL_, ...PUBLIC_CLIENT })
    assert.equal(Object.keys(document)[0], 'client_id')
  })

  test('writes token_endpoint_auth_method none when absent (RFC 7591 §2 would default to a secret)', () => {
    const { token_endpoint_auth_method: _omitted, ...rest } = PUBLIC_CLIENT
    assert.equal(createClientIdMetadataDocument(URL_, rest).token_endpoint_auth_method, 'none')
  })

  test('accepts private_key_jwt with jwks_uri, as the draft §8.2 example', () => {
    const metadata = {
      ...PUBLIC_CLIENT,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://client.example.com/jwks.json',
    }
    assert.equal(createClientIdMetadataDocument(URL_, metadata).jwks_uri, metadata.jwks_uri)
  })

  test('accepts private_key_jwt with a public jwks, and a client_id equal to the URL', () => {
    const metadata = {
      ...PUBLIC_CLIENT,
      client_id: URL_,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [PUBLIC_KEY] },
    }
    assert.deepEqual(createClientIdMetadataDocument(URL_, metadata).jwks, { keys: [PUBLIC_KEY] })
  })

  test('accepts a client_credentials agent without redirect_uris (draft §4.2)', () => {
    const metadata = {
      client_name: 'batch agent',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://client.example.com/jwks.json',
    }
    assert.equal(createClientIdMetadataDocument(URL_, metadata).redirect_uris, undefined)
  })

  test('does not change the metadata it was given', () => {
    const metadata = structuredClone(PUBLIC_CLIENT)
    delete metadata.token_endpoint_auth_method
    createClientIdMetadataDocument(URL_, metadata)
    assert.equal(metadata.token_endpoint_auth_method, undefined)
  })

  const refused: Array<[string, ClientMetadata, RegExp]> = [
    [
      'another client_id',
      { ...PUBLIC_CLIENT, client_id: 'https://other.example/c' },
      /not the document's URL/,
    ],
    [
      'client_secret_basic',
      { ...PUBLIC_CLIENT, token_endpoint_auth_method: 'client_secret_basic' },
      /shared secret.*§4\.1/,
    ],
    [
      'client_secret_post',
      { ...PUBLIC_CLIENT, token_endpoint_auth_method: 'client_secret_post' },
      /shared secret.*§4\.1/,
    ],
    [
      'client_secret_jwt',
      {
        ...PUBLIC_CLIENT,
        token_endpoint_auth_method: 'client_secret_jwt',
        jwks_uri: 'https://c.example/j',
      },
      /shared secret.*§4\.1/,
    ],
    [
      'an unknown auth method',
      { ...PUBLIC_CLIENT, token_endpoint_auth_method: 'tls_client_auth' },
      /none or private_key_jwt/,
    ],
    [
      'client_secret',
      { ...PUBLIC_CLIENT, client_secret: 's3cret' },
      /client_secret must not be used/,
    ],
    [
      'client_secret_expires_at',
      { ...PUBLIC_CLIENT, client_secret_expires_at: 0 },
      /client_secret_expires_at must not be used/,
    ],
    [
      'a registration access token',
      { ...PUBLIC_CLIENT, registration_access_token: 't' },
      /issued by a registration/,
    ],
    [
      'private_key_jwt without keys',
      { ...PUBLIC_CLIENT, token_endpoint_auth_method: 'private_key_jwt' },
      /jwks or jwks_uri/,
    ],
    [
      'jwks and jwks_uri both',
      { ...PUBLIC_CLIENT, jwks: { keys: [PUBLIC_KEY] }, jwks_uri: 'https://c.example/j' },
      /both/,
    ],
    [
      'an http jwks_uri',
      {
        ...PUBLIC_CLIENT,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'http://c.example/j',
      },
      /jwks_uri.*https/,
    ],
    [
      'a private EC key',
      { ...PUBLIC_CLIENT, jwks: { keys: [{ ...PUBLIC_KEY, d: 'secret' }] } },
      /private or symmetric.*\(d\)/,
    ],
    [
      'a private RSA key',
      { ...PUBLIC_CLIENT, jwks: { keys: [{ kty: 'RSA', n: 'n', e: 'AQAB', p: 'p', q: 'q' }] } },
      /private or symmetric/,
    ],
    [
      'a symmetric key',
      { ...PUBLIC_CLIENT, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      /private or symmetric/,
    ],
    [
      'jwks that is no JWK Set',
      { ...PUBLIC_CLIENT, jwks: { key: PUBLIC_KEY } as never },
      /JWK Set/,
    ],
    ['no client_name', { ...PUBLIC_CLIENT, client_name: undefined }, /client_name is required/],
    [
      'no redirect_uris for authorization_code',
      { ...PUBLIC_CLIENT, redirect_uris: undefined },
      /redirect_uris is required/,
    ],
    [
      'no redirect_uris and no grant_types (authorization_code by default)',
      { client_name: 'a' },
      /redirect_uris is required/,
    ],
    [
      'a redirect URI with a fragment',
      { ...PUBLIC_CLIENT, redirect_uris: ['https://app.example.com/cb#x'] },
      /fragment/,
    ],
    ['a relative redirect URI', { ...PUBLIC_CLIENT, redirect_uris: ['/cb'] }, /absolute/],
    [
      'a document over 5 KiB',
      {
        ...PUBLIC_CLIENT,
        client_uri: `https://app.example.com/${'a'.repeat(MAX_CLIENT_ID_METADATA_DOCUMENT_BYTES)}`,
      },
      /bytes; servers read at most 5120 \(draft §8\.7\)/,
    ],
  ]
  for (const [name, metadata, reason] of refused) {
    test(`refuses ${name}`, () => assert.match(refusal(URL_, metadata), reason))
  }
})
