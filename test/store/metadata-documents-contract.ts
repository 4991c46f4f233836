/**
 * The pinned Client ID Metadata Documents of the Store contract (metadata-document-store.ts):
 * a first fetch is version 1, the same document again adds nothing, a changed one is the
 * next version with the one before it answered, versions are kept per service and URL and
 * go with their service.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ServiceRecord, Store } from '../../src/engine/index.js'
import { NOW } from './records.js'

export interface MetadataDocumentContext {
  store(): Store
  newService(): Promise<ServiceRecord>
}

export function metadataDocumentTests(context: MetadataDocumentContext): void {
  test('a metadata document is pinned once per change, as numbered versions per service and URL', async () => {
    const store = context.store()
    const service = await context.newService()
    const other = await context.newService()
    const url = 'https://agent.example/client.json'
    const pin = (serviceApiKey: number, document: string, fetchedAt = NOW) =>
      store.pinMetadataDocument({ serviceApiKey, url, document, fetchedAt })

    assert.deepEqual(await pin(service.apiKey, '{"v":1}'), { added: true })
    const same = await pin(service.apiKey, '{"v":1}', NOW + 1)
    assert.equal(same.added, false)
    assert.equal(same.previous?.version, 1)
    const changed = await pin(service.apiKey, '{"v":2}', NOW + 2)
    assert.equal(changed.added, true)
    assert.deepEqual(changed.previous, {
      serviceApiKey: service.apiKey,
      url,
      version: 1,
      document: '{"v":1}',
      fetchedAt: NOW,
    })
    assert.deepEqual(await pin(other.apiKey, '{"v":2}'), { added: true })

    const versions = await store.metadataDocumentVersions(service.apiKey, url)
    assert.deepEqual(
      versions.map(({ version, document, fetchedAt }) => ({ version, document, fetchedAt })),
      [
        { version: 1, document: '{"v":1}', fetchedAt: NOW },
        { version: 2, document: '{"v":2}', fetchedAt: NOW + 2 },
      ],
    )
    assert.deepEqual(await store.metadataDocumentVersions(service.apiKey, `${url}?other`), [])
    assert.equal(await store.deleteService(service.apiKey), true)
    assert.deepEqual(await store.metadataDocumentVersions(service.apiKey, url), [])
    assert.equal((await store.metadataDocumentVersions(other.apiKey, url)).length, 1)
  })
}

export function metadataDocumentClientTests(context: MetadataDocumentContext): void {
  test('a metadata document client keeps its approved version and its latest use per service and URL', async () => {
    const store = context.store()
    const service = await context.newService()
    const other = await context.newService()
    const url = 'https://agent.example/client.json'

    assert.equal(await store.metadataDocumentClient(service.apiKey, url), undefined)
    await store.approveMetadataDocument(service.apiKey, url, 1)
    assert.deepEqual(await store.metadataDocumentClient(service.apiKey, url), {
      clientNumber: 1,
      approvedVersion: 1,
    })
    await store.recordMetadataDocumentUse(service.apiKey, url, NOW)
    await store.approveMetadataDocument(service.apiKey, url, 3)
    assert.deepEqual(await store.metadataDocumentClient(service.apiKey, url), {
      clientNumber: 1,
      approvedVersion: 3,
      lastUsedAt: NOW,
    })
    // A use noted out of order never moves the last use back.
    await store.recordMetadataDocumentUse(service.apiKey, url, NOW - 10)
    assert.equal((await store.metadataDocumentClient(service.apiKey, url))?.lastUsedAt, NOW)
    await store.recordMetadataDocumentUse(service.apiKey, url, NOW + 10)
    assert.equal((await store.metadataDocumentClient(service.apiKey, url))?.lastUsedAt, NOW + 10)

    await store.recordMetadataDocumentUse(other.apiKey, url, NOW)
    assert.deepEqual(await store.metadataDocumentClient(other.apiKey, url), {
      clientNumber: 1,
      lastUsedAt: NOW,
    })
    assert.equal(await store.metadataDocumentClient(service.apiKey, `${url}?other`), undefined)

    assert.equal(await store.deleteService(service.apiKey), true)
    assert.equal(await store.metadataDocumentClient(service.apiKey, url), undefined)
    assert.deepEqual(await store.metadataDocumentClient(other.apiKey, url), {
      clientNumber: 1,
      lastUsedAt: NOW,
    })
  })

  test("a metadata document client's number is the service's next one, kept for good, and lists it", async () => {
    const store = context.store()
    const service = await context.newService()
    const url = (n: number) => `https://agent${n}.example/client.json`
    await store.pinMetadataDocument({
      serviceApiKey: service.apiKey,
      url: url(1),
      document: '{}',
      fetchedAt: NOW - 5,
    })
    await store.approveMetadataDocument(service.apiKey, url(1), 1)
    await store.recordMetadataDocumentUse(service.apiKey, url(2), NOW)
    // Nodes numbering URLs at once each get a number of their own.
    await Promise.all(
      [3, 4, 5, 6].map((n) => store.approveMetadataDocument(service.apiKey, url(n), 1)),
    )
    await store.approveMetadataDocument(service.apiKey, url(1), 2)
    await store.recordMetadataDocumentUse(service.apiKey, url(1), NOW)
    assert.equal((await store.metadataDocumentClient(service.apiKey, url(1)))?.clientNumber, 1)
    assert.equal((await store.metadataDocumentClient(service.apiKey, url(2)))?.clientNumber, 2)
    const numbers = await Promise.all(
      [3, 4, 5, 6].map(
        async (n) => (await store.metadataDocumentClient(service.apiKey, url(n)))?.clientNumber,
      ),
    )
    assert.deepEqual([...numbers].sort(), [3, 4, 5, 6])

    const listed = await store.listMetadataDocumentClients(service.apiKey, { start: 0, end: 2 })
    assert.deepEqual(listed, [
      {
        url: url(1),
        clientNumber: 1,
        approvedVersion: 2,
        lastUsedAt: NOW,
        firstFetchedAt: NOW - 5,
      },
      { url: url(2), clientNumber: 2, lastUsedAt: NOW },
    ])
    assert.equal(await store.metadataDocumentUrl(service.apiKey, 2), url(2))
    assert.equal(await store.metadataDocumentUrl(service.apiKey, 99), undefined)
    const rest = await store.listMetadataDocumentClients(service.apiKey, { start: 2, end: 100 })
    assert.deepEqual(
      rest.map((client) => client.clientNumber),
      [3, 4, 5, 6],
    )
  })
}
