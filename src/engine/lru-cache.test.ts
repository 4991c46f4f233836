import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LruCache } from './lru-cache.js'

test('keeps at most its capacity, dropping the least recently used entry first', () => {
  const cache = new LruCache<number, string>(2)
  cache.set(1, 'one')
  cache.set(2, 'two')
  assert.equal(cache.get(1), 'one')
  cache.set(3, 'three')
  assert.equal(cache.size, 2)
  assert.equal(cache.get(2), undefined)
  assert.equal(cache.get(1), 'one')
  assert.equal(cache.get(3), 'three')
})

test('setting a key again replaces its value without growing', () => {
  const cache = new LruCache<string, number>(3)
  for (let round = 0; round < 10; round++) cache.set('key', round)
  assert.equal(cache.size, 1)
  assert.equal(cache.get('key'), 9)
})

test('refuses a capacity below one', () => {
  assert.throws(() => new LruCache(0), RangeError)
})
