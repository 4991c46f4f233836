/**
 * Client secret rotation through the real server: Authlete's `client/secret/refresh` and
 * `client/secret/update`, the client's own renewal at `POST {registration_client_uri}/secret`
 * (Registrar's extension of RFC 7592) with its 401s, the overlap seen by client/authenticate
 * until it ends, the audit event, the service setting and the OpenAPI document.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertNoStore, call, type Answer } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

interface Registered {
  client_id: string
  client_secret?: string
  client_secret_expires_at?: number
  registration_access_token: string
  registration_client_uri: string
}

export function clientSecretRotationTests(context: Context): void {
  describe('client secret rotation', () => {
    async function setUp(settings: Record<string, unknown> = {}) {
      const { api, server } = context()
      const id = await api.createService(settings)
      const register = async (metadata: Record<string, unknown> = {}): Promise<Registered> => {
        const answer = await call(`${server.url}/${id}/register`, {
          body: { redirect_uris: ['https://app.example/cb'], ...metadata },
        })
        assert.equal(answer.status, 201, answer.text)
        return answer.json
      }
      const authenticates = async (client: Registered, secret: string) => {
        const answer = await api.call(`/api/${id}/client/authenticate`, {
          body: { client_id: client.client_id, client_secret: secret },
        })
        assert.ok(answer.status === 200 || answer.status === 401, answer.text)
        return answer.status === 200
      }
      const renew = (client: Registered, token?: string): Promise<Answer> =>
        call(`${client.registration_client_uri}/secret`, { method: 'POST', token })
      return { id, api, server, register, authenticates, renew }
    }

    test('client/secret/refresh (GET and POST) answers the new and the old secret; the old one works for the overlap only', async () => {
      const { id, api, register, authenticates } = await setUp({ clientSecretRotationOverlap: 1 })
      const client = await register()
      const refreshed = await api.call(`/api/${id}/client/secret/refresh/${client.client_id}`)
      assert.equal(refreshed.status, 200, refreshed.text)
      assert.equal(refreshed.json.resultCode, 'A148001')
      assert.match(refreshed.json.resultMessage, /^\[A148001\] /)
      assert.equal(refreshed.json.oldClientSecret, client.client_secret)
      assert.match(refreshed.json.newClientSecret, /^[A-Za-z0-9_-]{43}$/)
      const got = await api.call(`/api/${id}/client/get/${client.client_id}`)
      assert.equal(got.json.clientSecret, refreshed.json.newClientSecret)

      assert.equal(await authenticates(client, refreshed.json.newClientSecret), true)
      assert.equal(await authenticates(client, client.client_secret!), true)
      await sleep(1100)
      assert.equal(await authenticates(client, client.client_secret!), false)
      assert.equal(await authenticates(client, refreshed.json.newClientSecret), true)

      const again = await api.call(`/api/${id}/client/secret/refresh/${client.client_id}`, {
        method: 'POST',
      })
      assert.equal(again.status, 200, again.text)
      assert.equal(again.json.oldClientSecret, refreshed.json.newClientSecret)
    })

    test('client/secret/update sets a chosen secret of 1 to 86 base64url characters, and refuses others', async () => {
      const { id, api, register, authenticates } = await setUp()
      const client = await register()
      const path = `/api/${id}/client/secret/update/${client.client_id}`
      const chosen = 'Chosen_secret-0123456789'
      const updated = await api.call(path, { body: { clientSecret: chosen } })
      assert.equal(updated.status, 200, updated.text)
      assert.equal(updated.json.resultCode, 'A149001')
      assert.equal(updated.json.newClientSecret, chosen)
      assert.equal(updated.json.oldClientSecret, client.client_secret)
      assert.equal(await authenticates(client, chosen), true)
      // The default overlap is 0: the replaced secret stops at once.
      assert.equal(await authenticates(client, client.client_secret!), false)
      for (const body of [
        { clientSecret: 'a'.repeat(87) },
        { clientSecret: 'not base64url!' },
        { clientSecret: '' },
        {},
      ]) {
        const refused = await api.call(path, { body })
        assert.equal(refused.status, 400, JSON.stringify(body))
        assert.match(refused.json.resultCode, /^A\d{6}$/)
      }
      assert.equal((await api.call(path, { method: 'POST' })).status, 400)
      assert.equal(await authenticates(client, chosen), true)
    })

    test('refuses a client that uses no secret (400), an unknown client (404), and another service’s token (403)', async () => {
      const { id, api, register } = await setUp()
      const publicClient = await register({ token_endpoint_auth_method: 'none' })
      const refused = await api.call(`/api/${id}/client/secret/refresh/${publicClient.client_id}`)
      assert.equal(refused.status, 400, refused.text)
      assert.match(refused.json.resultMessage, /uses no client secret/)
      const unknown = await api.call(`/api/${id}/client/secret/refresh/12345678901234`)
      assert.equal(unknown.status, 404, unknown.text)

      const client = await register()
      const other = await api.createService()
      const token = (await api.call(`/api/${other}/token/create`, { body: {} })).json.token
      const { server } = context()
      const foreign = await call(
        `${server.url}/api/${id}/client/secret/refresh/${client.client_id}`,
        { token },
      )
      assert.equal(foreign.status, 403, foreign.text)
      const own = (await api.call(`/api/${id}/token/create`, { body: {} })).json.token
      const allowed = await call(
        `${server.url}/api/${id}/client/secret/refresh/${client.client_id}`,
        { token: own },
      )
      assert.equal(allowed.status, 200, allowed.text)
    })

    test('a rotation is a client.secret_rotated audit event with its actor and overlap, and no secret', async () => {
      const { id, api, register } = await setUp({ clientSecretRotationOverlap: 600 })
      const client = await register()
      const before = Date.now()
      const refreshed = await api.call(`/api/${id}/client/secret/refresh/${client.client_id}`)
      const events = await api.call(`/api/${id}/audit?kind=client.secret_rotated`)
      assert.equal(events.status, 200, events.text)
      assert.equal(events.json.events.length, 1)
      const [event] = events.json.events
      assert.equal(event.kind, 'client.secret_rotated')
      assert.equal(event.clientId, Number(client.client_id))
      assert.equal(event.actor, 'admin')
      assert.equal(event.detail.version, 2)
      assert.ok(event.detail.previousSecretValidUntil >= before + 600_000)
      assert.ok(event.detail.previousSecretValidUntil <= Date.now() + 600_000)
      assert.equal(events.text.includes(client.client_secret!), false)
      assert.equal(events.text.includes(refreshed.json.newClientSecret), false)

      const renewed = await call(`${client.registration_client_uri}/secret`, {
        method: 'POST',
        token: client.registration_access_token,
      })
      assert.equal(renewed.status, 200, renewed.text)
      const [latest] = (await api.call(`/api/${id}/audit?kind=client.secret_rotated`)).json.events
      assert.equal(latest.actor, `registration_access_token:${client.client_id}`)
      assert.equal(latest.detail.version, 3)
    })

    test('POST {registration_client_uri}/secret renews the secret with an honest client_secret_expires_at, answered as a read', async () => {
      const { register, renew, authenticates } = await setUp({
        clientSecretLifetime: 3600,
        clientSecretRotationOverlap: 60,
      })
      const client = await register({ client_name: 'renewing' })
      const before = Math.floor(Date.now() / 1000)
      const renewed = await renew(client, client.registration_access_token)
      assert.equal(renewed.status, 200, renewed.text)
      assertNoStore(renewed)
      const body = renewed.json
      assert.equal(body.client_id, client.client_id)
      assert.equal(body.client_name, 'renewing')
      assert.equal(body.registration_access_token, client.registration_access_token)
      assert.equal(body.registration_client_uri, client.registration_client_uri)
      assert.match(body.client_secret, /^[A-Za-z0-9_-]{43}$/)
      assert.notEqual(body.client_secret, client.client_secret)
      assert.ok(body.client_secret_expires_at >= before + 3600)
      assert.ok(body.client_secret_expires_at <= Math.floor(Date.now() / 1000) + 3600)
      const read = await call(client.registration_client_uri, {
        token: client.registration_access_token,
      })
      assert.equal(read.json.client_secret, body.client_secret)
      assert.equal(read.json.client_secret_expires_at, body.client_secret_expires_at)
      assert.equal(await authenticates(client, body.client_secret), true)
      assert.equal(await authenticates(client, client.client_secret!), true)
    })

    test('POST {registration_client_uri}/secret answers 401 as RFC 7592 reads do, and 400 for a client with no secret', async () => {
      const { id, server, register, renew, authenticates } = await setUp()
      const client = await register()
      const other = await register()

      const missing = await renew(client)
      assert.equal(missing.status, 401)
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer')
      for (const answer of [
        await renew(client, 'wrong-token'),
        await renew(client, other.registration_access_token),
        await call(`${server.url}/${id}/register/12345678901234/secret`, {
          method: 'POST',
          token: client.registration_access_token,
        }),
      ]) {
        assert.equal(answer.status, 401, answer.text)
        assert.equal(answer.json.error, 'invalid_token')
        assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
        assertNoStore(answer)
      }
      assert.equal(await authenticates(client, client.client_secret!), true)

      const publicClient = await register({ token_endpoint_auth_method: 'none' })
      const refused = await renew(publicClient, publicClient.registration_access_token)
      assert.equal(refused.status, 400, refused.text)
      assert.equal(refused.json.error, 'invalid_request')
      assert.match(refused.json.error_description, /uses no client secret/)
    })

    test('the DCR API renews a secret for an authorization server that serves the extension (client/registration/secret)', async () => {
      const { id, api, register, authenticates } = await setUp()
      const client = await register()
      const path = `/api/${id}/client/registration/secret`
      const renewed = await api.call(path, {
        body: { clientId: client.client_id, token: client.registration_access_token },
      })
      assert.equal(renewed.status, 200, renewed.text)
      assert.equal(renewed.json.action, 'UPDATED')
      assert.equal(renewed.json.resultCode, 'A218001')
      const content = JSON.parse(renewed.json.responseContent)
      assert.notEqual(content.client_secret, client.client_secret)
      assert.equal(content.client_id, client.client_id)
      assert.equal(renewed.json.client.clientSecret, content.client_secret)
      assert.equal(await authenticates(client, content.client_secret), true)

      const wrong = await api.call(path, { body: { clientId: client.client_id, token: 'wrong' } })
      assert.equal(wrong.status, 200)
      assert.equal(wrong.json.action, 'UNAUTHORIZED')
      assert.equal(JSON.parse(wrong.json.responseContent).error, 'invalid_token')
      const publicClient = await register({ token_endpoint_auth_method: 'none' })
      const refused = await api.call(path, {
        body: {
          clientId: publicClient.client_id,
          token: publicClient.registration_access_token,
        },
      })
      assert.equal(refused.json.action, 'BAD_REQUEST')
    })

    test('clientSecretRotationOverlap: a non-negative integer, default 0, kept by an update that omits it', async () => {
      const { api } = context()
      const id = await api.createService()
      assert.equal((await api.call(`/api/${id}/service/get`)).json.clientSecretRotationOverlap, 0)
      const set = await api.call(`/api/${id}/service/update`, {
        body: { clientSecretRotationOverlap: 3600 },
      })
      assert.equal(set.status, 200, set.text)
      await api.call(`/api/${id}/service/update`, { body: { serviceName: 'renamed' } })
      assert.equal(
        (await api.call(`/api/${id}/service/get`)).json.clientSecretRotationOverlap,
        3600,
      )
      for (const value of [-1, 1.5, 'soon', 2_147_483_648]) {
        const refused = await api.call(`/api/${id}/service/update`, {
          body: { clientSecretRotationOverlap: value },
        })
        assert.equal(refused.status, 400, `${value}: ${refused.text}`)
      }
    })

    test('the OpenAPI document declares the calls, the extension citing RFC 7592', async () => {
      const document = (await call(`${context().server.url}/api/openapi.json`)).json
      const renew = document.paths['/{serviceId}/register/{clientId}/secret']?.post
      assert.ok(renew, 'POST /{serviceId}/register/{clientId}/secret is documented')
      assert.match(renew.description, /extension of RFC 7592/)
      assert.ok(renew.responses['200'] && renew.responses['401'])
      const refresh = document.paths['/api/{serviceId}/client/secret/refresh/{clientId}']
      assert.ok(refresh?.get && refresh?.post)
      const update = document.paths['/api/{serviceId}/client/secret/update/{clientId}']?.post
      assert.ok(update?.requestBody)
      const serviceUpdate = document.paths['/api/{serviceId}/service/update']?.post
      const body = serviceUpdate.requestBody.content['application/json'].schema
      const service = document.components.schemas[body.$ref.split('/').pop()]
      assert.ok(service.properties.clientSecretRotationOverlap.description)
    })
  })
}
