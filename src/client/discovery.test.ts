import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { discoveryUrls } from './discovery.js'

describe('discoveryUrls', () => {
  test('inserts the well-known segments before the issuer path, then appends (RFC 8414 §3.1)', () => {
    assert.deepEqual(discoveryUrls('https://as.example.com/tenant/1'), [
      'https://as.example.com/.well-known/oauth-authorization-server/tenant/1',
      'https://as.example.com/.well-known/openid-configuration/tenant/1',
      'https://as.example.com/tenant/1/.well-known/openid-configuration',
    ])
  })

  test('has two distinct URLs for an issuer without a path', () => {
    assert.deepEqual(discoveryUrls('https://as.example.com'), [
      'https://as.example.com/.well-known/oauth-authorization-server',
      'https://as.example.com/.well-known/openid-configuration',
    ])
  })

  test('drops a trailing slash of the issuer path', () => {
    assert.equal(
      discoveryUrls('http://127.0.0.1:8080/123/')[0],
      'http://127.0.0.1:8080/.well-known/oauth-authorization-server/123',
    )
  })
})
