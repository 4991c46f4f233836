/**
 * openid-client v6, unmodified: OpenID Connect discovery of a service, then RFC 7591
 * registration with `dynamicClientRegistration`; the credentials read back through RFC 7592.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { Api, call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

describe('openid-client v6 against Registrar', () => {
  let server: RunningServer
  let issuer: URL
  let serviceId: string
  before(async () => {
    server = await startServer()
    const api = new Api(server.url, server.adminToken)
    serviceId = await api.createService({
      authorizationEndpoint: `${server.url}/as/authorize`,
      tokenEndpoint: `${server.url}/as/token`,
    })
    issuer = new URL(`${server.url}/${serviceId}`)
  })
  after(async () => {
    await server?.stop()
  })

  test('discovery finds the registration endpoint of the issuer', async () => {
    const config = await client.discovery(issuer, 'unused', undefined, undefined, {
      execute: [client.allowInsecureRequests],
    })
    const metadata = config.serverMetadata()
    assert.equal(metadata.issuer, issuer.href)
    assert.equal(metadata.registration_endpoint, `${server.url}/${serviceId}/register`)
    assert.equal(metadata.token_endpoint, `${server.url}/as/token`)
  })

  test('dynamicClientRegistration registers a confidential and a public client', async () => {
    const confidential = await client.dynamicClientRegistration(
      issuer,
      { redirect_uris: ['https://rp.example/cb'], client_name: 'openid-client rp' },
      undefined,
      { execute: [client.allowInsecureRequests] },
    )
    const registered = confidential.clientMetadata()
    assert.match(registered.client_id, /^[0-9]+$/)
    assert.equal(typeof registered.client_secret, 'string')
    assert.equal(registered.client_name, 'openid-client rp')

    const read = await call(registered['registration_client_uri'] as string, {
      token: registered['registration_access_token'] as string,
    })
    assert.equal(read.status, 200, read.text)
    assert.equal(read.json.client_secret, registered.client_secret)

    const publicClient = await client.dynamicClientRegistration(
      issuer,
      { redirect_uris: ['http://127.0.0.1:43123/cb'], token_endpoint_auth_method: 'none' },
      client.None(),
      { execute: [client.allowInsecureRequests] },
    )
    assert.equal(publicClient.clientMetadata().client_secret, undefined)
    assert.equal(publicClient.clientMetadata()['application_type'], 'native')
  })
})
