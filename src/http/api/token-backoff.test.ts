import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isOAuthError } from '../../wire/index.js'
import { addressKey, TokenBackoff } from './token-backoff.js'

function setUp(options = {}) {
  let now = 1_000_000
  const backoff = new TokenBackoff({ failures: 3, windowSeconds: 60, ...options }, () => now)
  const refused = (address: string) => {
    try {
      backoff.check(address)
      return undefined
    } catch (error) {
      assert.ok(isOAuthError(error))
      return error
    }
  }
  return { backoff, refused, advance: (ms: number) => (now += ms) }
}

test('refuses an address once it has used up its wrong tokens, until the window ends (RFC 6585 §4)', () => {
  const { backoff, refused, advance } = setUp()
  for (let i = 0; i < 3; i++) {
    assert.equal(refused('192.0.2.1'), undefined)
    backoff.recordFailure('192.0.2.1')
  }
  advance(15_500)
  const error = refused('192.0.2.1')
  assert.equal(error?.status, 429)
  assert.equal(error?.code, 'too_many_requests')
  assert.equal(error?.headers['retry-after'], '45')
  assert.equal(refused('192.0.2.2'), undefined)
  advance(44_500)
  assert.equal(refused('192.0.2.1'), undefined)
})

test('counts within a window from the first wrong token, then starts again', () => {
  const { backoff, refused, advance } = setUp()
  backoff.recordFailure('192.0.2.1')
  backoff.recordFailure('192.0.2.1')
  advance(60_000)
  backoff.recordFailure('192.0.2.1')
  backoff.recordFailure('192.0.2.1')
  assert.equal(refused('192.0.2.1'), undefined)
})

test('tracks at most its number of addresses, the least recently failing dropped first', () => {
  const { backoff, refused } = setUp({ addresses: 2 })
  for (let i = 0; i < 3; i++) backoff.recordFailure('192.0.2.1')
  backoff.recordFailure('192.0.2.2')
  backoff.recordFailure('192.0.2.3')
  assert.equal(refused('192.0.2.1'), undefined)
})

test('counts an IPv6 host by its /64 and an IPv4-mapped address as IPv4', () => {
  assert.equal(addressKey('2001:db8:0:1::1'), '2001:db8:0:1::/64')
  assert.equal(addressKey('2001:0db8:0000:0001:ffff:0:0:2'), '2001:db8:0:1::/64')
  assert.equal(addressKey('::1'), '0:0:0:0::/64')
  assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1')
  assert.equal(addressKey('192.0.2.1'), '192.0.2.1')
  const { backoff, refused } = setUp()
  for (let i = 0; i < 3; i++) backoff.recordFailure(`2001:db8:0:1::${i + 1}`)
  assert.equal(refused('2001:db8:0:1::ffff')?.status, 429)
  assert.equal(refused('2001:db8:0:2::1'), undefined)
})
