/**
 * Answers the framework or Node would give on their own, held to the contract (CONTRACT.md
 * "Bad input", §2): every registration-endpoint answer carries no-store, every error is
 * JSON in its surface's shape (a result error under /api/, `{error, error_description}`
 * elsewhere), preflights are answered for the public endpoints only, and descriptions
 * echo request values only in part.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { before, describe, test } from 'node:test'
import { assertNoStore, call, type Answer } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

/** A raw answer: status, lower-cased headers and the body text. */
interface RawAnswer {
  status: number
  headers: Record<string, string>
  text: string
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Sends bytes as they are (fetch would refuse to send malformed HTTP) and reads the answer. */
function sendRaw(url: string, bytes: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes))
    let received = ''
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', text = ''] = received.split('\r\n\r\n', 2)
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':')
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
        }),
      )
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text, json })
    })
  })
}

const request = (method: string, path: string, headers: Record<string, string> = {}) =>
  [`${method} ${path} HTTP/1.1`, 'Host: registrar.test', 'Connection: close']
    .concat(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))
    .join('\r\n') + '\r\n\r\n'

function assertRawNoStore(answer: RawAnswer): void {
  assert.equal(answer.headers['cache-control'], 'no-store', answer.text)
  assert.equal(answer.headers['pragma'], 'no-cache')
}

function assertOAuthError(answer: Answer | RawAnswer, status: number, error: string): void {
  assert.equal(answer.status, status, answer.text)
  assert.equal(answer.json?.error, error, answer.text)
  assert.equal(typeof answer.json.error_description, 'string')
  const { violations, ...rest } = answer.json
  assert.deepEqual(Object.keys(rest).sort(), ['error', 'error_description'])
  // A refused body lists its violations; the first one's is the answer's (CONTRACT.md §1c).
  if (violations !== undefined) {
    assert.equal(violations[0].error, answer.json.error)
    assert.equal(violations[0].error_description, answer.json.error_description)
  }
}

function assertResultError(answer: Answer | RawAnswer, status: number): void {
  assert.equal(answer.status, status, answer.text)
  assert.match(answer.json?.resultCode, /^A\d{6}$/, answer.text)
  assert.equal(typeof answer.json.resultMessage, 'string')
  assert.deepEqual(Object.keys(answer.json).sort(), ['resultCode', 'resultMessage'])
}

const FRAMEWORK_LEAKS = /FST_ERR|"Bad Request"|"statusCode"|Invalid Preflight/

export function answersOutsideContractTests(context: Context): void {
  describe('answers outside the contract', () => {
    let serviceId: string
    let url: string
    before(async () => {
      serviceId = await context().api.createService()
      url = context().server.url
    })

    test('every registration-endpoint answer carries no-store: 404, unknown method, bad URL, over-long id, preflight (CONTRACT.md §2)', async () => {
      const answers = [
        await call(`${url}/${serviceId}/register/10000000000001`),
        await call(`${url}/10000000000001/register`, { body: {} }),
        await call(`${url}/${serviceId}/register`, { method: 'PATCH', body: {} }),
        await call(`${url}/${serviceId}/register`, { method: 'OPTIONS' }),
        await call(`${url}/${serviceId}/register/${'9'.repeat(500)}`),
        await call(`${url}/${'9'.repeat(500)}/register`, { body: {} }),
      ]
      for (const answer of answers) assertNoStore(answer)
      const badUrl = await sendRaw(url, request('GET', `/${serviceId}/register/%zz`))
      assertRawNoStore(badUrl)
      assertOAuthError(badUrl, 400, 'invalid_request')
    })

    test('an id in a path outside the id format, or over-long, is a 404 like any unknown id', async () => {
      for (const id of ['abc', '-1', '1e5', '99999999999999999999', '9'.repeat(500)]) {
        for (const path of [
          `/.well-known/oauth-authorization-server/${id}`,
          `/.well-known/openid-configuration/${id}`,
          `/${id}/.well-known/openid-configuration`,
        ]) {
          assertOAuthError(await call(`${url}${path}`), 404, 'not_found')
        }
        assertOAuthError(await call(`${url}/${id}/register`, { body: {} }), 404, 'not_found')
        assertResultError(await context().api.call(`/api/${id}/service/get`), 404)
        assertResultError(await context().api.call(`/api/${serviceId}/client/get/${id}`), 404)
      }
      // An over-long client id on RFC 7592 calls: no client has it, 404 and never 414.
      const long = await call(`${url}/${serviceId}/register/${'9'.repeat(500)}`, { token: 'x' })
      assertOAuthError(long, 404, 'not_found')
    })

    test('framework errors never show the framework: OAuth errors outside /api/, result errors under it', async () => {
      const outside = [
        await sendRaw(url, request('GET', `/${serviceId}/register/%zz`)),
        await sendRaw(url, request('GET', `/.well-known/openid-configuration/%zz`)),
      ]
      for (const answer of outside) {
        assertOAuthError(answer, 400, 'invalid_request')
        assert.doesNotMatch(answer.text, FRAMEWORK_LEAKS)
      }
      const apiBadUrl = await sendRaw(url, request('GET', '/api/%zz/service/get'))
      assertResultError(apiBadUrl, 400)
      const apiLong = await sendRaw(url, request('GET', `/api/${'9'.repeat(500)}/service/get`))
      assertResultError(apiLong, 404)
      for (const answer of [apiBadUrl, apiLong]) {
        assert.doesNotMatch(answer.text, FRAMEWORK_LEAKS)
        assertRawNoStore(answer)
      }
    })

    test('malformed HTTP and over-long request lines or headers get JSON invalid_request with no-store', async () => {
      const malformed = [
        `GET /${serviceId}/register HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n`,
        `POST /${serviceId}/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n`,
        `POST /${serviceId}/register HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
        'NOT HTTP AT ALL\r\n\r\n',
      ]
      for (const bytes of malformed) {
        const answer = await sendRaw(url, bytes)
        assertOAuthError(answer, 400, 'invalid_request')
        assertRawNoStore(answer)
        assert.equal(answer.headers['content-type'], 'application/json')
      }
      const longLine = await sendRaw(
        url,
        request('GET', `/${serviceId}/register/${'1'.repeat(20_000)}`),
      )
      const longHeader = await sendRaw(
        url,
        request('GET', `/${serviceId}/register/1`, { 'x-padding': 'a'.repeat(20_000) }),
      )
      for (const answer of [longLine, longHeader]) {
        assert.ok(answer.status === 431 || answer.status === 414, answer.text)
        assertOAuthError(answer, answer.status, 'invalid_request')
        assertRawNoStore(answer)
      }
      const apiHeader = await sendRaw(
        url,
        request('GET', '/api/service/get/list', { 'x-padding': 'a'.repeat(20_000) }),
      )
      assertResultError(apiHeader, 431)
      assert.equal((await call(`${url}/health`)).status, 200)
    })

    test('CORS preflights are answered on the registration and discovery endpoints only', async () => {
      const preflight = { origin: 'https://spa.example', 'access-control-request-method': 'POST' }
      for (const path of [
        `/${serviceId}/register`,
        `/${serviceId}/register/10000000000001`,
        `/.well-known/oauth-authorization-server/${serviceId}`,
        `/.well-known/openid-configuration/${serviceId}`,
        `/${serviceId}/.well-known/openid-configuration`,
      ]) {
        const answer = await call(`${url}${path}`, {
          method: 'OPTIONS',
          headers: { ...preflight, 'access-control-request-headers': 'authorization' },
        })
        assert.equal(answer.status, 204, `${path} ${answer.text}`)
        assert.equal(answer.headers.get('access-control-allow-origin'), '*')
        assert.match(answer.headers.get('access-control-allow-methods') ?? '', /GET|POST/)
        assert.equal(answer.headers.get('access-control-allow-headers'), 'authorization')
        assertNoStore(answer)
      }
      for (const path of [`/api/${serviceId}/service/get`, '/api/service/create']) {
        const answer = await call(`${url}${path}`, { method: 'OPTIONS', headers: preflight })
        assertResultError(answer, 404)
        assert.equal(answer.headers.get('access-control-allow-origin'), null)
      }
      const withoutOrigin = await call(`${url}/${serviceId}/register`, {
        method: 'OPTIONS',
        headers: { 'access-control-request-method': 'POST' },
      })
      assertOAuthError(withoutOrigin, 400, 'invalid_request')
      assert.equal(withoutOrigin.headers.get('content-type'), 'application/json')
      assertNoStore(withoutOrigin)
    })

    test('error descriptions echo request values only in part', async () => {
      const uri = `https://app.example/${'x'.repeat(50_000)}#fragment`
      const registered = await call(`${url}/${serviceId}/register`, {
        body: { redirect_uris: [uri] },
      })
      assertOAuthError(registered, 400, 'invalid_redirect_uri')
      assert.ok(registered.json.error_description.length <= 400, registered.text.slice(0, 600))
      const longName = `client_name#${'a'.repeat(50_000)}`
      const named = await call(`${url}/${serviceId}/register`, { body: { [longName]: 42 } })
      assert.ok(named.text.length < 1000, named.text.slice(0, 600))
      const dcr = await context().api.call(`/api/${serviceId}/client/registration`, {
        body: { json: JSON.stringify({ redirect_uris: [uri] }) },
      })
      assert.equal(dcr.json.action, 'BAD_REQUEST')
      assert.ok(dcr.json.resultMessage.length <= 500, dcr.json.resultMessage.slice(0, 600))
      const apiPath = await context().api.call(`/api/nothing/${'y'.repeat(5000)}`)
      assertResultError(apiPath, 404)
      assert.ok(apiPath.json.resultMessage.length <= 500)
    })
  })
}
