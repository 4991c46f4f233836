import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createClientIdMetadataDocument } from './client-id-metadata-document.js'
import { DcrError } from './errors.js'
import {
  serveClientIdMetadataDocument,
  writeClientIdMetadataDocument,
} from './publish-client-id-metadata-document.js'

const DOCUMENT = createClientIdMetadataDocument('https://agent.example/client.json', {
  client_name: 'agent',
  redirect_uris: ['http://127.0.0.1:7777/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
})

describe('writeClientIdMetadataDocument', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registrar-cimd-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  test('writes the document as JSON, world-readable, leaving no temporary file', async () => {
    const path = join(dir, 'public', 'client.json')
    assert.deepEqual(await writeClientIdMetadataDocument(path, DOCUMENT), DOCUMENT)
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), DOCUMENT)
    assert.equal((await stat(path)).mode & 0o777, 0o644)
    assert.deepEqual(await readdir(join(dir, 'public')), ['client.json'])
  })

  test('replaces an older document whole', async () => {
    const path = join(dir, 'replaced.json')
    await writeClientIdMetadataDocument(path, DOCUMENT)
    await writeClientIdMetadataDocument(path, { ...DOCUMENT, client_name: 'agent 2' })
    assert.equal(JSON.parse(await readFile(path, 'utf8')).client_name, 'agent 2')
  })

  test('writes nothing for a document the draft forbids (§4.1)', async () => {
    const path = join(dir, 'refused.json')
    await assert.rejects(
      writeClientIdMetadataDocument(path, { ...DOCUMENT, client_secret: 'shared' }),
      (error: unknown) =>
        error instanceof DcrError && error.error === 'invalid_client_id_metadata_document',
    )
    await assert.rejects(stat(path), { code: 'ENOENT' })
  })
})

describe('serveClientIdMetadataDocument on a real node:http server', () => {
  let server: Server
  let url: string
  before(async () => {
    server = createServer(serveClientIdMetadataDocument(DOCUMENT, { maxAgeSeconds: 600 }))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client.json`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('answers GET with 200, application/json, the max-age asked and the document (draft §4, §5.2)', async () => {
    const answer = await fetch(url)
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'application/json')
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=600')
    assert.deepEqual(await answer.json(), DOCUMENT)
  })

  test('answers a matching If-None-Match with 304 and no body (RFC 9111 §4.3)', async () => {
    const etag = (await fetch(url)).headers.get('etag')
    assert.ok(etag)
    const answer = await fetch(url, { headers: { 'if-none-match': `"other", ${etag}` } })
    assert.equal(answer.status, 304)
    assert.equal(await answer.text(), '')
    assert.equal((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status, 200)
  })

  test('answers HEAD with the headers and no body; other methods with 405', async () => {
    const head = await fetch(url, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-type'), 'application/json')
    const post = await fetch(url, { method: 'POST', body: '{}' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD')
  })

  test('refuses to serve a forbidden document or a bad max-age, before any request', () => {
    assert.throws(
      () =>
        serveClientIdMetadataDocument({
          ...DOCUMENT,
          token_endpoint_auth_method: 'client_secret_basic',
        }),
      (error: unknown) => error instanceof DcrError && /shared secret/.test(error.message),
    )
    assert.throws(() => serveClientIdMetadataDocument(DOCUMENT, { maxAgeSeconds: -1 }), RangeError)
  })

  test('defaults to an hour of caching', async () => {
    const other = createServer(serveClientIdMetadataDocument(DOCUMENT))
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const port = (other.address() as AddressInfo).port
      const answer = await fetch(`http://127.0.0.1:${port}/client.json`)
      assert.equal(answer.headers.get('cache-control'), 'public, max-age=3600')
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })
})
