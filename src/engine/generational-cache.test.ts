import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GenerationalCache } from './generational-cache.js'

test('never holds more than its capacity', () => {
  const cache = new GenerationalCache<number, number>(10)
  for (let i = 0; i < 1000; i++) {
    cache.set(i, i)
    assert.ok(cache.size <= 10)
  }
})

test('keeps an entry used once a generation, however many others come and go', () => {
  const cache = new GenerationalCache<string, number>(10)
  cache.set('hot', 0)
  for (let i = 0; i < 1000; i++) {
    cache.set(`cold-${i}`, i)
    if (i % 4 === 0) cache.set('hot', (cache.get('hot') ?? -1000) + 1)
  }
  assert.equal(cache.get('hot'), 250)
})

test('drops entries nobody used for two generations; a dropped key reads as absent', () => {
  const cache = new GenerationalCache<string, number>(4)
  cache.set('a', 1)
  cache.set('b', 2)
  cache.set('c', 3) // a, b are now old
  assert.equal(cache.get('a'), 1) // young again
  cache.set('d', 4) // c, a old; b dropped
  cache.set('e', 5)
  assert.equal(cache.get('b'), undefined)
  assert.equal(cache.get('a'), 1)
  assert.equal(cache.get('c'), undefined)
})

test('keeps undefined values and updates young entries in place', () => {
  const cache = new GenerationalCache<string, number | undefined>(4)
  cache.set('x', undefined)
  assert.equal(cache.get('x'), undefined)
  cache.set('x', 7)
  cache.set('x', 8)
  assert.equal(cache.size, 1)
  assert.equal(cache.get('x'), 8)
})

test('refuses a capacity below two', () => {
  assert.throws(() => new GenerationalCache(1), RangeError)
})

test('delete forgets a key in either generation', () => {
  const cache = new GenerationalCache<string, number>(4)
  cache.set('a', 1)
  cache.set('b', 2)
  cache.set('c', 3) // a, b are now old
  cache.delete('a')
  cache.delete('c')
  assert.equal(cache.get('a'), undefined)
  assert.equal(cache.get('c'), undefined)
  assert.equal(cache.get('b'), 2)
  assert.equal(cache.size, 1)
})
