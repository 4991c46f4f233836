import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TtlCache } from './ttl-cache.js'

function cacheAt(clock: { now: number }, maxEntries = 3, ttlMilliseconds = 100) {
  return new TtlCache<string>({ maxEntries, ttlMilliseconds, now: () => clock.now })
}

test('forgets a value once its TTL has passed', () => {
  const clock = { now: 0 }
  const cache = cacheAt(clock)
  cache.set('a', 'one')
  clock.now = 99
  assert.equal(cache.get('a'), 'one')
  clock.now = 100
  assert.equal(cache.get('a'), undefined)
  assert.equal(cache.size, 0)
})

test('holds at most maxEntries, dropping the one stored longest ago', () => {
  const cache = cacheAt({ now: 0 })
  for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key)
  assert.equal(cache.size, 3)
  assert.equal(cache.get('a'), undefined)
  assert.equal(cache.get('d'), 'd')
  cache.set('b', 'again')
  cache.set('e', 'e')
  assert.equal(cache.get('c'), undefined)
  assert.equal(cache.get('b'), 'again')
})

test('caches nothing with a TTL of 0', () => {
  const cache = cacheAt({ now: 0 }, 3, 0)
  cache.set('a', 'one')
  assert.equal(cache.get('a'), undefined)
})

test('refuses a size or TTL that is not a usable number', () => {
  assert.throws(() => cacheAt({ now: 0 }, 0), RangeError)
  assert.throws(() => cacheAt({ now: 0 }, 3, -1), RangeError)
  assert.throws(() => cacheAt({ now: 0 }, 3, Number.NaN), RangeError)
})
