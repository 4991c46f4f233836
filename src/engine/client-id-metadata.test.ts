import assert from 'node:assert/strict'
import { it } from 'node:test'
import { MAX_CLIENT_ID_LENGTH } from '../wire/index.js'
import { isUrlClientId } from './client-id-metadata.js'
import { checkedUrl, lifetimeSeconds } from './metadata-document-rules.js'
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

it('a client identifier URL is https with a path, no userinfo, fragment or dot segment; a port and a query are allowed (draft §3)', () => {
  for (const id of [
    'https://example.com/client',
    // §3's own example: allowed, though not the same client_id as the one above.
    'https://example.com:443/client',
    'https://example.com/client?v=1',
    'https://example.com/a/b%20c/metadata.json',
  ]) {
    assert.equal(checkedUrl(id).href.startsWith('https://example.com'), true, id)
  }
  const refused: [string, RegExp][] = [
    ['http://example.com/client', /is not an https URL/],
    ['https://example.com', /has no path/],
    // NOT RECOMMENDED by §3: refused.
    ['https://example.com/', /its path is \/, which a client identifier URL should not have/],
    ['https://user:pass@example.com/client', /has user information/],
    ['https://user@example.com/client', /has user information/],
    ['https://example.com/client#top', /has a fragment/],
    ['https://example.com/client#', /has a fragment/],
    ['https://example.com/a/../client', /has a \. or \.\. path segment/],
    ['https://example.com/./client', /has a \. or \.\. path segment/],
    ['https://example.com/a/%2e%2e/client', /reads as \/client once parsed/],
    ['https://example.com/a\\..\\client', /reads as .* once parsed/],
    ['https://example.com/my client', /reads as \/my%20client once parsed/],
    ['not a url', /is not a URL/],
  ]
  for (const [id, reason] of refused) {
    assert.throws(() => checkedUrl(id), reason, id)
  }
})

it(`a client identifier URL of ${MAX_CLIENT_ID_LENGTH} characters is read; a longer one is refused by its length`, () => {
  const base = 'https://example.com/'
  const longest = base + 'a'.repeat(MAX_CLIENT_ID_LENGTH - base.length)
  assert.equal(checkedUrl(longest).href, longest)
  assert.throws(
    () => checkedUrl(`${longest}a`),
    new RegExp(
      `is ${MAX_CLIENT_ID_LENGTH + 1} characters long; a client identifier URL has at most ${MAX_CLIENT_ID_LENGTH}`,
    ),
  )
})
