/**
 * DcrClient.ensureClientId() against the real `registrar serve` (build first): the MCP
 * authorization spec's order of client_id approaches. A service advertises Client ID
 * Metadata Documents when its clientIdMetadataDocumentSupported is on; a recording proxy in
 * front of the server shows which requests the client made. The agent's own document is
 * served over https by serveClientIdMetadataDocument, with a CA of the test's own.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { get } from 'node:https'
import { after, before, describe, test } from 'node:test'
import {
  DcrClient,
  DcrError,
  MemoryCredentialStore,
  createClientIdMetadataDocument,
  serveClientIdMetadataDocument,
} from '../../src/client/index.js'
import { Registrar } from '../../src/sdk/index.js'
import { startForwardingProxy, type ForwardingProxy } from '../support/forwarding-proxy.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import { createTestCa, startHttpsServer, type HttpsServer, type TestCa } from '../support/tls.js'

const METADATA = {
  client_name: 'cimd test agent',
  redirect_uris: ['http://127.0.0.1:7777/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
}

/** GET over https trusting the test's CA only; the status and the decoded body. */
function fetchTrusting(ca: TestCa, url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { ca: readFileSync(ca.caFile) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString()),
        }),
      )
    }).on('error', reject)
  })
}

describe('ensureClientId: pre-registered, then CIMD where advertised, then DCR (MCP authorization)', () => {
  let server: RunningServer
  let registrar: Registrar
  let ca: TestCa
  let agent: HttpsServer
  let documentUrl: string
  const proxies: ForwardingProxy[] = []

  before(async () => {
    server = await startServer()
    registrar = new Registrar({ baseUrl: server.url, token: server.adminToken })
    ca = createTestCa()
    // The agent's own https server; its port is known only once it listens, so the
    // handler is made on the first request, from the URL then known.
    let handler: ReturnType<typeof serveClientIdMetadataDocument> | undefined
    agent = await startHttpsServer(ca, (req, res) => {
      handler ??= serveClientIdMetadataDocument(
        createClientIdMetadataDocument(documentUrl, METADATA),
      )
      if (req.url === '/agent/client.json') handler(req, res)
      else res.writeHead(404).end()
    })
    documentUrl = `${agent.url}/agent/client.json`
  })
  after(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()))
    await agent.close()
    ca.remove()
    await server.stop()
  })

  async function newService(advertiseCimd: boolean) {
    const { apiKey } = await registrar.services.create({
      serviceName: 'cimd decision test',
      clientIdMetadataDocumentSupported: advertiseCimd,
    })
    assert.ok(apiKey)
    const proxy = await startForwardingProxy(server.url, { asItself: true })
    proxies.push(proxy)
    return { issuer: `${proxy.url}/${apiKey}`, proxy }
  }

  test('uses the Client ID Metadata Document where the server advertises it, and registers nothing (draft §6)', async () => {
    const { issuer, proxy } = await newService(true)
    const store = new MemoryCredentialStore()
    const dcr = new DcrClient({ issuer, store, clientIdMetadataDocumentUrl: documentUrl })
    assert.equal((await dcr.discover()).client_id_metadata_document_supported, true)

    const decision = await dcr.ensureClientId(METADATA)
    assert.equal(decision.approach, 'client_id_metadata_document')
    assert.equal(decision.credentials.client_id, documentUrl)
    assert.equal(decision.credentials.client_secret, undefined)
    assert.deepEqual(
      proxy.seen.filter((request) => request.startsWith('POST')),
      [],
    )
    assert.equal(await store.load(issuer), undefined)

    // What the server will fetch at the client_id is the document the client answered.
    const served = await fetchTrusting(ca, documentUrl)
    assert.equal(served.status, 200)
    assert.deepEqual(served.body, decision.credentials)
  })

  test('registers where the service does not advertise CIMD, even with a client_id URL (RFC 7591 §3)', async () => {
    const { issuer, proxy } = await newService(false)
    const store = new MemoryCredentialStore()
    const dcr = new DcrClient({ issuer, store, clientIdMetadataDocumentUrl: documentUrl })
    const decision = await dcr.ensureClientId(METADATA)
    assert.equal(decision.approach, 'dynamic_registration')
    assert.match(decision.credentials.client_id, /^\d+$/)
    assert.deepEqual(await store.load(issuer), decision.credentials)
    assert.ok(proxy.seen.some((request) => /^POST \/\d+\/register$/.test(request)))

    // The next start finds the stored registration; no second client.
    const again = await new DcrClient({
      issuer,
      store,
      clientIdMetadataDocumentUrl: documentUrl,
    }).ensureClientId(METADATA)
    assert.equal(again.credentials.client_id, decision.credentials.client_id)
    assert.equal(proxy.seen.filter((request) => request.startsWith('POST')).length, 1)
  })

  test('registers where CIMD is advertised but the app gave no client_id URL', async () => {
    const { issuer } = await newService(true)
    const decision = await new DcrClient({ issuer }).ensureClientId(METADATA)
    assert.equal(decision.approach, 'dynamic_registration')
    assert.match(decision.credentials.client_id, /^\d+$/)
  })

  test('answers pre-registered credentials first, without a single request, even where CIMD is advertised', async () => {
    const { issuer, proxy } = await newService(true)
    const store = new MemoryCredentialStore()
    const preRegistered = { client_id: 'configured-client', client_secret: 'configured-secret' }
    const dcr = new DcrClient({
      issuer,
      store,
      preRegistered,
      clientIdMetadataDocumentUrl: documentUrl,
    })
    const decision = await dcr.ensureClientId(METADATA)
    assert.deepEqual(decision, { approach: 'pre_registered', credentials: preRegistered })
    assert.deepEqual(proxy.seen, [])
    assert.equal(await store.load(issuer), undefined)
  })

  test('a server without discovery: DCR at the configured registration endpoint, else the discovery error', async () => {
    const { apiKey } = await registrar.services.create({ serviceName: 'no discovery' })
    assert.ok(apiKey)
    const issuer = `${server.url}/999999`
    const configured = new DcrClient({
      issuer,
      registrationEndpoint: `${server.url}/${apiKey}/register`,
      clientIdMetadataDocumentUrl: documentUrl,
    })
    assert.equal((await configured.ensureClientId(METADATA)).approach, 'dynamic_registration')

    const error = await new DcrClient({ issuer, clientIdMetadataDocumentUrl: documentUrl })
      .ensureClientId(METADATA)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    assert.ok(error instanceof DcrError)
    assert.equal(error.error, 'discovery_failed')
  })

  test('refuses, at construction, a client_id URL or pre-registered credentials that cannot be', () => {
    assert.throws(
      () =>
        new DcrClient({
          issuer: server.url,
          clientIdMetadataDocumentUrl: 'http://agent.example/c',
        }),
      (error: unknown) =>
        error instanceof DcrError && error.error === 'invalid_client_id_metadata_document',
    )
    assert.throws(
      () => new DcrClient({ issuer: server.url, preRegistered: { client_id: 42 } as never }),
      TypeError,
    )
  })

  test('in CIMD mode, metadata the draft forbids is refused, not used (draft §4.1)', async () => {
    const { issuer } = await newService(true)
    const dcr = new DcrClient({ issuer, clientIdMetadataDocumentUrl: documentUrl })
    await assert.rejects(
      dcr.ensureClientId({ ...METADATA, token_endpoint_auth_method: 'client_secret_basic' }),
      (error: unknown) =>
        error instanceof DcrError && error.error === 'invalid_client_id_metadata_document',
    )
  })
})
