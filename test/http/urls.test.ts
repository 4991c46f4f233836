/**
 * URLs in answers come from the base URL and the service's settings, never from the
 * request's Host header (CONTRACT.md "Bad input"); and error descriptions stay ASCII on
 * the wire (RFC 6749 §5.2).
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, test } from 'node:test'
import { Api, call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

let server: RunningServer
let serviceId: string

before(async () => {
  server = await startServer()
  serviceId = await new Api(server.url, server.adminToken).createService()
})

after(() => server?.stop())

/** A request with a Host header of its own choosing (fetch would not send it). */
function withHost(
  path: string,
  host: string,
  body?: string,
): Promise<{ status: number; json: Record<string, string> }> {
  const url = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        headers: { host, 'content-type': 'application/json' },
      },
      (incoming) => {
        let text = ''
        incoming.setEncoding('utf8').on('data', (chunk) => (text += chunk))
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, json: JSON.parse(text) }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

test('a spoofed Host header changes no URL in the answers', async () => {
  const registered = await withHost(
    `/${serviceId}/register`,
    'evil.example.com',
    JSON.stringify({ redirect_uris: ['https://app.example.com/cb'] }),
  )
  assert.equal(registered.status, 201)
  assert.ok(
    registered.json.registration_client_uri.startsWith(`${server.url}/${serviceId}/register/`),
  )
  const discovered = await withHost(
    `/.well-known/oauth-authorization-server/${serviceId}`,
    'evil.example.com',
  )
  assert.equal(discovered.json.issuer, `${server.url}/${serviceId}`)
  assert.equal(discovered.json.registration_endpoint, `${server.url}/${serviceId}/register`)
})

test('an error description naming a non-ASCII value is ASCII on the wire (RFC 6749 §5.2)', async () => {
  const answer = await call(`${server.url}/${serviceId}/register`, {
    method: 'POST',
    body: { redirect_uris: ['https://例え.jp/コールバック#フラグメント'] },
  })
  assert.equal(answer.status, 400)
  assert.equal(answer.json.error, 'invalid_redirect_uri')
  assert.match(answer.json.error_description, /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/)
})
