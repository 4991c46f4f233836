import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { discover, discoveryUrls } from './discovery.js'

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

describe('discover', () => {
  test('looks past a page served for every path to the issuer-suffix document', async () => {
    let issuer = ''
    const server = createServer((req, res) => {
      if (req.url === '/tenant/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ issuer, registration_endpoint: `${issuer}/reg` }))
        return
      }
      res.setHeader('content-type', 'text/html')
      res.end('<!doctype html><title>app</title>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant`
      const metadata = await discover(issuer)
      assert.equal(metadata.registration_endpoint, `${issuer}/reg`)
    } finally {
      server.close()
    }
  })
})
