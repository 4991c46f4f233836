/** The registration endpoints (CONTRACT.md §2; RFC 7591 §3, RFC 7592 §2) as a client sees them. */
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import { assertNoStore, call, type Api } from '../../support/http.js'
import type { RunningServer } from '../../support/start-server.js'

export type Context = () => { server: RunningServer; api: Api }

const WEB_CLIENT = { client_name: 'web app', redirect_uris: ['https://app.example/cb'] }

export function registrationEndpointTests(context: Context): void {
  describe('registration endpoints', () => {
    let serviceId: string
    const endpoint = () => `${context().server.url}/${serviceId}/register`
    const register = async (body: unknown = WEB_CLIENT) => {
      if (!serviceId) serviceId = await context().api.createService()
      return call(endpoint(), { body })
    }

    test('registers a client: 201 with the client information response and no-store headers (RFC 7591 §3.2.1)', async () => {
      const answer = await register()
      assert.equal(answer.status, 201, answer.text)
      assertNoStore(answer)
      const info = answer.json
      assert.match(info.client_id, /^[0-9]+$/)
      assert.equal(typeof info.client_secret, 'string')
      assert.equal(info.client_secret_expires_at, 0)
      assert.equal(Number.isInteger(info.client_id_issued_at), true)
      assert.equal(typeof info.registration_access_token, 'string')
      assert.equal(info.registration_client_uri, `${endpoint()}/${info.client_id}`)
      assert.equal(info.client_name, 'web app')
      assert.deepEqual(info.redirect_uris, ['https://app.example/cb'])
      for (const value of Object.values(info)) assert.notEqual(value, null)
    })

    test('a public client (token_endpoint_auth_method none) gets no client_secret', async () => {
      const answer = await register({ ...WEB_CLIENT, token_endpoint_auth_method: 'none' })
      assert.equal(answer.status, 201, answer.text)
      assert.equal('client_secret' in answer.json, false)
      assert.equal(answer.json.token_endpoint_auth_method, 'none')
    })

    test("seed 003's register example gives 201 with no redirect_uris (confidential code client)", async () => {
      const answer = await register({ client_name: 'My Dynamic Client' })
      assert.equal(answer.status, 201, answer.text)
      assert.equal(answer.json.token_endpoint_auth_method, 'client_secret_basic')
    })

    test('refuses a redirect URI with a fragment: 400 invalid_redirect_uri (RFC 7591 §2)', async () => {
      const answer = await register({ redirect_uris: ['https://app.example/cb#frag'] })
      assert.equal(answer.status, 400)
      assertNoStore(answer)
      assert.equal(answer.json.error, 'invalid_redirect_uri')
      assert.match(answer.json.error_description, /^[\x20-\x7e]*$/)
    })

    test('malformed JSON, a non-object and an empty body are 400 invalid_client_metadata', async () => {
      if (!serviceId) serviceId = await context().api.createService()
      for (const body of ['{bad', '[]', '"text"', 'null', '42', '']) {
        const answer = await call(endpoint(), {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        })
        assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`)
        assertNoStore(answer)
        assert.equal(answer.json.error, 'invalid_client_metadata')
      }
      const bare = await fetch(endpoint(), { method: 'POST' })
      assert.equal(bare.status, 400)
      assert.equal(((await bare.json()) as { error: string }).error, 'invalid_client_metadata')
    })

    test('accepts the JSON body whatever its content type says, or with none', async () => {
      if (!serviceId) serviceId = await context().api.createService()
      const plain = await call(endpoint(), {
        body: JSON.stringify(WEB_CLIENT),
        headers: { 'content-type': 'text/plain' },
      })
      assert.equal(plain.status, 201, plain.text)
      const none = await fetch(endpoint(), {
        method: 'POST',
        body: new TextEncoder().encode(JSON.stringify(WEB_CLIENT)),
      })
      assert.equal(none.status, 201)
    })

    test('reads, updates and deletes a client with its registration access token (RFC 7592 §2)', async () => {
      const created = (await register()).json
      const auth = { token: created.registration_access_token }
      const read = await call(created.registration_client_uri, auth)
      assert.equal(read.status, 200, read.text)
      assertNoStore(read)
      assert.equal(read.json.client_id, created.client_id)
      assert.equal(read.json.client_secret, created.client_secret)
      assert.equal(read.json.registration_access_token, created.registration_access_token)

      const updated = await call(created.registration_client_uri, {
        ...auth,
        method: 'PUT',
        body: {
          client_id: created.client_id,
          client_name: 'renamed',
          redirect_uris: ['https://app.example/other'],
        },
      })
      assert.equal(updated.status, 200, updated.text)
      assertNoStore(updated)
      assert.equal(updated.json.client_name, 'renamed')
      assert.deepEqual(updated.json.redirect_uris, ['https://app.example/other'])
      assert.equal(updated.json.client_secret, created.client_secret)
      assert.equal((await call(created.registration_client_uri, auth)).json.client_name, 'renamed')

      const deleted = await call(created.registration_client_uri, { ...auth, method: 'DELETE' })
      assert.equal(deleted.status, 204)
      assert.equal(deleted.text, '')
      assert.equal(deleted.headers.get('cache-control'), 'no-store')
      assert.equal(deleted.headers.get('pragma'), 'no-cache')

      const after = await call(created.registration_client_uri, auth)
      assert.equal(after.status, 401)
      assert.equal(after.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
      assert.equal(after.json.error, 'invalid_token')
    })

    test('update replaces the metadata: members left out fall back to defaults (RFC 7592 §2.2)', async () => {
      const created = (await register({ ...WEB_CLIENT, client_uri: 'https://app.example/' })).json
      const updated = await call(created.registration_client_uri, {
        token: created.registration_access_token,
        method: 'PUT',
        body: { redirect_uris: ['https://app.example/cb'] },
      })
      assert.equal(updated.status, 200, updated.text)
      assert.equal('client_uri' in updated.json, false)
      assert.equal('client_name' in updated.json, false)
    })

    test("accepts an update that echoes what it read, as seed 003's example does", async () => {
      const created = (await register()).json
      const echoed = await call(created.registration_client_uri, {
        token: created.registration_access_token,
        method: 'PUT',
        body: { ...created, client_name: 'echoed' },
      })
      assert.equal(echoed.status, 200, echoed.text)
      assert.equal(echoed.json.client_name, 'echoed')
      const seedExample = await call(created.registration_client_uri, {
        token: created.registration_access_token,
        method: 'PUT',
        body: {
          client_name: 'My Updated Dynamic Client',
          registration_client_uri: created.registration_client_uri,
          client_id: created.client_id,
          client_secret: created.client_secret,
        },
      })
      assert.equal(seedExample.status, 200, seedExample.text)
    })

    test('refuses updates that change client_id, client_secret or a server-managed member: 400 invalid_request', async () => {
      const created = (await register()).json
      const changes: Record<string, unknown>[] = [
        { client_id: '12345' },
        { client_secret: 'not-the-secret' },
        { registration_access_token: 'other' },
        { registration_client_uri: 'https://evil.example/x' },
        { client_id_issued_at: created.client_id_issued_at + 1 },
        { client_secret_expires_at: 99 },
      ]
      for (const change of changes) {
        const answer = await call(created.registration_client_uri, {
          token: created.registration_access_token,
          method: 'PUT',
          body: { ...WEB_CLIENT, ...change },
        })
        assert.equal(answer.status, 400, `${JSON.stringify(change)}: ${answer.text}`)
        assertNoStore(answer)
        assert.equal(answer.json.error, 'invalid_request')
      }
      assert.equal(
        (await call(created.registration_client_uri, { token: created.registration_access_token }))
          .json.client_name,
        'web app',
      )
    })

    test('an update with bad metadata is 400 like a registration and changes nothing', async () => {
      const created = (await register()).json
      const answer = await call(created.registration_client_uri, {
        token: created.registration_access_token,
        method: 'PUT',
        body: { redirect_uris: ['https://app.example/cb#x'] },
      })
      assert.equal(answer.status, 400)
      assert.equal(answer.json.error, 'invalid_redirect_uri')
    })

    test('bearer failures are 401 with the RFC 6750 §3 challenge; wrong token and unknown client answer alike', async () => {
      const first = (await register()).json
      const second = (await register()).json
      const uri = first.registration_client_uri
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const body = method === 'PUT' ? WEB_CLIENT : undefined
        const missing = await call(uri, { method, body })
        assert.equal(missing.status, 401, `${method} missing`)
        assertNoStore(missing)
        assert.equal(missing.headers.get('www-authenticate'), 'Bearer')
        assert.equal(missing.json.error, 'invalid_token')

        const wrong = await call(uri, { method, body, token: 'wrong' })
        const others = await call(uri, { method, body, token: second.registration_access_token })
        const unknown = await call(`${endpoint()}/10000000000001`, {
          method,
          body,
          token: first.registration_access_token,
        })
        const garbageId = await call(`${endpoint()}/not-a-number`, {
          method,
          body,
          token: first.registration_access_token,
        })
        for (const answer of [wrong, others, unknown, garbageId]) {
          assert.equal(answer.status, 401, `${method}: ${answer.text}`)
          assert.equal(answer.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
          assert.deepEqual(answer.json, wrong.json)
        }
      }
      const basic = await call(uri, { headers: { authorization: 'Basic dXNlcjpwYXNz' } })
      assert.equal(basic.status, 401)
    })

    test('the Bearer scheme is matched case-insensitively (RFC 6750 §2.1)', async () => {
      const created = (await register()).json
      for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
        const answer = await call(created.registration_client_uri, {
          headers: { authorization: `${scheme} ${created.registration_access_token}` },
        })
        assert.equal(answer.status, 200, scheme)
      }
    })

    test('unknown services and services with registration off have no registration endpoint: 404 JSON', async () => {
      const { api, server } = context()
      const unknown = await call(`${server.url}/10000000000001/register`, { body: WEB_CLIENT })
      assert.equal(unknown.status, 404)
      assert.equal(unknown.headers.get('content-type'), 'application/json')
      assert.equal(typeof unknown.json.error, 'string')
      const off = await api.createService({ dynamicRegistrationSupported: false })
      const refused = await call(`${server.url}/${off}/register`, { body: WEB_CLIENT })
      assert.equal(refused.status, 404)
      const read = await call(`${server.url}/${off}/register/10000000000001`, { token: 'x' })
      assert.equal(read.status, 404)
    })

    test('CORS: any origin may register and read WWW-Authenticate', async () => {
      if (!serviceId) serviceId = await context().api.createService()
      const answer = await call(endpoint(), {
        body: WEB_CLIENT,
        headers: { origin: 'https://spa.example' },
      })
      assert.equal(answer.headers.get('access-control-allow-origin'), '*')
      const exposed = answer.headers.get('access-control-expose-headers') ?? ''
      for (const header of ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'])
        assert.match(exposed, new RegExp(`\\b${header}\\b`, 'i'))
      const preflight = await fetch(endpoint(), {
        method: 'OPTIONS',
        headers: {
          origin: 'https://spa.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      })
      assert.equal(preflight.status, 204)
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
    })

    test('URLs come from the base URL, never from the Host header', async () => {
      if (!serviceId) serviceId = await context().api.createService()
      const url = new URL(endpoint())
      const body = await new Promise<string>((resolve, reject) => {
        const request = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { host: 'evil.example', 'content-type': 'application/json' },
          },
          (response) => {
            let text = ''
            response
              .setEncoding('utf8')
              .on('data', (chunk) => (text += chunk))
              .on('end', () => resolve(text))
          },
        )
        request.on('error', reject)
        request.end(JSON.stringify(WEB_CLIENT))
      })
      const info = JSON.parse(body)
      assert.equal(info.registration_client_uri.startsWith(`${context().server.url}/`), true, body)
    })
  })
}
