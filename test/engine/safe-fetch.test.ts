/**
 * safeFetch against a real https server of the test's own CA, in a process that trusts the CA
 * through NODE_EXTRA_CA_CERTS as a deployment would: it fetches what it may, and refuses,
 * each with its own text, a URL that is not https, a private, loopback or link-local
 * address given as such or behind a name, a redirect, an oversized answer and a slow one.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isSpecialAddress } from '../../src/engine/safe-fetch.js'
import { createTestCa, startHttpsServer, type HttpsServer, type TestCa } from '../support/tls.js'

const SAFE_FETCH = fileURLToPath(new URL('../../src/engine/safe-fetch.ts', import.meta.url))

let ca: TestCa
let server: HttpsServer
before(async () => {
  ca = createTestCa()
  server = await startHttpsServer(ca, (request, response) => {
    switch (request.url) {
      case '/doc':
        response.setHeader('content-type', 'application/json')
        response.end('{"ok":true}')
        break
      case '/redirect':
        response.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' })
        response.end()
        break
      case '/large':
        response.end('x'.repeat(100_000))
        break
      case '/slow':
        setTimeout(() => response.end('{}'), 3000).unref()
        break
      default:
        response.writeHead(404).end()
    }
  })
})
after(async () => {
  await server.close()
  ca.remove()
})

interface Outcome {
  status?: number
  body?: string
  refused?: string
  name?: string
}

/** safeFetch(url, options) in a fresh process that trusts the test CA. */
function fetchInProcess(url: string, options: Record<string, unknown> = {}): Promise<Outcome> {
  const script = `
    import { safeFetch } from ${JSON.stringify(SAFE_FETCH)}
    try {
      const response = await safeFetch(${JSON.stringify(url)}, ${JSON.stringify(options)})
      console.log(JSON.stringify({ status: response.status, body: await response.text() }))
    } catch (error) {
      console.log(JSON.stringify({ refused: error.message, name: error.name }))
    }`
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.caFile }, timeout: 30_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(stderr || String(error))) : resolve(JSON.parse(stdout) as Outcome),
    )
  })
}

test('fetches an https document when private addresses are allowed', async () => {
  const outcome = await fetchInProcess(`${server.url}/doc`, { allowPrivate: true })
  assert.deepEqual(outcome, { status: 200, body: '{"ok":true}' })
  const byName = await fetchInProcess(`${server.url.replace('127.0.0.1', 'localhost')}/doc`, {
    allowPrivate: true,
  })
  assert.equal(byName.status, 200, JSON.stringify(byName))
})

test('each refusal says why', async () => {
  const port = new URL(server.url).port
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [`http://127.0.0.1:${port}/doc`, { allowPrivate: true }, /is not an https URL/],
    ['not a url', {}, /is not a URL/],
    [`${server.url}/doc`, {}, /127\.0\.0\.1 is a private, loopback or reserved address/],
    ['https://169.254.169.254/latest/meta-data/', {}, /169\.254\.169\.254 is a private/],
    ['https://[::1]/jwks', {}, /::1 is a private/],
    ['https://[::ffff:10.0.0.1]/jwks', {}, /is a private/],
    [`https://localhost:${port}/doc`, {}, /localhost resolves to (127\.0\.0\.1|::1), a private/],
    [
      `${server.url}/redirect`,
      { allowPrivate: true },
      /redirects \(302\); redirects are not followed/,
    ],
    [`${server.url}/large`, { allowPrivate: true, maxBytes: 5120 }, /answers more than 5120 bytes/],
    [
      `${server.url}/slow`,
      { allowPrivate: true, timeoutMilliseconds: 500 },
      /did not answer within 500 ms/,
    ],
  ]
  const outcomes = await Promise.all(cases.map(([url, options]) => fetchInProcess(url, options)))
  cases.forEach(([url, , reason], index) => {
    const outcome = outcomes[index]!
    assert.equal(outcome.name, 'FetchRefusedError', `${url}: ${JSON.stringify(outcome)}`)
    assert.match(outcome.refused!, reason, url)
  })
})

test('special-purpose, private, documentation and embedded addresses are refused; public ones pass', () => {
  const refused = [
    '127.0.0.1',
    '10.1.2.3',
    '169.254.169.254',
    '100.64.0.1',
    '192.0.2.7',
    '198.51.100.7',
    '203.0.113.7',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '2001:db8::1',
    '100::1',
    '::ffff:10.0.0.1',
    '::ffff:93.184.216.34',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
    'not-an-ip',
  ]
  for (const address of refused) assert.equal(isSpecialAddress(address), true, address)
  for (const address of ['93.184.216.34', '172.32.0.1', '2606:2800:220:1::1']) {
    assert.equal(isSpecialAddress(address), false, address)
  }
})
