import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { resolveClientMetadata } from './resolve.js'
import { DEFAULT_POLICY } from './policy.js'
import { refusedSchemeReason, REFUSED_SCHEMES } from './schemes.js'
import { hostProblem, parseRfc3986 } from './uri-syntax.js'

test('URIs of the RFC 3986 grammar parse, with scheme, userinfo and host (RFC 3986 §3)', () => {
  assert.deepEqual(parseRfc3986('HTTPS://u:p@Rp.example.com:8443/a/b?c=d#e'), {
    scheme: 'https',
    userinfo: 'u:p',
    host: 'Rp.example.com',
  })
  assert.deepEqual(parseRfc3986('net.openid.appauthdemo:/oauth2redirect'), {
    scheme: 'net.openid.appauthdemo',
    userinfo: undefined,
    host: undefined,
  })
  for (const uri of [
    'http://[::1]:8080/',
    'http://[2001:db8::7]/c=GB?objectClass?one',
    'http://[::ffff:127.0.0.1]/',
    'http://[v1.fe80::a+en1]/',
    'urn:ietf:wg:oauth:2.0:oob',
    'mailto:John.Doe@example.com',
    'https://rp.example.com/%7Efred',
    'https://rp.example.com',
    'myapp:',
  ]) {
    assert.notEqual(parseRfc3986(uri), undefined, uri)
  }
})

test('anything else does not parse: the strings WHATWG URL repairs (RFC 3986 Appendix A)', () => {
  for (const uri of [
    'https:\\\\evil.example\\cb',
    'https://a b/',
    'https://a/b c',
    'https://a/%',
    'https://a/%4',
    'https://a/%g0',
    'https://a/"',
    'https://a/{',
    'https://a/}',
    'https://a/|',
    'https://a/^',
    'https://a/`',
    'https://a/<>',
    'https://a/\u00e9',
    'https://a/#a#b',
    'https://[::1/',
    'https://[1:2:3:4:5:6:7:8:9]/',
    'https://[::1%eth0]/',
    'https://a:80x/',
    '//rp.example.com/cb',
    '/cb',
    '1https://a/',
    '',
  ]) {
    assert.equal(parseRfc3986(uri), undefined, uri)
  }
})

test('hosts must be plain names that WHATWG URL reads alike (RFC 3986 §3.2.2)', () => {
  const problem = (uri: string) => {
    const parsed = parseRfc3986(uri)
    assert.ok(parsed, uri)
    return hostProblem(parsed, new URL(uri).hostname)
  }
  for (const uri of ['https://a.example/', 'https://A.Example./', 'http://[::1]/', 'app:///x']) {
    assert.equal(problem(uri), undefined, uri)
  }
  for (const uri of [
    'https://*.a.example/',
    'https:///x',
    'https://127.1/',
    'https://a%2eb/',
    'https:evil.example/cb',
    'http:/evil.example/cb',
  ]) {
    assert.notEqual(problem(uri), undefined, uri)
  }
})

test('every refused scheme has a reason; ms-* handlers are refused as a family', () => {
  for (const [scheme, reason] of REFUSED_SCHEMES) {
    assert.match(scheme, /^[a-z][a-z0-9+.-]*$/)
    assert.ok(reason.length > 0, scheme)
  }
  assert.ok(refusedSchemeReason('MS-Settings:'))
  assert.ok(refusedSchemeReason('ms-officecmd'))
  assert.equal(refusedSchemeReason('com.example.app'), undefined)
  assert.equal(refusedSchemeReason('cursor'), undefined)
  assert.equal(refusedSchemeReason('https'), undefined)
})

/** Characters where RFC 3986 and WHATWG URL disagree, and the delimiters around them. */
const HOSTILE = [...'aZ09-._~:/?#[]@!$&\'()*+,;=%\\"{}|^` \t<>', '\u00e9', '\u3002', '1', 'x']

test('a redirect URI that registers points where WHATWG URL says it does (property)', async () => {
  const uri = fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'com.example.app:', 'cursor://', 'https:'),
      fc.array(fc.constantFrom(...HOSTILE, 'rp.example', '127.0.0.1', '[::1]', 'localhost'), {
        maxLength: 12,
      }),
    )
    .map(([prefix, parts]) => prefix + parts.join(''))
  await fc.assert(
    fc.asyncProperty(uri, async (value) => {
      let accepted = true
      try {
        await resolveClientMetadata({ redirect_uris: [value] }, DEFAULT_POLICY, { now: 0 })
      } catch {
        accepted = false
      }
      if (!accepted) return
      const parsed = parseRfc3986(value)
      assert.ok(parsed, value)
      const url = new URL(value)
      assert.equal(url.protocol, `${parsed.scheme}:`, value)
      assert.equal(parsed.userinfo, undefined, value)
      assert.equal(url.username + url.password, '', value)
      if (parsed.host !== undefined && !parsed.host.startsWith('[')) {
        assert.equal(url.hostname.toLowerCase(), parsed.host.toLowerCase(), value)
      }
      assert.doesNotMatch(value, /[\\"{}|^`\s<>\u0080-\uffff]/, value)
    }),
    { numRuns: 2000 },
  )
})
