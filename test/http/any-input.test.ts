/**
 * No input crashes the process or corrupts a stored client (CONTRACT.md "Bad input"):
 * arbitrary bodies, as JSON values and as raw text, sent to every surface that takes one,
 * get a JSON answer with an expected status, and a client registered first reads back
 * exactly as it was.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import { Api, call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

let server: RunningServer
let serviceId: string
let client: { client_id: string; registration_access_token: string }
let original: string

before(async () => {
  server = await startServer()
  serviceId = await new Api(server.url, server.adminToken).createService()
  const registered = await call(`${server.url}/${serviceId}/register`, {
    method: 'POST',
    body: { client_name: 'keeper', redirect_uris: ['https://app.example.com/cb'] },
  })
  client = registered.json
  original = registered.text
})

after(() => server?.stop())

/** Sends raw text as the body, with a JSON content type. */
function send(path: string, method: string, text: string, token?: string) {
  return call(`${server.url}${path}`, {
    method,
    token,
    headers: { 'content-type': 'application/json' },
    body: text,
  })
}

test('any body on any surface gets an expected JSON answer, and stored clients are untouched', async () => {
  const texts = fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
    fc.string({ maxLength: 200 }),
    fc
      .dictionary(
        fc.constantFrom(
          'redirect_uris',
          'client_id',
          'client_secret',
          'jwks',
          'scope',
          'grant_types',
        ),
        fc.jsonValue(),
      )
      .map((value) => JSON.stringify(value)),
  )
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      const configuration = `/${serviceId}/register/${client.client_id}`
      const answers = [
        await send(`/${serviceId}/register`, 'POST', text),
        await send(configuration, 'PUT', text, 'not-the-token'),
        await send(`/api/${serviceId}/client/registration`, 'POST', text, server.adminToken),
        await send(
          `/api/${serviceId}/client/registration`,
          'POST',
          JSON.stringify({ json: text }),
          server.adminToken,
        ),
      ]
      for (const answer of answers) {
        assert.ok([200, 201, 400, 401].includes(answer.status), `${answer.status} ${answer.text}`)
        assert.equal(typeof answer.json, 'object', answer.text)
        assert.doesNotMatch(answer.text, /\bat .*\.(js|ts):\d+|SQLITE|syntax error/i)
      }
    }),
    { numRuns: 150 },
  )
  const read = await call(`${server.url}/${serviceId}/register/${client.client_id}`, {
    token: client.registration_access_token,
  })
  assert.equal(read.status, 200)
  assert.deepEqual(read.json, JSON.parse(original))
  assert.equal(server.child.exitCode, null)
})
