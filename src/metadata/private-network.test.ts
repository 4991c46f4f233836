import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isLoopbackHost, isPrivateNetworkHost } from './private-network.js'
import { policyOf } from './policy.js'
import { resolveClientMetadata } from './resolve.js'

/** Hosts as `new URL().hostname` gives them. */
const hostOf = (uri: string) => new URL(uri).hostname

test('special-purpose IPv4 and IPv6 literals and localhost names are private (RFC 6890)', () => {
  for (const uri of [
    'https://0.0.0.0/',
    'https://10.255.0.1/',
    'https://100.64.0.1/',
    'https://127.0.0.1/',
    'https://169.254.169.254/',
    'https://172.31.255.255/',
    'https://192.168.1.1/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://[::]/',
    'https://[::1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[::127.0.0.1]/',
    'https://[64:ff9b::a00:1]/',
    'https://[2002:7f00:1::]/',
    'https://[fc00::1]/',
    'https://[fdff::1]/',
    'https://[fe80::1]/',
    'https://[ff02::1]/',
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
    'https://0x7f.1/',
    'https://2130706433/',
  ]) {
    assert.equal(isPrivateNetworkHost(hostOf(uri)), true, uri)
  }
})

test('public addresses and names are not private', () => {
  for (const uri of [
    'https://8.8.8.8/',
    'https://100.128.0.1/',
    'https://172.32.0.1/',
    'https://[2001:4860:4860::8888]/',
    'https://rp.example.com/',
    'https://localhost.example.com/',
  ]) {
    assert.equal(isPrivateNetworkHost(hostOf(uri)), false, uri)
  }
})

test('loopback is localhost names, 127/8 and ::1, mapped forms included (RFC 8252 §8.3)', () => {
  for (const host of ['localhost', '127.0.0.2', '[::1]', '[::ffff:7f00:1]', 'a.localhost']) {
    assert.equal(isLoopbackHost(host), true, host)
  }
  for (const host of ['10.0.0.1', '[fe80::1]', 'rp.example.com']) {
    assert.equal(isLoopbackHost(host), false, host)
  }
})

test('allowPrivateNetworkUris lets fetched URIs point into private networks', async () => {
  const body = {
    redirect_uris: ['https://rp.example.com/cb'],
    jwks_uri: 'https://10.0.0.5/jwks',
    request_uris: ['https://[::1]/r'],
  }
  const open = policyOf({ allowPrivateNetworkUris: true })
  const resolved = await resolveClientMetadata(body, open, { now: 0 })
  assert.equal(resolved.jwks_uri, body.jwks_uri)
  await assert.rejects(resolveClientMetadata(body, policyOf({}), { now: 0 }), /private/)
})
