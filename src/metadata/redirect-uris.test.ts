import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  hasOnlyNativeRedirects,
  isLoopbackRedirect,
  redirectKind,
  type RedirectKind,
} from './redirect-uris.js'

const KINDS: [string, RedirectKind][] = [
  ['https://rp.example.com/cb', 'https'],
  ['http://127.0.0.1/', 'loopback'],
  ['http://127.0.0.1:33418/', 'loopback'],
  ['http://[::1]:8080/cb', 'loopback'],
  ['http://localhost/callback', 'loopback'],
  ['http://localhost:6274/oauth/callback', 'loopback'],
  ['http://rp.example.com/cb', 'http'],
  ['http://localhost.example.com/cb', 'http'],
  ['https://127.0.0.1/cb', 'https'],
  ['net.openid.appauthdemo:/oauth2redirect', 'private-use'],
  ['cursor://anysphere.cursor-mcp/oauth/callback', 'private-use'],
  ['io.element:/callback', 'private-use'],
  ['javascript:alert(1)', 'dangerous'],
  ['DATA:text/plain,x', 'dangerous'],
  ['file:///tmp/x', 'dangerous'],
  ['/relative/cb', 'invalid'],
  ['https://rp.example.com/a b', 'invalid'],
  ['', 'invalid'],
]

test('classifies redirect URIs by kind: https, loopback, private-use, dangerous (RFC 8252 §7.1 - §7.3)', () => {
  for (const [uri, kind] of KINDS) assert.equal(redirectKind(uri), kind, uri)
})

test('treats http on 127.0.0.1, [::1] and localhost with any port or none as loopback (RFC 8252 §7.3)', () => {
  assert.ok(isLoopbackRedirect('http://localhost/'))
  assert.ok(isLoopbackRedirect('http://[::1]/'))
  assert.ok(isLoopbackRedirect('http://127.0.0.1:65535/cb'))
  assert.ok(!isLoopbackRedirect('https://localhost/'))
  assert.ok(!isLoopbackRedirect('http://localhost@evil.example/'))
})

test('calls a redirect set native only when every URI is loopback or private-use (corpus rule 3)', () => {
  assert.ok(hasOnlyNativeRedirects(['http://127.0.0.1/cb', 'com.example:/cb']))
  assert.ok(!hasOnlyNativeRedirects(['http://127.0.0.1/cb', 'https://rp.example.com/cb']))
  assert.ok(!hasOnlyNativeRedirects([]))
  assert.ok(!hasOnlyNativeRedirects(undefined))
})
