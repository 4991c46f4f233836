/**
 * The Client ID Metadata Document resolver against the real server and a real https server
 * of the test's own CA: the draft's own examples (draft-ietf-oauth-client-id-metadata-
 * document-02 §3, §8.2), the number a document client answers as clientId, refusals kept for
 * a short time, client_id URLs up to 2048 characters in client/get and client/authenticate,
 * document clients in the orphan report, and an approval on one node taking effect on
 * another sharing the same PostgreSQL.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { TEST_DATABASES } from '../support/databases.js'
import {
  assertRefused,
  authenticateWithKey,
  getClient,
  ISSUER,
  PUBLIC_CLIENT,
  startDocumentServer,
  type DocumentServer,
} from '../support/document-server.js'
import { Api, type Answer } from '../support/http.js'
import { createTestSchema, type TestSchema } from '../support/postgres.js'
import { startServer, type RunningServer } from '../support/start-server.js'

/** Registered clients' ids start here (engine/secrets.ts); document clients stay below. */
const FIRST_REGISTERED_ID = 10_000_000_000_000

let documents: DocumentServer
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
let publicJwk: JWK

before(async () => {
  documents = await startDocumentServer()
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  signingKey = privateKey
  publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }
})
after(() => documents.close())

/** A confidential document client of the test's key (§8.2's private_key_jwt example). */
function keyedDocument(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...PUBLIC_CLIENT,
    application_type: 'web',
    redirect_uris: ['https://agent.example/cb'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [publicJwk] },
    ...extra,
  }
}

/** client/authenticate with a private_key_jwt assertion of `url` signed by the test's key. */
function authenticate(api: Api, serviceId: string, url: string): Promise<Answer> {
  return authenticateWithKey(api, serviceId, url, signingKey)
}

for (const backend of TEST_DATABASES) {
  describe(`the CIMD resolver (${backend.name})`, () => {
    let database: TestSchema
    let server: RunningServer
    let admin: Api
    before(async () => {
      database = await backend.create()
      server = await startServer({
        database: database.url,
        args: ['--cimd-allow-private'],
        env: { NODE_EXTRA_CA_CERTS: documents.ca.caFile },
      })
      admin = new Api(server.url, server.adminToken)
    })
    after(async () => {
      await server?.stop()
      await database?.drop()
    })

    test("the draft's examples: §8.2's private_key_jwt document resolves; §3's URLs compare as plain strings; a path of / is refused", async () => {
      const serviceId = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
        // The jwks_uri is on the test's loopback server.
        allowPrivateNetworkUris: true,
      })
      // §8.2: token_endpoint_auth_method private_key_jwt with a jwks_uri.
      const jwksPath = `/draft-${backend.name}/jwks.json`
      documents.served.set(jwksPath, { body: { keys: [publicJwk] } })
      const example = documents.serve(
        `/draft-${backend.name}/client`,
        keyedDocument({ jwks: undefined, jwks_uri: `${documents.origin}${jwksPath}` }),
      )
      const resolved = await getClient(admin, serviceId, example)
      assert.equal(resolved.status, 200, resolved.text)
      assert.equal(resolved.json.clientType, 'CONFIDENTIAL')
      assert.equal(resolved.json.tokenAuthMethod, 'PRIVATE_KEY_JWT')
      assert.equal((await authenticate(admin, serviceId, example)).status, 200)

      // §3: https://example.com/client and https://example.com:443/client are two client_ids;
      // a document naming the one is refused when fetched as the other. The test's server
      // has no default port, so the host's case stands in for the port: also not compared.
      const path = `/draft-${backend.name}/plain`
      const canonical = documents.serve(path, PUBLIC_CLIENT)
      const other = canonical.replace('https://localhost', 'https://LOCALHOST')
      assertRefused(await getClient(admin, serviceId, other), /its client_id .* is not its URL/)
      assert.equal((await getClient(admin, serviceId, canonical)).status, 200)

      // §3: a path of / is NOT RECOMMENDED; Registrar refuses it before any fetch.
      documents.served.set('/', { body: { ...PUBLIC_CLIENT, client_id: `${documents.origin}/` } })
      const root = await getClient(admin, serviceId, `${documents.origin}/`)
      assertRefused(root, /its path is \/, which a client identifier URL should not have/)
      assert.equal(documents.docs.hits.get('/') ?? 0, 0)
    })

    test('a document client answers a number of its own as clientId: positive, stable, below every registered id, and read by client/get', async () => {
      const serviceId = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
      })
      const first = documents.serve(`/numbers-${backend.name}/a.json`, keyedDocument())
      const second = documents.serve(`/numbers-${backend.name}/b.json`, keyedDocument())
      const a = await getClient(admin, serviceId, first)
      const b = await getClient(admin, serviceId, second)
      assert.equal(a.status, 200, a.text)
      assert.equal(a.json.number, 0, 'no registration')
      assert.ok(a.json.clientId > 0 && a.json.clientId < FIRST_REGISTERED_ID, a.text)
      assert.ok(b.json.clientId > 0 && b.json.clientId < FIRST_REGISTERED_ID, b.text)
      assert.notEqual(a.json.clientId, b.json.clientId)
      assert.equal((await getClient(admin, serviceId, first)).json.clientId, a.json.clientId)
      // client/get of the number answers the same client, resolved from its URL.
      const byNumber = await admin.call(`/api/${serviceId}/client/get/${b.json.clientId}`)
      assert.equal(byNumber.status, 200, byNumber.text)
      assert.equal(byNumber.json.clientIdAlias, second)
      const unknown = await admin.call(`/api/${serviceId}/client/get/${b.json.clientId + 100}`)
      assert.equal(unknown.status, 404, unknown.text)
      const authenticated = await authenticate(admin, serviceId, first)
      assert.equal(authenticated.status, 200, authenticated.text)
      assert.equal(authenticated.json.clientId, a.json.clientId)
      const registered = await admin.call(`/api/${serviceId}/client/create`, {
        body: { clientName: 'registered', redirectUris: ['https://app.example/cb'] },
      })
      assert.ok(registered.json.clientId >= FIRST_REGISTERED_ID, registered.text)
    })

    test('a refused URL is refused again without a fetch for at most the minimum lifetime, then fetched', async () => {
      const serviceId = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 1,
        clientIdMetadataDocumentCacheMaxSeconds: 60,
      })
      const path = `/refused-${backend.name}.json`
      const url = `${documents.origin}${path}`
      const first = await getClient(admin, serviceId, url)
      assertRefused(first, /answered HTTP 404, not 200/)
      const again = await getClient(admin, serviceId, url)
      assert.equal(again.json.resultMessage, first.json.resultMessage, 'the same refusal')
      assert.equal(documents.docs.hits.get(path), 1, 'a refusal within the bound makes no fetch')
      // An invalid document is kept as a refusal too.
      documents.serve(path, { ...PUBLIC_CLIENT, client_secret: 'published' })
      await sleep(1100)
      assertRefused(await getClient(admin, serviceId, url), /has a client_secret member/)
      assertRefused(await getClient(admin, serviceId, url), /has a client_secret member/)
      assert.equal(documents.docs.hits.get(path), 2)
      documents.serve(path, PUBLIC_CLIENT)
      await sleep(1100)
      assert.equal((await getClient(admin, serviceId, url)).status, 200)
      assert.equal(documents.docs.hits.get(path), 3, 'fixed, it is used once the bound is past')

      // A service that keeps nothing keeps no refusal either.
      const keepsNothing = await admin.createService({
        clientIdMetadataDocumentSupported: true,
        clientIdMetadataDocumentCacheMinSeconds: 0,
      })
      const missing = `/refused-uncached-${backend.name}.json`
      await getClient(admin, keepsNothing, `${documents.origin}${missing}`)
      await getClient(admin, keepsNothing, `${documents.origin}${missing}`)
      assert.equal(documents.docs.hits.get(missing), 2)
    })

    test('a client_id URL of up to 2048 characters resolves in client/get and client/authenticate; a longer one is refused', async () => {
      const serviceId = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
      })
      const base = `${documents.origin}/long-${backend.name}/`
      const path = (url: string) => url.slice(documents.origin.length)
      const longest = base + 'a'.repeat(2048 - base.length)
      documents.serve(path(longest), keyedDocument())
      const read = await getClient(admin, serviceId, longest)
      assert.equal(read.status, 200, read.text)
      assert.equal(read.json.clientIdAlias, longest)
      const authenticated = await authenticate(admin, serviceId, longest)
      assert.equal(authenticated.status, 200, authenticated.text)

      const tooLong = `${longest}b`
      documents.serve(path(tooLong), keyedDocument())
      assertRefused(
        await getClient(admin, serviceId, tooLong),
        /is 2049 characters long; a client identifier URL has at most 2048/,
      )
      const refused = await authenticate(admin, serviceId, tooLong)
      assert.equal(refused.status, 400, refused.text)
      assert.match(refused.json.resultMessage, /client_id/)
      assert.equal(documents.docs.hits.get(path(tooLong)) ?? 0, 0, 'nothing fetched')
    })

    test('the orphan report lists document clients never used since their first fetch, by number and URL', async () => {
      const serviceId = await admin.createService({
        issuer: ISSUER,
        clientIdMetadataDocumentSupported: true,
      })
      const unused = documents.serve(`/orphans-${backend.name}/unused.json`, keyedDocument())
      const used = documents.serve(`/orphans-${backend.name}/used.json`, keyedDocument())
      const unusedId = (await getClient(admin, serviceId, unused)).json.clientId
      await getClient(admin, serviceId, used)
      assert.equal((await authenticate(admin, serviceId, used)).status, 200)
      const registered = await admin.call(`/api/${serviceId}/client/create`, {
        body: { clientName: 'registered', redirectUris: ['https://app.example/cb'] },
      })

      const report = await admin.call(`/api/${serviceId}/client/orphans?olderThan=0`)
      assert.equal(report.status, 200, report.text)
      assert.equal(report.json.neverUsed.count, 2, report.text)
      const listed = report.json.neverUsed.clients
      const document = listed.find((c: { documentUrl?: string }) => c.documentUrl === unused)
      assert.equal(document?.clientId, unusedId, report.text)
      assert.equal(typeof document?.createdAt, 'number')
      assert.ok(listed.some((c: { clientId: number }) => c.clientId === registered.json.clientId))
      assert.ok(!listed.some((c: { documentUrl?: string }) => c.documentUrl === used))
      assert.equal(report.json.scanned, 3)
      assert.equal(report.json.complete, true)
      // Not old enough: a day by default.
      const fresh = await admin.call(`/api/${serviceId}/client/orphans`)
      assert.equal(fresh.json.neverUsed.count, 0, fresh.text)
    })
  })
}

describe('two servers sharing one PostgreSQL', () => {
  let database: TestSchema
  let servers: RunningServer[] = []
  before(async () => {
    database = await createTestSchema()
    // Nodes on one database share its admin token: the last to start with one sets it.
    const start = (adminToken?: string) =>
      startServer({
        adminToken,
        database: database.url,
        args: ['--cimd-allow-private'],
        env: { NODE_EXTRA_CA_CERTS: documents.ca.caFile },
      })
    // One at a time: the first migrates the schema.
    servers = [await start()]
    servers.push(await start(servers[0]!.adminToken))
  })
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()))
    await database?.drop()
  })

  test('an approval taken by one node takes effect on the other at once, within its cache lifetime', async () => {
    const oneAdmin = new Api(servers[0]!.url, servers[0]!.adminToken)
    const otherAdmin = new Api(servers[1]!.url, servers[1]!.adminToken)
    const serviceId = await oneAdmin.createService({
      clientIdMetadataDocumentSupported: true,
      clientIdMetadataDocumentCacheMinSeconds: 1,
      clientIdMetadataDocumentCacheMaxSeconds: 600,
      clientIdMetadataDocumentChangeApproval: true,
    })
    const path = '/nodes/client.json'
    const url = documents.serve(path, PUBLIC_CLIENT, { headers: { 'cache-control': 'max-age=1' } })
    const redirects = async (api: Api) => (await getClient(api, serviceId, url)).json.redirectUris
    assert.deepEqual(await redirects(oneAdmin), ['http://127.0.0.1/callback'])
    assert.deepEqual(await redirects(otherAdmin), ['http://127.0.0.1/callback'])
    const number = (await getClient(oneAdmin, serviceId, url)).json.clientId
    assert.equal((await getClient(otherAdmin, serviceId, url)).json.clientId, number)

    // The changed redirect URI is held on both, each caching the held answer for 10 minutes.
    documents.serve(
      path,
      { ...PUBLIC_CLIENT, redirect_uris: ['http://127.0.0.1/elsewhere'] },
      {
        headers: { 'cache-control': 'max-age=600' },
      },
    )
    await sleep(1100)
    assert.deepEqual(await redirects(oneAdmin), ['http://127.0.0.1/callback'])
    assert.deepEqual(await redirects(otherAdmin), ['http://127.0.0.1/callback'])
    const hits = documents.docs.hits.get(path)

    const approved = await oneAdmin.call(`/api/${serviceId}/client/metadata-document/approve`, {
      body: { url, version: 2 },
    })
    assert.equal(approved.status, 200, approved.text)
    assert.deepEqual(await redirects(otherAdmin), ['http://127.0.0.1/elsewhere'])
    assert.deepEqual(await redirects(oneAdmin), ['http://127.0.0.1/elsewhere'])
    assert.equal(documents.docs.hits.get(path), (hits ?? 0) + 2, 'each node fetched once more')
    assert.equal((await getClient(otherAdmin, serviceId, url)).json.clientId, number)
  })
})
