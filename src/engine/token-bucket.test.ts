import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  levelAt,
  LocalBuckets,
  millisecondsUntilToken,
  retryAfterSeconds,
  type BucketCheck,
} from './token-bucket.js'

const limit = { capacity: 3, refillPerMinute: 6 } // one token every 10 s

function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (milliseconds: number) => (now += milliseconds) }
}

const check = (key: string, bucket = limit): BucketCheck => ({
  name: 'perNetwork',
  key,
  limit: bucket,
})

describe('bucket math', () => {
  test('a bucket never used is full', () => {
    assert.equal(levelAt(undefined, limit, 0), 3)
  })

  test('refills continuously at refillPerMinute, never past capacity', () => {
    const state = { tokens: 0, at: 0 }
    assert.equal(levelAt(state, limit, 5_000), 0.5)
    assert.equal(levelAt(state, limit, 10_000), 1)
    assert.equal(levelAt(state, limit, 25_000), 2.5)
    assert.equal(levelAt(state, limit, 3_600_000), 3)
  })

  test('a clock that steps back refills nothing and takes nothing', () => {
    assert.equal(levelAt({ tokens: 1.5, at: 10_000 }, limit, 9_000), 1.5)
  })

  test('the wait for one token follows the refill rate', () => {
    assert.equal(millisecondsUntilToken(1, limit), 0)
    assert.equal(millisecondsUntilToken(0, limit), 10_000)
    assert.equal(millisecondsUntilToken(0.75, limit), 2_500)
  })

  test('Retry-After is whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3)', () => {
    assert.equal(retryAfterSeconds(0.001), 1)
    assert.equal(retryAfterSeconds(1_000), 1)
    assert.equal(retryAfterSeconds(1_001), 2)
    assert.equal(retryAfterSeconds(2_500), 3)
    assert.equal(retryAfterSeconds(59_999.5), 60)
  })
})

describe('LocalBuckets', () => {
  test('allows a burst of capacity, then one per refill interval', () => {
    const time = clock()
    const buckets = new LocalBuckets(100, time.now)
    for (let i = 0; i < 3; i++) assert.equal(buckets.take([check('a')]), undefined)
    const refusal = buckets.take([check('a')])
    assert.equal(refusal?.check.key, 'a')
    assert.equal(refusal?.retryAfterMilliseconds, 10_000)
    time.advance(4_000)
    assert.equal(Math.round(buckets.take([check('a')])!.retryAfterMilliseconds), 6_000)
    time.advance(6_000)
    assert.equal(buckets.take([check('a')]), undefined)
    assert.ok(buckets.take([check('a')]))
  })

  test('a refused check takes from no bucket; the answer names the bucket that needs longest', () => {
    const time = clock()
    const buckets = new LocalBuckets(100, time.now)
    const slow = { capacity: 1, refillPerMinute: 1 }
    assert.equal(buckets.take([check('fast'), check('slow', slow)]), undefined)
    // 'slow' is empty: nothing is taken from 'fast', which keeps its two tokens.
    const refusal = buckets.take([check('fast'), check('slow', slow)])
    assert.equal(refusal?.check.key, 'slow')
    assert.equal(refusal?.retryAfterMilliseconds, 60_000)
    assert.equal(buckets.take([check('fast')]), undefined)
    assert.equal(buckets.take([check('fast')]), undefined)
    assert.ok(buckets.take([check('fast')]))
  })

  test('buckets with different keys are independent', () => {
    const buckets = new LocalBuckets(100, clock().now)
    for (let i = 0; i < 3; i++) buckets.take([check('a')])
    assert.ok(buckets.take([check('a')]))
    assert.equal(buckets.take([check('b')]), undefined)
  })

  test('holds at most its number of keys; a dropped bucket is full again', () => {
    const buckets = new LocalBuckets(2, clock().now)
    for (let i = 0; i < 3; i++) buckets.take([check('a')])
    assert.ok(buckets.take([check('a')]))
    buckets.take([check('b')])
    buckets.take([check('c')])
    assert.equal(buckets.take([check('a')]), undefined)
  })

  test('reports local mode', () => {
    assert.equal(new LocalBuckets(2).mode(), 'local')
  })
})
