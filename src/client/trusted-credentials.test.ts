import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  clientInformationProblem,
  isLoopback,
  managementUriProblem,
} from './trusted-credentials.js'

const ENDPOINT = 'https://as.example.com/tenant/register'

describe('managementUriProblem', () => {
  const trusted = [
    'https://as.example.com/tenant/register/123',
    'https://AS.example.com:443/register/123',
    'http://127.0.0.1:8080/1/register/2',
  ]
  for (const uri of trusted) {
    test(`trusts ${uri} on the registration endpoint's origin`, () => {
      const endpoint =
        new URL(uri).protocol === 'http:' ? 'http://127.0.0.1:8080/1/register' : ENDPOINT
      assert.equal(managementUriProblem(uri, endpoint), undefined)
    })
  }

  const refused: [uri: string, endpoint: string, reason: RegExp][] = [
    ['https://evil.example/register/123', ENDPOINT, /not on https:\/\/as\.example\.com/],
    ['https://as.example.com.evil.example/r/1', ENDPOINT, /not on/],
    ['https://as.example.com:8443/register/1', ENDPOINT, /not on/],
    ['http://as.example.com/tenant/register/1', ENDPOINT, /neither https nor http to a loopback/],
    ['http://as.example.com/register/1', 'http://as.example.com/register', /neither https/],
    ['http://127.0.0.1:9999/register/1', 'http://127.0.0.1:8080/register', /not on/],
    ['http://localhost:8080/register/1', 'http://127.0.0.1:8080/register', /not on/],
    ['javascript:alert(1)', ENDPOINT, /neither https/],
    ['file:///etc/passwd', ENDPOINT, /neither https/],
    ['//evil.example/register', ENDPOINT, /not an absolute URL/],
    ['/register/1', ENDPOINT, /not an absolute URL/],
  ]
  for (const [uri, endpoint, reason] of refused) {
    test(`refuses ${uri} for ${endpoint}`, () => {
      assert.match(managementUriProblem(uri, endpoint) ?? '', reason)
    })
  }

  test('without an endpoint, checks the scheme only (RFC 6750 §5.3)', () => {
    assert.equal(managementUriProblem('https://any.example/r/1'), undefined)
    assert.match(managementUriProblem('http://any.example/r/1') ?? '', /neither https/)
  })
})

describe('isLoopback', () => {
  test('is true for 127.0.0.0/8, [::1] and localhost as the URL parser writes them (RFC 8252 §8.3)', () => {
    for (const host of ['127.0.0.1', '127.1', '0x7f.0.0.1', '[::1]', 'localhost', '127.255.0.9']) {
      assert.equal(isLoopback(new URL(`http://${host}/`).hostname), true, host)
    }
    for (const host of [
      '128.0.0.1',
      '10.0.0.1',
      '[::2]',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
    ]) {
      assert.equal(isLoopback(new URL(`http://${host}/`).hostname), false, host)
    }
  })
})

describe('clientInformationProblem', () => {
  test('accepts client information with any extra members (RFC 7591 §3.2.1)', () => {
    assert.equal(clientInformationProblem({ client_id: 'a' }), undefined)
    assert.equal(
      clientInformationProblem({
        client_id: 'a',
        client_secret: 's',
        client_secret_expires_at: 0,
        client_id_issued_at: 1,
        registration_access_token: 't',
        registration_client_uri: 'https://as.example.com/r/a',
        redirect_uris: ['https://app.example/cb'],
        application_type: 'native',
        jwks: { keys: [{ kty: 'EC' }] },
        require_auth_time: true,
        'client_name#ja-Jpan-JP': 'クライアント',
        custom_extension: { any: ['thing'] },
      }),
      undefined,
    )
  })

  const refused: [entry: unknown, member: RegExp][] = [
    [undefined, /the entry/],
    ['text', /the entry/],
    [[{ client_id: 'a' }], /the entry/],
    [{}, /client_id/],
    [{ client_id: '' }, /client_id/],
    [{ client_id: 1 }, /client_id/],
    [{ client_id: 'a', client_secret: 1 }, /client_secret/],
    [{ client_id: 'a', registration_access_token: ['t'] }, /registration_access_token/],
    [{ client_id: 'a', registration_client_uri: { href: 'x' } }, /registration_client_uri/],
    [{ client_id: 'a', client_secret_expires_at: '0' }, /client_secret_expires_at/],
    [{ client_id: 'a', redirect_uris: 'https://app.example/cb' }, /redirect_uris/],
    [{ client_id: 'a', redirect_uris: [1] }, /redirect_uris/],
    [{ client_id: 'a', application_type: 'desktop' }, /application_type/],
    [{ client_id: 'a', require_auth_time: 'yes' }, /require_auth_time/],
    [{ client_id: 'a', jwks: { keys: 'none' } }, /jwks/],
  ]
  for (const [entry, member] of refused) {
    test(`refuses ${JSON.stringify(entry)}, naming the member`, () => {
      assert.match(clientInformationProblem(entry) ?? '', member)
    })
  }
})
