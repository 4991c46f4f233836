import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryStore } from './memory-store.js'
import { policyFor, ServiceCache } from './service-cache.js'

async function setUp() {
  const store = new MemoryStore()
  let now = 0
  const cache = new ServiceCache(store, 1000, () => now)
  const service = await store.insertService({
    apiKey: 12345678901234,
    apiSecretHash: 'secret',
    settings: { serviceName: 'first' },
    policy: {},
    createdAt: 0,
    modifiedAt: 0,
  })
  const rename = (serviceName: string) =>
    store.updateService({ ...service, settings: { serviceName } })
  return { cache, service, rename, advance: (ms: number) => (now += ms) }
}

test('serves a service from memory until its time is up', async () => {
  const { cache, service, rename, advance } = await setUp()
  assert.equal((await cache.get(service.apiKey))?.settings.serviceName, 'first')
  await rename('second')
  advance(999)
  assert.equal((await cache.get(service.apiKey))?.settings.serviceName, 'first')
  advance(1)
  assert.equal((await cache.get(service.apiKey))?.settings.serviceName, 'second')
})

test('reads a forgotten service again at once, and remembers unknown ones too', async () => {
  const { cache, service, rename } = await setUp()
  await cache.get(service.apiKey)
  await rename('second')
  cache.forget(service.apiKey)
  assert.equal((await cache.get(service.apiKey))?.settings.serviceName, 'second')
  assert.equal(await cache.get(1), undefined)
})

test('holds at most its capacity, unknown ids included', async () => {
  const { service } = await setUp()
  let reads = 0
  class CountingStore extends MemoryStore {
    override getService(apiKey: number) {
      reads++
      return super.getService(apiKey)
    }
  }
  const store = new CountingStore()
  await store.insertService(service)
  const cache = new ServiceCache(store, 60_000, () => 0, 100)
  await cache.get(service.apiKey)
  for (let id = 1; id <= 99; id++) await cache.get(id)
  assert.equal(reads, 100)
  assert.ok(await cache.get(service.apiKey))
  assert.equal(reads, 100)
  for (let id = 1000; id < 1099; id++) await cache.get(id)
  // The service was used recently, the first unknown ids were not.
  assert.ok(await cache.get(service.apiKey))
  assert.equal(reads, 199)
  await cache.get(1)
  assert.equal(reads, 200)
})

test('derives a service record policy once', async () => {
  const { cache, service } = await setUp()
  const record = (await cache.get(service.apiKey))!
  assert.equal(policyFor(record), policyFor(record))
  assert.ok(policyFor(record).grantTypes.includes('authorization_code'))
})
