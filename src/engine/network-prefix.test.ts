import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_NETWORK_PREFIX_LENGTHS, networkOf } from './network-prefix.js'

test('groups addresses by their IPv4 /24 and IPv6 /56 by default', () => {
  const cases: [string, string | undefined][] = [
    ['203.0.113.7', '203.0.113.0/24'],
    ['203.0.113.255', '203.0.113.0/24'],
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
    ['2001:db8:1234:56ff:1:2:3:4', '2001:db8:1234:5600::/56'],
    ['2001:DB8:1234:5678::1', '2001:db8:1234:5600::/56'],
    ['2001:db8::1', '2001:db8::/56'],
    ['fe80::1%eth0', 'fe80::/56'],
    ['::1', '::/56'],
    ['64:ff9b::203.0.113.7', '64:ff9b::/56'],
    ['not an address', undefined],
    ['', undefined],
  ]
  for (const [address, network] of cases) {
    assert.equal(networkOf(address, DEFAULT_NETWORK_PREFIX_LENGTHS), network, address)
  }
})

test('takes other prefix lengths, down to single addresses', () => {
  assert.equal(networkOf('203.0.113.7', { ipv4: 32, ipv6: 128 }), '203.0.113.7/32')
  assert.equal(networkOf('203.0.113.7', { ipv4: 20, ipv6: 48 }), '203.0.112.0/20')
  assert.equal(networkOf('203.0.113.7', { ipv4: 0, ipv6: 0 }), '0.0.0.0/0')
  assert.equal(networkOf('2001:db8:abcd:12::1', { ipv4: 24, ipv6: 48 }), '2001:db8:abcd::/48')
  assert.equal(networkOf('2001:db8:abcd:12::1', { ipv4: 24, ipv6: 64 }), '2001:db8:abcd:12::/64')
  assert.equal(networkOf('2001:db8::1', { ipv4: 24, ipv6: 128 }), '2001:db8:0:0:0:0:0:1/128')
  assert.equal(networkOf('2001:db8:ffff::', { ipv4: 24, ipv6: 37 }), '2001:db8:f800::/37')
})
