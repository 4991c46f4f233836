/** Discovery (RFC 8414, OpenID Connect Discovery), health, limits and unknown routes (CONTRACT.md "Bad input"). */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const ONE_MEBIBYTE = 'x'.repeat(1024 * 1024)

export function discoveryAndLimitTests(context: Context): void {
  describe('discovery', () => {
    test('all three forms return the service metadata with issuer, registration_endpoint and the endpoints it names', async () => {
      const { api, server } = context()
      const id = await api.createService({
        authorizationEndpoint: 'https://as.example/authorize',
        tokenEndpoint: 'https://as.example/token',
      })
      const forms = [
        `/.well-known/oauth-authorization-server/${id}`,
        `/.well-known/openid-configuration/${id}`,
        `/${id}/.well-known/openid-configuration`,
      ]
      const answers = await Promise.all(forms.map((path) => call(`${server.url}${path}`)))
      for (const answer of answers) {
        assert.equal(answer.status, 200)
        assert.equal(answer.headers.get('content-type'), 'application/json')
        assert.deepEqual(answer.json, answers[0]!.json)
      }
      const document = answers[0]!.json
      assert.equal(document.issuer, `${server.url}/${id}`)
      assert.equal(document.registration_endpoint, `${server.url}/${id}/register`)
      assert.equal(document.authorization_endpoint, 'https://as.example/authorize')
      assert.equal(document.token_endpoint, 'https://as.example/token')
      assert.ok(Array.isArray(document.response_types_supported))
      const cors = await call(`${server.url}${forms[0]}`, {
        headers: { origin: 'https://spa.example' },
      })
      assert.equal(cors.headers.get('access-control-allow-origin'), '*')
    })

    test('an unknown service has no discovery document: 404 JSON', async () => {
      const { server } = context()
      const answer = await call(
        `${server.url}/.well-known/oauth-authorization-server/10000000000001`,
      )
      assert.equal(answer.status, 404)
      assert.equal(typeof answer.json.error, 'string')
    })
  })

  describe('limits and unknown routes', () => {
    test('GET /health answers 200 {"status":"ok"}, with buckets kept locally without REDIS_URL', async () => {
      const answer = await call(`${context().server.url}/health`)
      assert.equal(answer.status, 200)
      assert.deepEqual(answer.json, { status: 'ok', rateLimits: 'local' })
    })

    test('a 1 MiB body is 413 JSON on every route, and the server stays healthy', async () => {
      const { api, server } = context()
      const id = await api.createService()
      const register = await call(`${server.url}/${id}/register`, { body: ONE_MEBIBYTE })
      assert.equal(register.status, 413)
      assert.equal(typeof register.json.error, 'string')
      const update = await call(`${server.url}/${id}/register/10000000000001`, {
        method: 'PUT',
        body: ONE_MEBIBYTE,
        token: 'x',
      })
      assert.equal(update.status, 413)
      const api413 = await api.call('/api/service/create', { body: ONE_MEBIBYTE })
      assert.equal(api413.status, 413)
      assert.match(api413.json.resultCode, /^A/)
      const dcr = await api.call(`/api/${id}/client/registration`, { body: { json: ONE_MEBIBYTE } })
      assert.equal(dcr.status, 413)
      const chunked = await fetch(`${server.url}/${id}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([ONE_MEBIBYTE]).stream(),
        duplex: 'half',
      } as RequestInit)
      assert.equal(chunked.status, 413)
      assert.equal((await call(`${server.url}/health`)).status, 200)
      assert.equal(
        (
          await call(`${server.url}/${id}/register`, {
            body: { redirect_uris: ['https://a.example/cb'] },
          })
        ).status,
        201,
      )
    })

    test('unknown routes are 404 JSON: a result error under /api/, else {error, error_description}', async () => {
      const { server, api } = context()
      const apiAnswer = await api.call('/api/nothing/here')
      assert.equal(apiAnswer.status, 404)
      assert.equal(apiAnswer.headers.get('content-type'), 'application/json')
      assert.match(apiAnswer.json.resultCode, /^A/)
      assert.equal(typeof apiAnswer.json.resultMessage, 'string')
      const other = await call(`${server.url}/no/such/thing`)
      assert.equal(other.status, 404)
      assert.equal(typeof other.json.error, 'string')
      assert.equal(typeof other.json.error_description, 'string')
    })

    test('200 concurrent registrations all succeed with distinct client ids', async () => {
      const { api, server } = context()
      const id = await api.createService()
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          call(`${server.url}/${id}/register`, {
            body: { client_name: `c${index}`, redirect_uris: ['http://127.0.0.1/cb'] },
          }),
        ),
      )
      assert.deepEqual(
        answers.map((answer) => answer.status),
        answers.map(() => 201),
      )
      assert.equal(new Set(answers.map((answer) => answer.json.client_id)).size, 200)
    })

    test('hostile input gets JSON errors without stack traces or SQL', async () => {
      const { api, server } = context()
      const id = await api.createService()
      const bodies = [
        '{"redirect_uris":[{}]}',
        '{"__proto__":{"x":1}}',
        '{"client_name":"' + '\u0000'.repeat(10) + '"}',
        '{"jwks":"x"}',
        '{"a":' + '['.repeat(5000),
      ]
      for (const body of bodies) {
        const answer = await call(`${server.url}/${id}/register`, { body })
        assert.ok(answer.status === 201 || answer.status === 400, `${answer.status} ${answer.text}`)
        assert.doesNotMatch(answer.text, /at .*\.js|SELECT|INSERT|sqlite|postgres/i)
      }
      assert.equal((await call(`${server.url}/health`)).status, 200)
    })
  })
}
