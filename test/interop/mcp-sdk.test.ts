/**
 * The MCP TypeScript SDK's client auth, unmodified: it discovers a service's authorization
 * server metadata and registers with RFC 7591, as an MCP host does; the credentials read
 * back through RFC 7592.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  discoverAuthorizationServerMetadata,
  registerClient,
} from '@modelcontextprotocol/sdk/client/auth.js'
import { Api, call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

describe('MCP TypeScript SDK client auth against Registrar', () => {
  let server: RunningServer
  let serviceId: string
  before(async () => {
    server = await startServer()
    serviceId = await new Api(server.url, server.adminToken).createService({
      authorizationEndpoint: `${server.url}/as/authorize`,
      tokenEndpoint: `${server.url}/as/token`,
    })
  })
  after(async () => {
    await server?.stop()
  })

  test('discoverAuthorizationServerMetadata then registerClient, read back with RFC 7592', async () => {
    const authorizationServer = `${server.url}/${serviceId}`
    const metadata = await discoverAuthorizationServerMetadata(authorizationServer)
    assert.ok(metadata)
    assert.equal(metadata.issuer, authorizationServer)
    assert.equal(metadata.registration_endpoint, `${authorizationServer}/register`)

    // The SDK keeps only OAuthClientInformationFull; the RFC 7592 credentials are read off the wire.
    let answered: Record<string, string> = {}
    const fetchFn: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      answered = (await response.clone().json()) as Record<string, string>
      return response
    }
    const information = await registerClient(authorizationServer, {
      metadata,
      fetchFn,
      clientMetadata: {
        client_name: 'MCP host',
        redirect_uris: ['http://localhost:53219/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'mcp:tools',
      },
    })
    assert.match(information.client_id, /^[0-9]+$/)
    assert.equal(information.client_secret, undefined)
    assert.deepEqual(information.redirect_uris, ['http://localhost:53219/callback'])

    assert.equal(answered['client_id'], information.client_id)
    const read = await call(answered['registration_client_uri']!, {
      token: answered['registration_access_token'],
    })
    assert.equal(read.status, 200, read.text)
    assert.equal(read.json.client_id, information.client_id)
    assert.equal(read.json.scope, 'mcp:tools')
    assert.deepEqual(read.json.grant_types, ['authorization_code', 'refresh_token'])
  })
})
