/**
 * The MCP TypeScript SDK's client auth, unmodified, in Client ID Metadata Document mode
 * (SEP-991; draft-ietf-oauth-client-id-metadata-document): discovery finds the service's
 * client_id_metadata_document_supported, so the SDK uses its clientMetadataUrl as client_id
 * and registers nothing; an authorization server in front of Registrar then resolves that
 * client_id through client/get, the document fetched from a real https server.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'
import { Api } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import { createTestCa, startHttpsServer, type HttpsServer, type TestCa } from '../support/tls.js'

const REDIRECT = 'http://127.0.0.1:53219/callback'

describe('MCP TypeScript SDK in CIMD mode against Registrar', () => {
  let ca: TestCa
  let docs: HttpsServer
  let server: RunningServer
  let admin: Api
  let serviceId: string
  let documentUrl: string
  const clientMetadata: OAuthClientMetadata = {
    client_name: 'MCP host (CIMD)',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  }

  before(async () => {
    ca = createTestCa()
    docs = await startHttpsServer(ca, (request, response) => {
      if (request.url !== '/mcp/client.json') return void response.writeHead(404).end()
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({ client_id: documentUrl, application_type: 'native', ...clientMetadata }),
      )
    })
    documentUrl = `${docs.url.replace('127.0.0.1', 'localhost')}/mcp/client.json`
    server = await startServer({
      args: ['--cimd-allow-private'],
      env: { NODE_EXTRA_CA_CERTS: ca.caFile },
    })
    admin = new Api(server.url, server.adminToken)
    serviceId = await admin.createService({
      authorizationEndpoint: `${server.url}/as/authorize`,
      tokenEndpoint: `${server.url}/as/token`,
      clientIdMetadataDocumentSupported: true,
    })
  })
  after(async () => {
    await server?.stop()
    await docs?.close()
    ca?.remove()
  })

  test('the SDK sends its document URL as client_id with no registration; Registrar resolves it', async () => {
    const authorizationServer = `${server.url}/${serviceId}`
    let saved: OAuthClientInformationMixed | undefined
    let redirectedTo: URL | undefined
    const requested: string[] = []
    const provider: OAuthClientProvider = {
      redirectUrl: REDIRECT,
      clientMetadata,
      clientMetadataUrl: documentUrl,
      clientInformation: () => saved,
      saveClientInformation: (information) => void (saved = information),
      tokens: () => undefined as OAuthTokens | undefined,
      saveTokens: () => undefined,
      redirectToAuthorization: (url) => void (redirectedTo = url),
      saveCodeVerifier: () => undefined,
      codeVerifier: () => 'unused',
      discoveryState: () => ({ authorizationServerUrl: authorizationServer }),
      saveDiscoveryState: () => undefined,
    }
    const fetchFn: typeof fetch = (input, init) => {
      requested.push(`${init?.method ?? 'GET'} ${String(input)}`)
      return fetch(input, init)
    }
    const result = await auth(provider, { serverUrl: `${server.url}/mcp`, fetchFn })
    assert.equal(result, 'REDIRECT')
    // Discovery found CIMD support, so nothing was registered.
    assert.equal(saved?.client_id, documentUrl)
    assert.ok(!requested.some((line) => line.startsWith('POST')), requested.join('\n'))
    assert.ok(redirectedTo)
    assert.equal(redirectedTo.searchParams.get('client_id'), documentUrl)
    assert.equal(redirectedTo.searchParams.get('redirect_uri'), REDIRECT)

    // The authorization server behind that endpoint asks Registrar for the client.
    const client = await admin.call(
      `/api/${serviceId}/client/get/${encodeURIComponent(documentUrl)}`,
    )
    assert.equal(client.status, 200, client.text)
    assert.equal(client.json.clientIdAlias, documentUrl)
    assert.equal(client.json.clientName, 'MCP host (CIMD)')
    assert.deepEqual(client.json.redirectUris, [REDIRECT])
    assert.equal(client.json.clientType, 'PUBLIC')
    assert.equal(docs.hits.get('/mcp/client.json'), 1)
  })
})
