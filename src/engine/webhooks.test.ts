import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createEngine, MemoryStore } from './index.js'

describe('createWebhook', () => {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const cases: [string, { url: string; kinds?: string[] }][] = [
    ['a URL that is not http or https', { url: 'ftp://files.example/hook' }],
    ['a relative URL', { url: '/hook' }],
    ['an unknown event kind', { url: 'https://r.example/', kinds: ['client.created', 'nope'] }],
    ['no kinds at all', { url: 'https://r.example/', kinds: [] }],
  ]
  for (const [what, request] of cases) {
    test(`refuses ${what} with invalid_request`, async () => {
      const { apiKey } = await engine.createService({})
      await assert.rejects(
        engine.createWebhook(apiKey, request as never),
        (error: { code?: string; status?: number }) =>
          error.code === 'invalid_request' && error.status === 400,
      )
    })
  }

  test('defaults to the changes of clients, and answers the secret once', async () => {
    const { apiKey } = await engine.createService({})
    const created = await engine.createWebhook(apiKey, {
      url: 'https://r.example/',
      description: 'd',
    })
    assert.deepEqual(created.kinds, [
      'client.created',
      'client.updated',
      'client.deleted',
      'client.rolled_back',
      'client.reaped',
      'client.restored',
      'client.secret_rotated',
    ])
    assert.match(created.secret, /^whsec_/)
    assert.equal(created.description, 'd')
  })
})
