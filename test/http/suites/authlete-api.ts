/** The Authlete-compatible API over raw HTTP: auth, envelopes, status codes (spec §2, §6, §7). */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Api, call, type Answer } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

function assertResultError(answer: Answer, status: number): void {
  assert.equal(answer.status, status, answer.text)
  assert.equal(answer.headers.get('content-type'), 'application/json')
  assert.match(answer.json.resultCode, /^A[0-9]{6}$/)
  assert.equal(answer.json.resultMessage.startsWith(`[${answer.json.resultCode}] `), true)
}

export function authleteApiTests(context: Context): void {
  describe('Authlete-compatible API', () => {
    test('a missing or wrong bearer token is 401 with a JSON result error', async () => {
      const { server } = context()
      assertResultError(await call(`${server.url}/api/service/get/list`), 401)
      assertResultError(await call(`${server.url}/api/service/get/list`, { token: 'wrong' }), 401)
      assertResultError(
        await call(`${server.url}/api/service/create`, { body: {}, token: 'wrong' }),
        401,
      )
      const lower = await call(`${server.url}/api/service/get/list`, {
        headers: { authorization: `bearer ${server.adminToken}` },
      })
      assert.equal(lower.status, 200)
    })

    test('service create takes an empty JSON body as {} (spec §7 trap 11), and get, update, list, delete work', async () => {
      const { api } = context()
      const created = await api.call('/api/service/create', { method: 'POST', body: '' })
      assert.equal(created.status, 200, created.text)
      const id = created.json.apiKey
      assert.equal(
        Number.isInteger(id) &&
          Number.isInteger(created.json.number) &&
          Number.isInteger(created.json.createdAt),
        true,
      )
      assert.equal(created.json.dynamicRegistrationSupported, true)
      for (const value of Object.values(created.json)) assert.notEqual(value, null)

      // The apiSecret is shown once, by create; get shows the rest as create answered it.
      const got = await api.call(`/api/${id}/service/get`)
      const { apiSecret, ...shown } = created.json
      assert.match(apiSecret, /^[A-Za-z0-9_-]{43}$/)
      assert.deepEqual(got.json, shown)
      const emptyUpdate = await api.call(`/api/${id}/service/update`, { method: 'POST', body: '' })
      assert.equal(emptyUpdate.status, 200, emptyUpdate.text)

      const list = await api.call('/api/service/get/list?start=0&end=1000')
      assert.equal(list.status, 200)
      assert.equal(
        list.json.services.some((service: { apiKey: number }) => service.apiKey === id),
        true,
      )
      const window = await api.call('/api/service/get/list?start=0&end=1')
      assert.equal(window.json.services.length, 1)
      assert.equal(window.json.start, 0)
      assert.equal(window.json.end, 1)

      const deleted = await api.call(`/api/${id}/service/delete`, { method: 'DELETE' })
      assert.equal(deleted.status, 204)
      assertResultError(await api.call(`/api/${id}/service/get`), 404)
    })

    test('service update keeps the extension settings the body omits (CONTRACT.md §1b)', async () => {
      const { api } = context()
      const id = await api.createService({
        initialAccessTokenRequired: true,
        clientSecretLifetime: 3600,
      })
      const updated = await api.call(`/api/${id}/service/update`, {
        body: { serviceName: 'renamed' },
      })
      assert.equal(updated.status, 200, updated.text)
      assert.equal(updated.json.serviceName, 'renamed')
      assert.equal(updated.json.initialAccessTokenRequired, true)
      assert.equal(updated.json.clientSecretLifetime, 3600)
    })

    test('envelope errors are 400 result errors: not JSON, not an object, wrong member types', async () => {
      const { api } = context()
      const id = await api.createService()
      assertResultError(await api.call('/api/service/create', { body: '{bad' }), 400)
      assertResultError(await api.call('/api/service/create', { body: '[1]' }), 400)
      assertResultError(await api.call('/api/service/create', { body: { serviceName: 5 } }), 400)
      assertResultError(
        await api.call('/api/service/create', { body: { clientSecretLifetime: -1 } }),
        400,
      )
      assertResultError(
        await api.call(`/api/${id}/client/registration`, { body: { json: 5 } }),
        400,
      )
      assertResultError(await api.call(`/api/${id}/client/registration`, { body: {} }), 400)
      assertResultError(
        await api.call(`/api/${id}/client/registration/get`, {
          body: { clientId: true, token: 'x' },
        }),
        400,
      )
      assertResultError(
        await api.call(`/api/${id}/client/create`, {
          body: { redirectUris: 'https://a.example/cb' },
        }),
        400,
      )
      // Closed enums (spec §7 trap 3): a value the SDK would reject on the way back is refused on the way in.
      assertResultError(
        await api.call('/api/service/create', {
          body: { supportedGrantTypes: ['authorization_code'] },
        }),
        400,
      )
      assertResultError(
        await api.call(`/api/${id}/service/update`, {
          body: { supportedTokenAuthMethods: ['SPIFFE_JWT'] },
        }),
        400,
      )
      assertResultError(
        await api.call(`/api/${id}/client/create`, { body: { tokenAuthMethod: 'SPIFFE_JWT' } }),
        400,
      )
      assertResultError(
        await api.call(`/api/${id}/client/create`, { body: { clientType: 'public' } }),
        400,
      )
    })

    test('unknown services and clients are 404 with a result error', async () => {
      const { api } = context()
      assertResultError(await api.call('/api/10000000000001/service/get'), 404)
      assertResultError(await api.call('/api/not-a-number/service/get'), 404)
      const id = await api.createService()
      assertResultError(await api.call(`/api/${id}/client/get/10000000000001`), 404)
      assertResultError(
        await api.call(`/api/${id}/client/delete/10000000000001`, { method: 'DELETE' }),
        404,
      )
      assertResultError(
        await api.call(`/api/10000000000001/client/registration`, { body: { json: '{}' } }),
        404,
      )
    })

    test('client create, get, list, update and delete (spec §2.2)', async () => {
      const { api } = context()
      const id = await api.createService()
      const created = await api.call(`/api/${id}/client/create`, {
        body: {
          clientName: 'managed',
          redirectUris: ['https://app.example/cb'],
          clientId: 1,
          clientSecret: 'chosen',
        },
      })
      assert.equal(created.status, 200, created.text)
      const client = created.json
      assert.equal(Number.isInteger(client.clientId), true)
      assert.notEqual(client.clientId, 1)
      assert.notEqual(client.clientSecret, 'chosen')
      assert.equal(
        (await api.call(`/api/${id}/client/get/${client.clientId}`)).json.clientName,
        'managed',
      )
      const list = await api.call(`/api/${id}/client/get/list`)
      assert.equal(list.json.totalCount, 1)
      assert.equal(list.json.clients[0].clientId, client.clientId)
      const updated = await api.call(`/api/${id}/client/update/${client.clientId}`, {
        body: { ...client, clientName: 'renamed' },
      })
      assert.equal(updated.status, 200, updated.text)
      assert.equal(updated.json.clientName, 'renamed')
      assert.equal(updated.json.clientSecret, client.clientSecret)
      assert.equal(
        (await api.call(`/api/${id}/client/delete/${client.clientId}`, { method: 'DELETE' }))
          .status,
        204,
      )
      assertResultError(await api.call(`/api/${id}/client/get/${client.clientId}`), 404)
    })

    test('the four DCR calls answer HTTP 200 with an action; clientId may be a string or a number', async () => {
      const { api } = context()
      const id = await api.createService()
      const registered = await api.call(`/api/${id}/client/registration`, {
        body: { json: '{ "client_name": "My Dynamic Client" }' },
      })
      assert.equal(registered.status, 200, registered.text)
      assert.equal(registered.json.action, 'CREATED')
      assert.equal(registered.json.resultCode, 'A202001')
      assert.equal(typeof registered.json.responseContent, 'string')
      const info = JSON.parse(registered.json.responseContent)
      assert.equal(info.client_id, String(registered.json.client.clientId))
      assert.equal(registered.json.client.dynamicallyRegistered, true)
      const token = info.registration_access_token

      const byString = await api.call(`/api/${id}/client/registration/get`, {
        body: { clientId: info.client_id, token },
      })
      assert.equal(byString.json.action, 'OK')
      const byNumber = await api.call(`/api/${id}/client/registration/get`, {
        body: { clientId: Number(info.client_id), token },
      })
      assert.equal(byNumber.json.action, 'OK')
      const wrong = await api.call(`/api/${id}/client/registration/get`, {
        body: { clientId: info.client_id, token: 'wrong' },
      })
      assert.equal(wrong.status, 200)
      assert.equal(wrong.json.action, 'UNAUTHORIZED')
      assert.equal(JSON.parse(wrong.json.responseContent).error, 'invalid_token')
      assert.equal('client' in wrong.json, false)

      const bad = await api.call(`/api/${id}/client/registration`, {
        body: { json: '{"redirect_uris":["https://a.example/cb#f"]}' },
      })
      assert.equal(bad.json.action, 'BAD_REQUEST')
      assert.equal(JSON.parse(bad.json.responseContent).error, 'invalid_redirect_uri')
      const notJson = await api.call(`/api/${id}/client/registration`, { body: { json: '{oops' } })
      assert.equal(notJson.json.action, 'BAD_REQUEST')
      assert.equal(JSON.parse(notJson.json.responseContent).error, 'invalid_client_metadata')

      const updated = await api.call(`/api/${id}/client/registration/update`, {
        body: {
          clientId: info.client_id,
          token,
          json: JSON.stringify({ ...info, client_name: 'renamed' }),
        },
      })
      assert.equal(updated.json.action, 'UPDATED', updated.text)
      assert.equal(updated.json.client.clientName, 'renamed')
      const deleted = await api.call(`/api/${id}/client/registration/delete`, {
        body: { clientId: info.client_id, token },
      })
      assert.equal(deleted.status, 200)
      assert.equal(deleted.json.action, 'DELETED')
      assert.equal('responseContent' in deleted.json, false)
      const gone = await api.call(`/api/${id}/client/registration/get`, {
        body: { clientId: info.client_id, token },
      })
      assert.equal(gone.json.action, 'UNAUTHORIZED')
    })

    test('service configuration is the discovery document; pretty indents it', async () => {
      const { api, server } = context()
      const id = await api.createService()
      const answer = await api.call(`/api/${id}/service/configuration`)
      assert.equal(answer.status, 200)
      assert.equal(answer.json.issuer, `${server.url}/${id}`)
      assert.equal(answer.json.registration_endpoint, `${server.url}/${id}/register`)
      const pretty = await api.call(`/api/${id}/service/configuration?pretty=true`)
      assert.deepEqual(pretty.json, answer.json)
      assert.match(pretty.text, /\n {2}"issuer"/)
    })

    test('service configuration applies a JSON Patch (RFC 6902) given as patch, or answers 400', async () => {
      const { api, server } = context()
      const id = await api.createService()
      const configuration = (patch: unknown) =>
        api.call(
          `/api/${id}/service/configuration?patch=${encodeURIComponent(typeof patch === 'string' ? patch : JSON.stringify(patch))}`,
        )
      const plain = (await api.call(`/api/${id}/service/configuration`)).json
      const patched = await configuration([
        {
          op: 'add',
          path: '/mtls_endpoint_aliases',
          value: { token_endpoint: 'https://mtls.example/token' },
        },
        { op: 'replace', path: '/issuer', value: 'https://as.example' },
        { op: 'remove', path: '/registration_endpoint' },
      ])
      assert.equal(patched.status, 200, patched.text)
      assert.deepEqual(patched.json, {
        ...Object.fromEntries(
          Object.entries(plain).filter(([name]) => name !== 'registration_endpoint'),
        ),
        mtls_endpoint_aliases: { token_endpoint: 'https://mtls.example/token' },
        issuer: 'https://as.example',
      })
      // The patch changes the answer only, never the service.
      assert.equal(
        (await api.call(`/api/${id}/service/configuration`)).json.issuer,
        `${server.url}/${id}`,
      )

      for (const [patch, message] of [
        ['not json', /'patch' is not JSON/],
        [{ op: 'add', path: '/a', value: 1 }, /must be a JSON array/],
        [[{ op: 'remove', path: '/no_such_member' }], /operation 0.*OPERATION_PATH_UNRESOLVABLE/],
        [[{ op: 'test', path: '/issuer', value: 'other' }], /TEST_OPERATION_FAILED/],
        [[{ op: 'add', path: '/__proto__/polluted', value: 1 }], /changes a prototype/],
        [[{ op: 'jump', path: '/issuer' }], /OPERATION_OP_INVALID/],
        [[1], /OPERATION_NOT_AN_OBJECT/],
      ] as const) {
        const answer = await configuration(patch)
        assertResultError(answer, 400)
        assert.match(answer.json.resultMessage, message)
      }
    })

    test('a service token reaches only its own service, and never service create, delete or token create (403)', async () => {
      const { api, server } = context()
      const own = await api.createService()
      const other = await api.createService()
      const created = await api.call(`/api/${own}/token/create`, { body: { description: 'ci' } })
      assert.equal(created.status, 200, created.text)
      assert.equal(typeof created.json.id, 'string')
      const scoped = new Api(server.url, created.json.token)

      assert.equal((await scoped.call(`/api/${own}/service/get`)).status, 200)
      assert.equal(
        (await scoped.call(`/api/${own}/service/update`, { body: { description: 'mine' } })).status,
        200,
      )
      assert.equal((await scoped.call(`/api/${own}/service/configuration`)).status, 200)
      assert.equal(
        (await scoped.call(`/api/${own}/client/create`, { body: { clientName: 'c' } })).status,
        200,
      )
      assert.equal(
        (await scoped.call(`/api/${own}/client/registration`, { body: { json: '{}' } })).json
          .action,
        'CREATED',
      )
      assert.equal(
        (await scoped.call(`/api/${own}/initial_access_token/create`, { body: {} })).status,
        200,
      )
      assert.equal((await scoped.call(`/api/${own}/initial_access_token/list`)).status, 200)
      const list = await scoped.call('/api/service/get/list?end=100')
      assert.deepEqual(
        list.json.services.map((service: { apiKey: number }) => String(service.apiKey)),
        [own],
      )

      assertResultError(await scoped.call(`/api/${other}/service/get`), 403)
      assertResultError(
        await scoped.call(`/api/${other}/client/registration`, { body: { json: '{}' } }),
        403,
      )
      assertResultError(
        await scoped.call(`/api/${other}/initial_access_token/create`, { body: {} }),
        403,
      )
      assertResultError(await scoped.call('/api/service/create', { body: {} }), 403)
      assertResultError(await scoped.call(`/api/${own}/service/delete`, { method: 'DELETE' }), 403)
      assertResultError(await scoped.call(`/api/${own}/token/create`, { body: {} }), 403)
      assertResultError(await scoped.call('/api/10000000000001/service/get'), 403)
    })

    test('OpenAPI 3.1 document lists every route, extensions included, and /api/docs renders it', async () => {
      const { server } = context()
      const answer = await call(`${server.url}/api/openapi.json`)
      assert.equal(answer.status, 200)
      assert.match(answer.json.openapi, /^3\.1/)
      for (const path of [
        '/api/service/create',
        '/api/{serviceId}/client/registration',
        '/api/{serviceId}/initial_access_token/create',
        '/api/{serviceId}/initial_access_token/list',
        '/api/{serviceId}/initial_access_token/{id}',
        '/api/{serviceId}/token/create',
        '/{serviceId}/register',
        '/{serviceId}/register/{clientId}',
      ]) {
        assert.ok(answer.json.paths[path], path)
      }
      const docs = await fetch(`${server.url}/api/docs`)
      assert.equal(docs.status, 200)
      assert.match(docs.headers.get('content-type') ?? '', /^text\/html/)
      assert.match(await docs.text(), /initial_access_token/)
    })
  })
}
