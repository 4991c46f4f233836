import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isUrlClientId, lifetimeSeconds } from './client-id-metadata.js'
import type { ServiceRecord } from './records.js'

const service = {
  settings: {
    clientIdMetadataDocumentCacheMinSeconds: 60,
    clientIdMetadataDocumentCacheMaxSeconds: 3600,
  },
} as ServiceRecord
const NOW = Date.parse('2026-12-06T00:00:00Z')
const lifetime = (headers: Record<string, string>) =>
  lifetimeSeconds(service, new Response('{}', { headers }), NOW)

it('a document is cached for its max-age, else its Expires, else the minimum; always within the bounds (draft §5.2)', () => {
  assert.equal(lifetime({ 'cache-control': 'public, max-age=600' }), 600)
  assert.equal(lifetime({ 'cache-control': 'max-age=5' }), 60, 'raised to the minimum')
  assert.equal(lifetime({ 'cache-control': 'max-age=999999' }), 3600, 'held to the maximum')
  assert.equal(lifetime({ 'cache-control': 'no-store' }), 60)
  assert.equal(lifetime({ 'cache-control': 'no-cache, max-age=600' }), 60)
  assert.equal(lifetime({}), 60)
  const inTwentyMinutes = new Date(NOW + 1_200_000).toUTCString()
  assert.equal(lifetime({ expires: inTwentyMinutes }), 1200)
  // Expires is read against the answer's own Date when it has one.
  assert.equal(
    lifetime({ expires: inTwentyMinutes, date: new Date(NOW + 600_000).toUTCString() }),
    600,
  )
  assert.equal(lifetime({ expires: 'not a date' }), 60)
  assert.equal(
    lifetime({ 'cache-control': 'max-age=300', expires: inTwentyMinutes }),
    300,
    'max-age wins over Expires',
  )
})

it('only a scheme:// client_id is taken for a document URL; numeric ids and aliases are not', () => {
  for (const id of ['https://a.example/c', 'HTTPS://a.example/c', 'http://a.example/c']) {
    assert.equal(isUrlClientId(id), true, id)
  }
  for (const id of ['12345', 'my-alias', 'urn:example:client', 12345, undefined]) {
    assert.equal(isUrlClientId(id), false, String(id))
  }
})
