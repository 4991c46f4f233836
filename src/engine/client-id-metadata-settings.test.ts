import assert from 'node:assert/strict'
import { it } from 'node:test'
import { hostAllowed } from './client-id-metadata-settings.js'
import { createEngine, MemoryStore } from './index.js'

const engine = () => createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })

it('CIMD settings: off by default with bounds 300 / 86400; an update that omits them keeps them', async () => {
  const registrar = engine()
  const service = await registrar.createService({ serviceName: 'cimd' })
  assert.equal(service.settings.clientIdMetadataDocumentSupported, false)
  assert.deepEqual(service.settings.clientIdMetadataDocumentHosts, [])
  assert.equal(service.settings.clientIdMetadataDocumentCacheMinSeconds, 300)
  assert.equal(service.settings.clientIdMetadataDocumentCacheMaxSeconds, 86_400)
  assert.equal('client_id_metadata_document_supported' in registrar.discovery(service), false)
  const on = await registrar.updateService(service.apiKey, {
    clientIdMetadataDocumentSupported: true,
    clientIdMetadataDocumentHosts: ['example.com', 'https://agents.example.org/clients/'],
    clientIdMetadataDocumentCacheMinSeconds: 60,
  })
  const kept = await registrar.updateService(service.apiKey, { serviceName: 'renamed' })
  for (const record of [on, kept]) {
    assert.equal(record.settings.clientIdMetadataDocumentSupported, true)
    assert.deepEqual(record.settings.clientIdMetadataDocumentHosts, [
      'example.com',
      'https://agents.example.org/clients/',
    ])
    assert.equal(record.settings.clientIdMetadataDocumentCacheMinSeconds, 60)
  }
  assert.equal(registrar.discovery(kept)['client_id_metadata_document_supported'], true)
})

it('CIMD settings are checked: types, each host entry, and min <= max on the merged settings', async () => {
  const registrar = engine()
  const service = await registrar.createService({ serviceName: 'cimd' })
  for (const [input, message] of [
    [
      { clientIdMetadataDocumentSupported: 'yes' },
      /clientIdMetadataDocumentSupported must be a boolean/,
    ],
    [{ clientIdMetadataDocumentHosts: 'example.com' }, /must be an array/],
    [{ clientIdMetadataDocumentHosts: ['http://example.com/'] }, /is not an https URL prefix/],
    [{ clientIdMetadataDocumentHosts: ['exa mple.com'] }, /is not a host name/],
    [{ clientIdMetadataDocumentCacheMinSeconds: -1 }, /must be a non-negative integer/],
    [{ clientIdMetadataDocumentCacheMinSeconds: 90_000 }, /must not exceed/],
    [{ clientIdMetadataDocumentCacheMaxSeconds: 10 }, /must not exceed/],
  ] as const) {
    await assert.rejects(registrar.updateService(service.apiKey, input as never), (error: Error) =>
      message.test(error.message),
    )
  }
  await assert.rejects(
    registrar.createService({
      clientIdMetadataDocumentCacheMinSeconds: 100,
      clientIdMetadataDocumentCacheMaxSeconds: 99,
    }),
    /must not exceed/,
  )
})

it('hostAllowed: empty allows any; a host name allows that host on the default port; a prefix its origin and paths under it', () => {
  const url = (text: string) => new URL(text)
  assert.equal(hostAllowed([], url('https://any.example/x')), true)
  assert.equal(hostAllowed(['example.com'], url('https://example.com/a/b')), true)
  assert.equal(hostAllowed(['example.com'], url('https://example.com:8443/a')), false)
  assert.equal(hostAllowed(['example.com'], url('https://example.com.evil.test/a')), false)
  const prefix = ['https://agents.example.org/clients/']
  assert.equal(hostAllowed(prefix, url('https://agents.example.org/clients/one.json')), true)
  assert.equal(hostAllowed(prefix, url('https://agents.example.org/other.json')), false)
  assert.equal(hostAllowed(prefix, url('https://agents.example.org.evil.test/clients/x')), false)
})
