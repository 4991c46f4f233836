/**
 * The production command as the README's Deploy section runs it: bound to every interface
 * (HOST=0.0.0.0) behind a reverse proxy, with the public URL given (REGISTRAR_BASE_URL) and
 * the proxy trusted for X-Forwarded-For (REGISTRAR_TRUST_PROXY). Requests go to 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Api, call } from '../support/http.js'
import { startServer } from '../support/start-server.js'

/** The listening URL with the wildcard address replaced by the loopback one. */
const loopback = (url: string) => url.replace('//0.0.0.0:', '//127.0.0.1:')

test('HOST=0.0.0.0 without a base URL starts, and warns that the URLs in answers name no reachable host', async () => {
  const server = await startServer({ env: { HOST: '0.0.0.0' } })
  try {
    assert.match(server.url, /^http:\/\/0\.0\.0\.0:\d+$/)
    assert.equal((await call(`${loopback(server.url)}/health`)).status, 200)
    assert.match(server.stderr(), /--host 0\.0\.0\.0 without --base-url/)
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('behind a proxy, answers name the public base URL and the audit source is the client the trusted proxy forwards', async () => {
  const server = await startServer({
    env: {
      HOST: '0.0.0.0',
      REGISTRAR_BASE_URL: 'https://dcr.example.com/registrar/',
      REGISTRAR_TRUST_PROXY: '127.0.0.1',
    },
  })
  try {
    const url = loopback(server.url)
    assert.doesNotMatch(server.stderr(), /without --base-url/)
    const admin = new Api(url, server.adminToken)
    const serviceId = await admin.createService()
    const discovery = await call(`${url}/.well-known/oauth-authorization-server/${serviceId}`)
    assert.equal(discovery.status, 200)
    // RFC 8414 §3: the issuer and the endpoints are the public ones, not the bound address.
    assert.equal(discovery.json.issuer, `https://dcr.example.com/registrar/${serviceId}`)
    assert.equal(
      discovery.json.registration_endpoint,
      `https://dcr.example.com/registrar/${serviceId}/register`,
    )

    const registered = await call(`${url}/${serviceId}/register`, {
      body: { client_name: 'proxied', redirect_uris: ['https://app.example.com/cb'] },
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    assert.equal(registered.status, 201, registered.text)
    assert.equal(
      registered.json.registration_client_uri,
      `https://dcr.example.com/registrar/${serviceId}/register/${registered.json.client_id}`,
    )
    const { events } = (await admin.call(`/api/${serviceId}/audit`)).json as {
      events: { kind: string; detail: { source?: string } }[]
    }
    const created = events.find((event) => event.kind === 'client.created')
    assert.equal(created?.detail.source, '203.0.113.7')
  } finally {
    assert.equal(await server.stop(), 0)
  }
})
