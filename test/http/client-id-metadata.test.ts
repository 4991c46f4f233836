/**
 * Client ID Metadata Documents (CONTRACT.md §1c, CIMD; draft-ietf-oauth-client-id-metadata-
 * document-02) against the real server and a real https server of the test's own CA, which
 * the server trusts through NODE_EXTRA_CA_CERTS: the settings and discovery, every
 * cimd-document of the shared corpus resolved through client/get, each refusal with its own
 * text (SSRF attempts among them), the cache within the service's bounds, and client/
 * authenticate with a private_key_jwt assertion checked against the document's keys. On
 * SQLite and PostgreSQL, which keep the settings.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { Registrar } from '../../src/sdk/index.js'
import { cimdDocuments } from '../support/corpus.js'
import { TEST_DATABASES } from '../support/databases.js'
import { Api } from '../support/http.js'
import type { TestSchema } from '../support/postgres.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import {
  ASSERTION_TYPE,
  assertRefused,
  authenticateWithKey,
  getClient,
  ISSUER,
  PUBLIC_CLIENT,
  startDocumentServer,
  type DocumentServer,
} from '../support/document-server.js'
import type { HttpsServer, TestCa } from '../support/tls.js'

let documents: DocumentServer
let ca: TestCa
let docs: HttpsServer
/** The document server by name: `https://localhost:PORT`. */
let origin: string
let served: DocumentServer['served']
let serve: DocumentServer['serve']

before(async () => {
  documents = await startDocumentServer()
  ;({ ca, docs, origin, served, serve } = documents)
})
after(() => documents.close())

for (const backend of TEST_DATABASES) {
  describe(`CIMD with --cimd-allow-private (${backend.name})`, () => {
    let database: TestSchema
    let server: RunningServer
    let admin: Api
    let serviceId: string
    before(async () => {
      database = await backend.create()
      server = await startServer({
        database: database.url,
        args: ['--cimd-allow-private'],
        env: { NODE_EXTRA_CA_CERTS: ca.caFile },
      })
      admin = new Api(server.url, server.adminToken)
      serviceId = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
      })
    })
    after(async () => {
      await server?.stop()
      await database?.drop()
    })

    test('the settings are kept by an update that omits them; discovery advertises support', async () => {
      const plain = await admin.createService()
      const read = await admin.call(`/api/${plain}/service/get`)
      assert.equal(read.json.clientIdMetadataDocumentSupported, false)
      assert.deepEqual(read.json.clientIdMetadataDocumentHosts, [])
      assert.equal(read.json.clientIdMetadataDocumentCacheMinSeconds, 300)
      assert.equal(read.json.clientIdMetadataDocumentCacheMaxSeconds, 86_400)
      const off = await admin.call(`/.well-known/oauth-authorization-server/${plain}`)
      assert.equal(off.json.client_id_metadata_document_supported, undefined)

      const set = await admin.call(`/api/${plain}/service/update`, {
        body: {
          clientIdMetadataDocumentSupported: true,
          clientIdMetadataDocumentHosts: ['example.com'],
          clientIdMetadataDocumentCacheMaxSeconds: 600,
        },
      })
      assert.equal(set.status, 200, set.text)
      await admin.call(`/api/${plain}/service/update`, { body: { serviceName: 'renamed' } })
      const kept = await admin.call(`/api/${plain}/service/get`)
      assert.equal(kept.json.clientIdMetadataDocumentSupported, true)
      assert.deepEqual(kept.json.clientIdMetadataDocumentHosts, ['example.com'])
      assert.equal(kept.json.clientIdMetadataDocumentCacheMaxSeconds, 600)
      const on = await admin.call(`/.well-known/oauth-authorization-server/${plain}`)
      assert.equal(on.json.client_id_metadata_document_supported, true)

      const bad = await admin.call(`/api/${plain}/service/update`, {
        body: { clientIdMetadataDocumentCacheMinSeconds: 601 },
      })
      assert.equal(bad.status, 400, bad.text)
      assert.match(bad.json.resultMessage, /must not exceed/)
    })

    test('every cimd-document of the shared corpus resolves when served at its path', async () => {
      assert.ok(cimdDocuments.length > 0)
      for (const entry of cimdDocuments) {
        const path = new URL((entry as unknown as { client_id_url: string }).client_id_url).pathname
        const url = serve(`/corpus/${entry.id}${path}`, { ...entry.body, client_id: undefined })
        const answer = await getClient(admin, serviceId, url)
        assert.equal(answer.status, 200, `${entry.id}: ${answer.text}`)
        assert.equal(answer.json.clientIdAlias, url)
        assert.ok(answer.json.clientId > 0 && answer.json.clientId < 1e13, answer.text)
        assert.equal(answer.json.number, 0)
        assert.equal(answer.json.clientSecret, undefined)
        assert.equal(answer.json.clientName, entry.body['client_name'], entry.id)
        assert.deepEqual(answer.json.redirectUris, entry.body['redirect_uris'], entry.id)
        const publicClient = entry.body['token_endpoint_auth_method'] === 'none'
        assert.equal(answer.json.clientType, publicClient ? 'PUBLIC' : 'CONFIDENTIAL', entry.id)
      }
    })

    test('numeric ids still read as before; a URL on a service with CIMD off is an unknown client', async () => {
      const created = await admin.call(`/api/${serviceId}/client/create`, {
        body: { clientName: 'numeric', redirectUris: ['https://app.example/cb'] },
      })
      assert.equal(created.status, 200, created.text)
      const read = await admin.call(`/api/${serviceId}/client/get/${created.json.clientId}`)
      assert.equal(read.status, 200, read.text)
      const url = serve('/off/client.json', PUBLIC_CLIENT)
      const off = await admin.createService()
      const before = docs.hits.get('/off/client.json') ?? 0
      const unknown = await getClient(admin, off, url)
      assert.equal(unknown.status, 404, unknown.text)
      assert.equal(docs.hits.get('/off/client.json') ?? 0, before, 'nothing fetched')
    })

    test('each refusal says why, in its own text', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true })
      const privateJwk = await exportJWK(privateKey)
      const cases: [string, RegExp][] = [
        [
          serve(
            '/redirect.json',
            {},
            {
              status: 302,
              headers: { location: 'https://169.254.169.254/latest/meta-data/' },
            },
          ),
          /redirects \(302\); redirects are not followed/,
        ],
        [
          serve('/large.json', { ...PUBLIC_CLIENT, client_name: 'x'.repeat(6000) }),
          /answers more than 5120 bytes/,
        ],
        [
          serve('/html.json', PUBLIC_CLIENT, { headers: { 'content-type': 'text/html' } }),
          /is not JSON \(content-type text\/html\)/,
        ],
        [
          serve('/mismatch.json', { ...PUBLIC_CLIENT, client_id: 'https://other.example/c' }),
          /its client_id .https:\/\/other.example\/c. is not its URL/,
        ],
        [
          serve('/basic.json', {
            ...PUBLIC_CLIENT,
            token_endpoint_auth_method: 'client_secret_basic',
          }),
          /token_endpoint_auth_method is client_secret_basic; .* never a shared secret/,
        ],
        [
          serve('/default-method.json', {
            ...PUBLIC_CLIENT,
            token_endpoint_auth_method: undefined,
          }),
          /token_endpoint_auth_method is no method \(so client_secret_basic\)/,
        ],
        [
          serve('/secret.json', { ...PUBLIC_CLIENT, client_secret: 'published' }),
          /has a client_secret member; a public document holds no secret/,
        ],
        [
          serve('/invalid.json', {
            ...PUBLIC_CLIENT,
            redirect_uris: ['https://app.example/cb#frag'],
          }),
          /its metadata is invalid: .*fragment/i,
        ],
        [`${origin}/missing.json`, /answered HTTP 404, not 200/],
        [`http://${origin.slice('https://'.length)}/client.json`, /is not an https URL/],
        [origin, /has no path/],
        [`${origin}/`, /its path is \/, which a client identifier URL should not have/],
        [`${origin}/a/../client.json`, /a \. or \.\. path segment/],
        [`${origin}/a/%2e%2e/client.json`, /reads as \/client\.json once parsed/],
        [`${origin}/client.json#top`, /has a fragment/],
        [`https://agent:pw@${origin.slice('https://'.length)}/client.json`, /user information/],
        [
          `${origin}/${'a'.repeat(2048)}`,
          /characters long; a client identifier URL has at most 2048/,
        ],
        [
          serve('/expires.json', { ...PUBLIC_CLIENT, client_secret_expires_at: 0 }),
          /has a client_secret_expires_at member/,
        ],
        [
          serve('/private-key.json', {
            ...PUBLIC_CLIENT,
            application_type: 'web',
            redirect_uris: ['https://agent.example/cb'],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks: { keys: [privateJwk] },
          }),
          /its metadata is invalid: .*must be a public key/,
        ],
      ]
      const texts = new Set<string>()
      for (const [url, reason] of cases) {
        const refused = await getClient(admin, serviceId, url)
        assertRefused(refused, reason)
        texts.add(refused.json.resultMessage.replace(url, ''))
      }
      assert.equal(texts.size, cases.length, 'each refusal has its own text')
    })

    test('the hosts allowlist is checked before any fetch', async () => {
      const limited = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentHosts: [`${origin}/allowed/`],
      })
      const allowed = serve('/allowed/client.json', PUBLIC_CLIENT)
      assert.equal((await getClient(admin, limited, allowed)).status, 200)
      const other = serve('/elsewhere/client.json', PUBLIC_CLIENT)
      const refused = await getClient(admin, limited, other)
      assertRefused(refused, /is not in the service's allowed hosts/)
      assert.equal(docs.hits.get('/elsewhere/client.json') ?? 0, 0)
    })

    test('the SDK reads a document client with clients.get, and sees a refusal as a 400 error', async () => {
      const registrar = new Registrar({ baseUrl: server.url, token: server.adminToken })
      const url = serve(`/sdk-${backend.name}/client.json`, PUBLIC_CLIENT)
      const client = await registrar.clients.get(serviceId, url)
      assert.equal(client.clientIdAlias, url)
      assert.equal(client.clientName, 'An agent')
      await assert.rejects(
        registrar.clients.get(serviceId, `${origin}/sdk-${backend.name}/missing.json`),
        (error: Error & { status?: number }) =>
          error.status === 400 && /answered HTTP 404, not 200/.test(error.message),
      )
    })

    test('a resolved document is cached for its max-age within the service bounds, then fetched again', async () => {
      const cached = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 1,
        clientIdMetadataDocumentCacheMaxSeconds: 2,
      })
      const path = `/cache-${backend.name}.json`
      const url = serve(path, PUBLIC_CLIENT, { headers: { 'cache-control': 'max-age=1' } })
      assert.equal((await getClient(admin, cached, url)).status, 200)
      assert.equal((await getClient(admin, cached, url)).status, 200)
      assert.equal(docs.hits.get(path), 1, 'a second resolve within max-age makes no fetch')
      await sleep(1200)
      assert.equal((await getClient(admin, cached, url)).status, 200)
      assert.equal(docs.hits.get(path), 2, 'after max-age it fetches again')
      // A max-age beyond the service's maximum is held to it.
      const longPath = `/cache-long-${backend.name}.json`
      const long = serve(longPath, PUBLIC_CLIENT, { headers: { 'cache-control': 'max-age=3600' } })
      await getClient(admin, cached, long)
      await getClient(admin, cached, long)
      assert.equal(docs.hits.get(longPath), 1)
      await sleep(2200)
      await getClient(admin, cached, long)
      assert.equal(docs.hits.get(longPath), 2, 'held to clientIdMetadataDocumentCacheMaxSeconds')
    })

    test('client/authenticate verifies a private_key_jwt assertion against the document keys (jwks and jwks_uri)', async () => {
      // The jwks_uri is on the test's loopback server: the service lets such URIs through.
      const keyed = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
        allowPrivateNetworkUris: true,
      })
      const { privateKey, publicKey } = await generateKeyPair('ES256')
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }
      const byValue = serve(`/keys-${backend.name}/by-value.json`, {
        ...PUBLIC_CLIENT,
        application_type: 'web',
        redirect_uris: ['https://agent.example/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
      })
      served.set(`/keys-${backend.name}/jwks.json`, { body: { keys: [jwk] } })
      const byReference = serve(`/keys-${backend.name}/by-reference.json`, {
        ...PUBLIC_CLIENT,
        application_type: 'web',
        redirect_uris: ['https://agent.example/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${origin}/keys-${backend.name}/jwks.json`,
      })
      for (const clientId of [byValue, byReference]) {
        const answer = await authenticateWithKey(admin, keyed, clientId, privateKey)
        assert.equal(answer.status, 200, answer.text)
        assert.equal(answer.json.clientIdAlias, clientId)
        assert.equal(answer.json.tokenAuthMethod, 'PRIVATE_KEY_JWT')
      }
      // Another key is refused as any wrong credential is.
      const other = await generateKeyPair('ES256')
      const now = Math.floor(Date.now() / 1000)
      const forged = await new SignJWT({
        iss: byValue,
        sub: byValue,
        aud: ISSUER,
        jti: crypto.randomUUID(),
        exp: now + 60,
      })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .sign(other.privateKey)
      const refused = await admin.call(`/api/${keyed}/client/authenticate`, {
        body: { client_assertion_type: ASSERTION_TYPE, client_assertion: forged },
      })
      assert.equal(refused.status, 401, refused.text)
      assert.match(refused.json.resultMessage, /the client credentials do not match/)
      // A document that cannot be used: 401 invalid_client, saying why.
      const broken = serve(`/keys-${backend.name}/broken.json`, {
        ...PUBLIC_CLIENT,
        client_id: 'x',
      })
      const unusable = await authenticateWithKey(admin, keyed, broken, privateKey)
      assert.equal(unusable.status, 401, unusable.text)
      assert.match(unusable.json.resultMessage, /its client_id .x. is not its URL/)
    })

    test('a changed document is pinned; a change of its redirect URIs is a client.metadata_document_changed audit event', async () => {
      const pinned = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 1,
        clientIdMetadataDocumentCacheMaxSeconds: 1,
      })
      const path = `/pinned-${backend.name}.json`
      const url = serve(path, PUBLIC_CLIENT)
      assert.equal((await getClient(admin, pinned, url)).status, 200)
      await sleep(1100)
      // The same document again: nothing to record.
      assert.equal((await getClient(admin, pinned, url)).status, 200)
      serve(path, { ...PUBLIC_CLIENT, redirect_uris: ['http://127.0.0.1/elsewhere'] })
      await sleep(1100)
      const changed = await getClient(admin, pinned, url)
      assert.deepEqual(changed.json.redirectUris, ['http://127.0.0.1/elsewhere'])
      assert.equal(docs.hits.get(path), 3)
      const audit = await admin.call(`/api/${pinned}/audit?kind=client.metadata_document_changed`)
      assert.equal(audit.status, 200, audit.text)
      assert.equal(audit.json.events.length, 1, audit.text)
      const [event] = audit.json.events
      assert.equal(event.detail.documentUrl, url)
      assert.equal(event.detail.version, 2)
      assert.deepEqual(event.detail.diff, {
        redirect_uris: { from: ['http://127.0.0.1/callback'], to: ['http://127.0.0.1/elsewhere'] },
      })
    })

    test('with clientIdMetadataDocumentChangeApproval off, a changed redirect URI is used at once', async () => {
      const open = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 0,
        clientIdMetadataDocumentCacheMaxSeconds: 0,
      })
      assert.equal(
        (await admin.call(`/api/${open}/service/get`)).json.clientIdMetadataDocumentChangeApproval,
        false,
      )
      const path = `/unheld-${backend.name}.json`
      const url = serve(path, PUBLIC_CLIENT)
      assert.deepEqual((await getClient(admin, open, url)).json.redirectUris, [
        'http://127.0.0.1/callback',
      ])
      serve(path, { ...PUBLIC_CLIENT, redirect_uris: ['http://127.0.0.1/elsewhere'] })
      assert.deepEqual((await getClient(admin, open, url)).json.redirectUris, [
        'http://127.0.0.1/elsewhere',
      ])
      const versions = await admin.call(
        `/api/${open}/client/metadata-document/versions?url=${encodeURIComponent(url)}`,
      )
      assert.equal(versions.status, 200, versions.text)
      assert.deepEqual(
        versions.json.versions.map((v: { version: number; approved: boolean }) => [
          v.version,
          v.approved,
        ]),
        [
          [1, false],
          [2, true],
        ],
      )
      const [event] = (await admin.call(`/api/${open}/audit?kind=client.metadata_document_changed`))
        .json.events
      assert.equal(event.detail.held, undefined)
    })

    test('with clientIdMetadataDocumentChangeApproval on, a changed redirect URI is held until approved', async () => {
      const held = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 0,
        clientIdMetadataDocumentCacheMaxSeconds: 0,
        clientIdMetadataDocumentChangeApproval: true,
      })
      const path = `/held-${backend.name}.json`
      const url = serve(path, PUBLIC_CLIENT)
      const query = `?url=${encodeURIComponent(url)}`
      const redirects = async () => (await getClient(admin, held, url)).json.redirectUris
      // The first version is approved by itself.
      assert.deepEqual(await redirects(), ['http://127.0.0.1/callback'])
      // A change of client_name alone is used (and approved) at once.
      serve(path, { ...PUBLIC_CLIENT, client_name: 'Renamed' })
      assert.equal((await getClient(admin, held, url)).json.clientName, 'Renamed')
      serve(path, {
        ...PUBLIC_CLIENT,
        client_name: 'Renamed',
        redirect_uris: ['http://127.0.0.1/elsewhere'],
      })
      const before = docs.hits.get(path) ?? 0
      assert.deepEqual(await redirects(), ['http://127.0.0.1/callback'])
      assert.deepEqual(await redirects(), ['http://127.0.0.1/callback'])
      assert.equal(docs.hits.get(path), before + 2, 'each read fetched the document again')

      const audit = await admin.call(`/api/${held}/audit?kind=client.metadata_document_changed`)
      assert.equal(audit.json.events.length, 1, audit.text)
      assert.equal(audit.json.events[0].detail.held, true)
      assert.equal(audit.json.events[0].detail.version, 3)

      const listed = await admin.call(`/api/${held}/client/metadata-document/versions${query}`)
      assert.deepEqual(
        listed.json.versions.map((v: { version: number; approved: boolean }) => [
          v.version,
          v.approved,
        ]),
        [
          [1, false],
          [2, true],
          [3, false],
        ],
      )
      assert.deepEqual(listed.json.versions[2].document.redirect_uris, [
        'http://127.0.0.1/elsewhere',
      ])

      const unknown = await admin.call(`/api/${held}/client/metadata-document/approve`, {
        body: { url, version: 9 },
      })
      assert.equal(unknown.status, 404, unknown.text)
      const elsewhere = await admin.call(`/api/${held}/client/metadata-document/approve`, {
        body: { url: `${url}?other`, version: 1 },
      })
      assert.equal(elsewhere.status, 404, elsewhere.text)

      // Approved through the SDK, as an administrator would.
      const registrar = new Registrar({ baseUrl: server.url, token: server.adminToken })
      const approved = await registrar.clients.approveMetadataDocument(held, url, 3)
      assert.deepEqual(
        approved.versions.map((v) => v.approved),
        [false, false, true],
      )
      assert.deepEqual(await redirects(), ['http://127.0.0.1/elsewhere'])
      const sdkListed = await registrar.clients.metadataDocumentVersions(held, url)
      assert.equal(sdkListed.versions.length, 3)
    })

    test('an approval takes effect at once: the cached held answer is dropped', async () => {
      const cached = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 1,
        clientIdMetadataDocumentCacheMaxSeconds: 1,
        clientIdMetadataDocumentChangeApproval: true,
      })
      const path = `/held-cached-${backend.name}.json`
      const url = serve(path, PUBLIC_CLIENT)
      const redirects = async () => (await getClient(admin, cached, url)).json.redirectUris
      assert.deepEqual(await redirects(), ['http://127.0.0.1/callback'])
      serve(path, { ...PUBLIC_CLIENT, jwks_uri: 'https://agent.example/jwks.json' })
      await sleep(1100)
      const held = await getClient(admin, cached, url)
      assert.equal(held.json.jwksUri, undefined, held.text)
      const approved = await admin.call(`/api/${cached}/client/metadata-document/approve`, {
        body: { url, version: 2 },
      })
      assert.equal(approved.status, 200, approved.text)
      // Within the second the held answer would still be cached, but for the approval.
      const now = await getClient(admin, cached, url)
      assert.equal(now.json.jwksUri, 'https://agent.example/jwks.json', now.text)
      const [event] = (
        await admin.call(`/api/${cached}/audit?kind=client.metadata_document_changed`)
      ).json.events
      assert.equal(event.detail.held, true)
      assert.deepEqual(Object.keys(event.detail.diff), ['jwks_uri'])
    })

    test('a document client records its last use at client/authenticate; client/get answers it', async () => {
      const used = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
      })
      const { privateKey, publicKey } = await generateKeyPair('ES256')
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }
      const url = serve(`/used-${backend.name}.json`, {
        ...PUBLIC_CLIENT,
        application_type: 'web',
        redirect_uris: ['https://agent.example/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
      })
      assert.equal((await getClient(admin, used, url)).json.lastUsedAt, undefined)
      const start = Date.now()
      const answer = await authenticateWithKey(admin, used, url, privateKey)
      assert.equal(answer.status, 200, answer.text)
      const lastUsedAt = (await getClient(admin, used, url)).json.lastUsedAt
      assert.equal(typeof lastUsedAt, 'number')
      assert.ok(lastUsedAt >= start - 1000 && lastUsedAt <= Date.now(), String(lastUsedAt))
    })

    if (backend.name === 'SQLite') {
      test('a document that answers too slowly is refused', async () => {
        const url = serve('/slow.json', PUBLIC_CLIENT, { delay: 7000 })
        assertRefused(await getClient(admin, serviceId, url), /did not answer within 5000 ms/)
      })
    }
  })
}

describe('CIMD without --cimd-allow-private', () => {
  let server: RunningServer
  let admin: Api
  let serviceId: string
  before(async () => {
    server = await startServer({ env: { NODE_EXTRA_CA_CERTS: ca.caFile } })
    admin = new Api(server.url, server.adminToken)
    serviceId = await admin.createService({ clientIdMetadataDocumentSupported: true })
  })
  after(() => server?.stop())

  test('loopback and link-local addresses are refused, as literals and behind a name', async () => {
    const path = '/private/client.json'
    serve(path, PUBLIC_CLIENT)
    const literal = await getClient(admin, serviceId, `${docs.url}${path}`)
    assertRefused(literal, /127\.0\.0\.1 is a private, loopback or reserved address/)
    const named = await getClient(admin, serviceId, `${origin}${path}`)
    assertRefused(
      named,
      /localhost resolves to (127\.0\.0\.1|::1), a private, loopback or reserved address/,
    )
    const metadata = await getClient(admin, serviceId, 'https://169.254.169.254/latest/meta-data')
    assertRefused(metadata, /169\.254\.169\.254 is a private, loopback or reserved address/)
    assert.equal(docs.hits.get(path) ?? 0, 0, 'nothing reached the document server')
  })
})
