/**
 * Client metadata rules that peer servers enforce too, through the registration endpoint
 * and the DCR API alike: RFC 3986 URIs, refused schemes, implicit web clients, public clients
 * and client_credentials, empty supported lists, URIs the server fetches.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertNoStore, call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const WEB = 'https://app.example/cb'

export function clientMetadataRuleTests(context: Context): void {
  describe('client metadata rules', () => {
    /** Registers through both surfaces; the two answers must agree. */
    async function registerBoth(serviceId: string, body: Record<string, unknown>) {
      const { server, api } = context()
      const direct = await call(`${server.url}/${serviceId}/register`, { body })
      assertNoStore(direct)
      const viaApi = await api.call(`/api/${serviceId}/client/registration`, {
        body: { json: JSON.stringify(body) },
      })
      assert.equal(viaApi.status, 200, viaApi.text)
      const content = JSON.parse(viaApi.json.responseContent)
      if (direct.status === 201) {
        assert.equal(viaApi.json.action, 'CREATED', viaApi.text)
      } else {
        assert.equal(viaApi.json.action, 'BAD_REQUEST', viaApi.text)
        assert.equal(content.error, direct.json.error)
      }
      return direct
    }

    async function assertRefused(serviceId: string, body: Record<string, unknown>, error: string) {
      const answer = await registerBoth(serviceId, body)
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`)
      assert.equal(answer.json.error, error, `${JSON.stringify(body)}: ${answer.text}`)
      assert.match(answer.json.error_description, /^[\x20-\x7e]*$/)
    }

    test('redirect URIs that are not RFC 3986 URIs are refused with invalid_redirect_uri', async () => {
      const id = await context().api.createService()
      for (const uri of [
        'https:\\\\evil.example\\cb',
        'https://app.example\\@evil.example/cb',
        'https://app.example/c b',
        'https://app.example/cb?x=%zz',
        'https://app.example/cb%4',
        'https://app.example/"cb"',
        'https://app.example/{cb}',
        'https://app.example/a|b',
        'https://app.example/caf\u00e9',
        'https://good.example@evil.example/cb',
        'https://*.app.example/cb',
        'http://127.1/cb',
        'http://0x7f.0.0.1/cb',
        'https:///cb',
        'https:evil.example/cb',
      ]) {
        await assertRefused(id, { redirect_uris: [WEB, uri] }, 'invalid_redirect_uri')
      }
    })

    test('schemes registered for something other than an app redirect are refused', async () => {
      const id = await context().api.createService()
      for (const uri of [
        'javascript:alert(1)',
        'view-source:https://app.example/',
        'jar:https://app.example/a.jar!/x',
        'filesystem:https://app.example/temporary/x',
        'ws://app.example/cb',
        'wss://app.example/cb',
        'ftp://app.example/cb',
        'mailto:someone@example.com',
        'tel:+15555550100',
        'sms:+15555550100',
        'ms-settings:privacy',
        'search-ms:query=x',
        'intent://scan/',
      ]) {
        await assertRefused(id, { redirect_uris: [uri] }, 'invalid_redirect_uri')
      }
    })

    test('a client declaring web with https and private-use redirects is judged URI by URI', async () => {
      const id = await context().api.createService()
      const mixed = [WEB, 'com.example.app:/oauth2redirect', 'cursor://anysphere.cursor-mcp/cb']
      const answer = await registerBoth(id, {
        application_type: 'web',
        redirect_uris: mixed,
        token_endpoint_auth_method: 'none',
      })
      assert.equal(answer.status, 201, answer.text)
      assert.deepEqual(answer.json.redirect_uris, mixed)
      await assertRefused(
        id,
        { application_type: 'web', redirect_uris: [...mixed, 'ms-settings:privacy'] },
        'invalid_redirect_uri',
      )
    })

    test('other URI members are RFC 3986 URIs too, refused with invalid_client_metadata', async () => {
      const id = await context().api.createService()
      for (const member of [
        { client_uri: 'https://app.example/{x}' },
        { logo_uri: 'https://app.example/l|.png' },
        { 'tos_uri#en': 'https://app.example@evil.example/tos' },
        { policy_uri: 'https://*.app.example/p' },
        { jwks_uri: 'https:\\\\app.example\\jwks' },
        { request_uris: ['https://app.example/r%zz'] },
        { post_logout_redirect_uris: ['https://app.example/"bye"'] },
        { initiate_login_uri: 'https://app.example/ login' },
      ]) {
        await assertRefused(id, { redirect_uris: [WEB], ...member }, 'invalid_client_metadata')
      }
    })

    test('a web client of the implicit grant registers only https redirects off localhost (OIDC DCR §2)', async () => {
      const id = await context().api.createService({
        supportedGrantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT'],
        supportedResponseTypes: ['CODE', 'TOKEN', 'ID_TOKEN'],
      })
      const implicit = { grant_types: ['implicit'], response_types: ['id_token'] }
      for (const extra of [
        'http://localhost:3000/cb',
        'https://localhost/cb',
        'https://127.0.0.1/cb',
      ]) {
        await assertRefused(
          id,
          { ...implicit, redirect_uris: [WEB, extra] },
          'invalid_redirect_uri',
        )
      }
      const ok = await registerBoth(id, { ...implicit, redirect_uris: [WEB] })
      assert.equal(ok.status, 201, ok.text)
      assert.deepEqual(ok.json.grant_types, ['implicit'])
    })

    test('a public client never holds client_credentials (RFC 6749 §4.4)', async () => {
      const id = await context().api.createService()
      const dropped = await registerBoth(id, {
        redirect_uris: [WEB],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'client_credentials', 'refresh_token'],
      })
      assert.equal(dropped.status, 201, dropped.text)
      assert.deepEqual(dropped.json.grant_types, ['authorization_code', 'refresh_token'])
      await assertRefused(
        id,
        { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
        'invalid_client_metadata',
      )
      const confidential = await registerBoth(id, { grant_types: ['client_credentials'] })
      assert.equal(confidential.status, 201, confidential.text)
      assert.deepEqual(confidential.json.grant_types, ['client_credentials'])
    })

    test('an empty supported list allows none of its values; an omitted one keeps the defaults', async () => {
      const { api } = context()
      const defaults = await api.createService()
      const got = await api.call(`/api/${defaults}/service/get`)
      assert.ok(got.json.supportedGrantTypes.length > 0, got.text)
      assert.ok(got.json.supportedTokenAuthMethods.length > 0, got.text)
      assert.equal(got.json.supportedScopes, undefined)
      assert.equal(got.json.allowPrivateNetworkUris, false)

      const noGrants = await api.createService({ supportedGrantTypes: [] })
      for (const grant of ['password', 'authorization_code']) {
        await assertRefused(
          noGrants,
          { redirect_uris: [WEB], grant_types: [grant], token_endpoint_auth_method: 'none' },
          'invalid_client_metadata',
        )
      }

      const updated = await api.call(`/api/${defaults}/service/update`, {
        body: { supportedTokenAuthMethods: [], supportedScopes: [] },
      })
      assert.equal(updated.status, 200, updated.text)
      await assertRefused(defaults, { redirect_uris: [WEB] }, 'invalid_client_metadata')
      await assertRefused(
        defaults,
        { redirect_uris: [WEB], token_endpoint_auth_method: 'none' },
        'invalid_client_metadata',
      )
      const restored = await api.call(`/api/${defaults}/service/update`, {
        body: { supportedTokenAuthMethods: ['NONE'] },
      })
      assert.equal(restored.status, 200, restored.text)
      await assertRefused(
        defaults,
        { redirect_uris: [WEB], token_endpoint_auth_method: 'none', scope: 'openid' },
        'invalid_client_metadata',
      )
      const noScope = await registerBoth(defaults, {
        redirect_uris: [WEB],
        token_endpoint_auth_method: 'none',
        scope: '',
      })
      assert.equal(noScope.status, 201, noScope.text)
    })

    test('URIs the server fetches may not point into private networks unless the service allows it', async () => {
      const { api } = context()
      const id = await api.createService()
      for (const member of [
        { jwks_uri: 'https://127.0.0.1/jwks' },
        { jwks_uri: 'https://[::1]/jwks' },
        { jwks_uri: 'https://localhost/jwks' },
        { jwks_uri: 'https://[::ffff:169.254.169.254]/jwks' },
        { sector_identifier_uri: 'https://10.0.0.1/sector.json' },
        { request_uris: ['https://169.254.169.254/latest/meta-data'] },
        { logo_uri: 'https://192.168.1.1/logo.png' },
        { backchannel_logout_uri: 'https://[fd00::1]/logout' },
        { jwks_uri: 'http://keys.app.example/jwks' },
      ]) {
        await assertRefused(id, { redirect_uris: [WEB], ...member }, 'invalid_client_metadata')
      }
      const display = await registerBoth(id, {
        redirect_uris: [WEB],
        client_uri: 'https://10.0.0.1/',
        jwks_uri: 'https://keys.app.example/jwks',
      })
      assert.equal(display.status, 201, display.text)

      const allowed = await api.call(`/api/${id}/service/update`, {
        body: { allowPrivateNetworkUris: true },
      })
      assert.equal(allowed.status, 200, allowed.text)
      assert.equal(allowed.json.allowPrivateNetworkUris, true)
      const internal = await registerBoth(id, {
        redirect_uris: [WEB],
        jwks_uri: 'https://10.0.0.7/jwks',
        request_uris: ['https://[::1]/request'],
      })
      assert.equal(internal.status, 201, internal.text)
      assert.equal(internal.json.jwks_uri, 'https://10.0.0.7/jwks')

      const invalid = await api.call(`/api/${id}/service/update`, {
        body: { allowPrivateNetworkUris: 'yes' },
      })
      assert.equal(invalid.status, 400, invalid.text)
    })
  })
}
