/**
 * A service's registration policy document through the API (CONTRACT.md §1c): read,
 * replaced, refused with a 400 naming the field, guarded like every service route, and
 * in force at the registration and discovery endpoints from the next request on.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Api, call, type Answer } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

/** A result error (spec §6) and nothing else. */
function assertResultError(answer: Answer, status: number): void {
  assert.equal(answer.status, status, answer.text)
  assert.equal(answer.headers.get('content-type'), 'application/json')
  assert.match(answer.json.resultCode, /^A\d{6}$/)
  assert.equal(answer.json.resultMessage.startsWith(`[${answer.json.resultCode}] `), true)
  assert.deepEqual(Object.keys(answer.json).sort(), ['resultCode', 'resultMessage'])
}

/** Documents the server refuses, each with the field its message must name. */
const REFUSED: [string, unknown, RegExp][] = [
  ['a list given as a string', { grantTypes: 'authorization_code' }, /policy\.grantTypes\b/],
  [
    'a switch given as a string',
    { redirectUris: { loopback: 'no' } },
    /policy\.redirectUris\.loopback\b/,
  ],
  ['a negative cap', { maxClients: -1 }, /policy\.maxClients\b/],
  [
    'a probation shorter than a minute',
    { probation: { lifetimeSeconds: 30 } },
    /policy\.probation\.lifetimeSeconds\b/,
  ],
  [
    'a default scope outside the probation scopes',
    { defaultScope: 'admin', probation: { lifetimeSeconds: 600, scopes: ['mcp'] } },
    /defaultScope\b.*probation\.scopes/,
  ],
  ['a cap that is not an integer', { maxClients: 1.5 }, /policy\.maxClients\b/],
  ['an unknown member', { maxClient: 5 }, /policy\.maxClient\b/],
  [
    'an unknown member of a rule set',
    { redirectUris: { host: ['a.example'] } },
    /policy\.redirectUris\.host\b/,
  ],
  [
    'a cap inside the anonymous rule set',
    { anonymous: { maxClients: 5 } },
    /policy\.anonymous\.maxClients\b/,
  ],
  [
    'an unknown grant type',
    { grantTypes: ['authorization_code', 'magic'] },
    /policy\.grantTypes\b.*magic/,
  ],
  [
    'an unknown anonymous grant type',
    { anonymous: { grantTypes: ['magic'] } },
    /policy\.anonymous\.grantTypes\b/,
  ],
  [
    'an unknown auth method',
    { tokenEndpointAuthMethods: ['password'] },
    /policy\.tokenEndpointAuthMethods\b/,
  ],
  [
    'a host that is not one',
    { redirectUris: { hosts: ['https://app.example'] } },
    /policy\.redirectUris\.hosts\b/,
  ],
  [
    'a required member that is no client metadata',
    { requiredMembers: ['colour'] },
    /policy\.requiredMembers\b/,
  ],
  [
    'a default scope outside scopes',
    { scopes: ['read'], defaultScope: 'read write' },
    /policy\.defaultScope\b.*write/,
  ],
]

export function servicePolicyTests(context: Context): void {
  describe('service policy', () => {
    const policyPath = (serviceId: string) => `/api/${serviceId}/service/policy`
    const setUp = async (settings: Record<string, unknown> = {}) => {
      const { api, server } = context()
      const serviceId = await api.createService(settings)
      const read = (as: Api = api) => as.call(policyPath(serviceId))
      const replace = (body: unknown, as: Api = api) => as.call(policyPath(serviceId), { body })
      const register = (body: unknown, token?: string) =>
        call(`${server.url}/${serviceId}/register`, { body, token })
      return { api, server, serviceId, read, replace, register }
    }

    test('a new service has the empty document; POST replaces it whole and GET reads back what was stored', async () => {
      const { read, replace } = await setUp()
      const empty = await read()
      assert.equal(empty.status, 200, empty.text)
      assert.equal(empty.headers.get('content-type'), 'application/json')
      assert.deepEqual(empty.json, {})

      const first = {
        redirectUris: { schemes: ['https', 'http'], hosts: ['app.example'], loopback: true },
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        tokenEndpointAuthMethods: ['none', 'private_key_jwt'],
        signingAlgorithms: ['ES256', 'RS256'],
        scopes: ['read', 'write'],
        defaultScope: 'read',
        requiredMembers: ['client_name'],
        maxClients: 5000,
        anonymous: { tokenEndpointAuthMethods: ['none'], scopes: ['read'] },
      }
      const replaced = await replace(first)
      assert.equal(replaced.status, 200, replaced.text)
      assert.deepEqual(replaced.json, first)
      assert.deepEqual((await read()).json, first)

      const second = { maxClients: 10 }
      assert.deepEqual((await replace(second)).json, second)
      assert.deepEqual((await read()).json, second, 'a replacement, not a merge')
      assert.deepEqual((await replace({})).json, {})
      assert.deepEqual((await read()).json, {})
    })

    test('a refused document is a 400 result error naming the field, and the stored one stays', async () => {
      const { read, replace } = await setUp()
      const kept = { grantTypes: ['authorization_code'], scopes: ['read'] }
      assert.equal((await replace(kept)).status, 200)
      for (const [what, document, field] of REFUSED) {
        const answer = await replace(document)
        assertResultError(answer, 400)
        // Shape (schema) and value (engine) problems read alike: `policy.<field>: why`.
        assert.match(answer.json.resultMessage, /\/service\/policy, policy\./, what)
        assert.match(answer.json.resultMessage, field, what)
        assert.deepEqual((await read()).json, kept, what)
      }
    })

    test('a body that is not a JSON object is refused as on every API route', async () => {
      const { read, replace } = await setUp()
      for (const body of ['{"scopes": [', '[]', '"scopes"', 'null']) {
        const answer = await replace(body)
        assertResultError(answer, 400)
        assert.match(answer.json.resultMessage, /JSON/, body)
      }
      assert.deepEqual((await read()).json, {})
    })

    test('an empty body is refused, not read as {}: a call sent without one keeps every rule', async () => {
      const { api, serviceId, read, replace } = await setUp()
      const kept = { maxClients: 5 }
      assert.equal((await replace(kept)).status, 200)
      const empties = [
        api.call(policyPath(serviceId), { method: 'POST' }),
        replace(''),
        replace(' \n'),
      ]
      for (const answer of await Promise.all(empties)) {
        assertResultError(answer, 400)
        assert.match(answer.json.resultMessage, /body is missing/)
      }
      assert.deepEqual((await read()).json, kept)
    })

    test('an unknown service is a 404 result error', async () => {
      const { api } = context()
      for (const serviceId of ['10000000000001', 'not-a-number']) {
        assertResultError(await api.call(policyPath(serviceId)), 404)
        assertResultError(await api.call(policyPath(serviceId), { body: {} }), 404)
        assertResultError(await api.call(policyPath(serviceId), { body: { grantTypes: 'x' } }), 404)
      }
    })

    test('needs the admin token or the service own token; another service token gets 403', async () => {
      const { api, server, serviceId, read, replace } = await setUp()
      const url = `${server.url}${policyPath(serviceId)}`
      assertResultError(await call(url), 401)
      assertResultError(await call(url, { body: { maxClients: 1 } }), 401)
      assertResultError(await call(url, { token: 'wrong' }), 401)

      const mint = async (id: string) => {
        const answer = await api.call(`/api/${id}/token/create`, { body: {} })
        assert.equal(answer.status, 200, answer.text)
        return new Api(server.url, answer.json.token)
      }
      const own = await mint(serviceId)
      assert.equal((await replace({ maxClients: 7 }, own)).status, 200)
      assert.deepEqual((await read(own)).json, { maxClients: 7 })

      const other = await mint(await api.createService())
      assertResultError(await read(other), 403)
      assertResultError(await replace({ maxClients: 1 }, other), 403)
      assert.deepEqual((await read()).json, { maxClients: 7 })
    })

    test('the registration endpoint and discovery follow a replaced policy at once', async () => {
      const { server, serviceId, replace, register } = await setUp()
      const discovery = async () =>
        (await call(`${server.url}/.well-known/oauth-authorization-server/${serviceId}`)).json
      // Read the service once first, so that a stale copy of it would show.
      const before = await register({
        redirect_uris: ['http://127.0.0.1:3000/cb'],
        token_endpoint_auth_method: 'none',
        scope: 'admin',
      })
      assert.equal(before.status, 201, before.text)
      assert.equal((await discovery()).scopes_supported, undefined)

      const policy = {
        scopes: ['mcp:read', 'mcp:tools'],
        defaultScope: 'mcp:read',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: { loopback: false, hosts: ['app.example.com', '*.example.org'] },
      }
      assert.equal((await replace(policy)).status, 200)

      const outsideScopes = await register({
        redirect_uris: ['https://app.example.com/cb'],
        scope: 'mcp:read admin',
      })
      assert.equal(outsideScopes.status, 400, outsideScopes.text)
      assert.equal(outsideScopes.json.error, 'invalid_client_metadata')
      assert.match(outsideScopes.json.error_description, /admin/)

      const noScope = await register({ redirect_uris: ['https://app.example.com/cb'] })
      assert.equal(noScope.status, 201, noScope.text)
      assert.equal(noScope.json.scope, 'mcp:read')
      const asked = await register({
        redirect_uris: ['https://app.example.com/cb'],
        scope: 'mcp:tools',
      })
      assert.equal(asked.status, 201, asked.text)
      assert.equal(asked.json.scope, 'mcp:tools')

      const loopback = await register({
        redirect_uris: ['http://127.0.0.1:3000/cb'],
        token_endpoint_auth_method: 'none',
      })
      assert.equal(loopback.status, 400, loopback.text)
      assert.equal(loopback.json.error, 'invalid_redirect_uri')

      const foreignHost = await register({ redirect_uris: ['https://evil.example.net/cb'] })
      assert.equal(foreignHost.status, 400, foreignHost.text)
      assert.equal(foreignHost.json.error, 'invalid_redirect_uri')
      assert.match(foreignHost.json.error_description, /evil\.example\.net/)
      const bareDomain = await register({ redirect_uris: ['https://example.org/cb'] })
      assert.equal(
        bareDomain.json.error,
        'invalid_redirect_uri',
        '*.example.org is subdomains only',
      )
      const subdomain = await register({ redirect_uris: ['https://tools.example.org/cb'] })
      assert.equal(subdomain.status, 201, subdomain.text)

      const document = await discovery()
      assert.deepEqual(document.scopes_supported, ['mcp:read', 'mcp:tools'])
      assert.deepEqual(document.grant_types_supported, ['authorization_code', 'refresh_token'])
    })

    test('the anonymous rules hold registrations without an initial access token only', async () => {
      const { api, serviceId, replace, register } = await setUp()
      assert.equal(
        (await replace({ anonymous: { redirectUris: { loopback: false } } })).status,
        200,
      )
      const loopbackClient = {
        redirect_uris: ['http://127.0.0.1:3000/cb'],
        token_endpoint_auth_method: 'none',
      }
      const anonymous = await register(loopbackClient)
      assert.equal(anonymous.status, 400, anonymous.text)
      assert.equal(anonymous.json.error, 'invalid_redirect_uri')

      const minted = await api.call(`/api/${serviceId}/initial_access_token/create`, { body: {} })
      assert.equal(minted.status, 200, minted.text)
      const withToken = await register(loopbackClient, minted.json.token)
      assert.equal(withToken.status, 201, withToken.text)
    })

    test('the OpenAPI document describes both operations with the policy schema', async () => {
      const { server } = context()
      const document = (await call(`${server.url}/api/openapi.json`)).json
      const operations = document.paths['/api/{serviceId}/service/policy']
      assert.ok(operations?.get && operations?.post, 'GET and POST are listed')
      const bodySchema = operations.post.requestBody.content['application/json'].schema
      for (const schema of [
        bodySchema,
        operations.get.responses['200'].content['application/json'].schema,
        operations.post.responses['200'].content['application/json'].schema,
      ]) {
        assert.ok(schema.properties.maxClients, 'maxClients is documented')
        assert.ok(schema.properties.anonymous, 'anonymous is documented')
        assert.equal(schema.additionalProperties, false)
      }
      assert.ok(operations.post.responses['400'], 'the refusal is documented')
    })
  })
}
