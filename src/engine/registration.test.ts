import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ACTIONS, type AuthleteService, type ClientInformation } from '../wire/index.js'
import { createEngine, MemoryStore, type ServiceRecord } from './index.js'

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)

async function setUp(settings: AuthleteService = {}) {
  let now = NOW
  const engine = createEngine({
    store: new MemoryStore(),
    baseUrl: 'https://dcr.example.com/',
    now: () => now,
  })
  const service = await engine.createService(settings)
  return {
    engine,
    service,
    advance: (seconds: number) => (now += seconds * 1000),
    register: (body: unknown, initialAccessToken?: string) =>
      engine.register(service, { json: JSON.stringify(body), initialAccessToken }),
  }
}

function info(decision: { body?: unknown }): ClientInformation {
  return decision.body as ClientInformation
}

/** RFC 7591 §3.1, the example registration request (less its jwks_uri host). */
const RFC7591_EXAMPLE = {
  redirect_uris: ['https://client.example.org/callback', 'https://client.example.org/callback2'],
  client_name: 'My Example Client',
  'client_name#ja-Jpan-JP': 'クライアント名',
  token_endpoint_auth_method: 'client_secret_basic',
  logo_uri: 'https://client.example.org/logo.png',
  jwks_uri: 'https://client.example.org/my_public_keys.jwks',
  example_extension_parameter: 'example_value',
}

describe('register (RFC 7591 §3)', () => {
  it('answers the RFC 7591 §3.1 example with a client information response (§3.2.1)', async () => {
    const { register, service } = await setUp()
    const decision = await register(RFC7591_EXAMPLE)
    assert.equal(decision.action, 'CREATED')
    assert.equal(decision.status, 201)
    const body = info(decision)
    assert.match(body.client_id, /^\d{14}$/)
    assert.equal(body.client_id, String(decision.client?.clientId))
    assert.ok(body.client_secret && body.client_secret.length >= 43)
    assert.equal(body.client_secret_expires_at, 0)
    assert.equal(body.client_id_issued_at, Math.floor(NOW / 1000))
    assert.ok(body.registration_access_token.length >= 43)
    assert.equal(
      body.registration_client_uri,
      `https://dcr.example.com/${service.apiKey}/register/${body.client_id}`,
    )
    assert.deepEqual(body.redirect_uris, RFC7591_EXAMPLE.redirect_uris)
    assert.equal(body.client_name, 'My Example Client')
    assert.equal(body['client_name#ja-Jpan-JP'], 'クライアント名')
    assert.equal(body.logo_uri, RFC7591_EXAMPLE.logo_uri)
    assert.equal(body.jwks_uri, RFC7591_EXAMPLE.jwks_uri)
    assert.deepEqual(body.grant_types, ['authorization_code'])
    assert.deepEqual(body.response_types, ['code'])
    assert.equal('example_extension_parameter' in body, false)
  })

  it('stores only a hash of the registration access token (RFC 7592 §3)', async () => {
    const { register } = await setUp()
    const decision = await register(RFC7591_EXAMPLE)
    const stored = JSON.stringify(decision.client)
    assert.equal(stored.includes(info(decision).registration_access_token), false)
  })

  it('registers a client that sends only a name, as seed 003 does (CONTRACT.md §1)', async () => {
    const { register } = await setUp()
    const decision = await register({ client_name: 'My Dynamic Client' })
    assert.equal(decision.action, 'CREATED')
    assert.equal(info(decision).token_endpoint_auth_method, 'client_secret_basic')
  })

  it('issues no secret to a public client (RFC 7591 §2, token_endpoint_auth_method none)', async () => {
    const { register } = await setUp()
    const decision = await register({
      redirect_uris: ['http://127.0.0.1:4312/callback'],
      token_endpoint_auth_method: 'none',
    })
    assert.equal(decision.action, 'CREATED')
    assert.equal('client_secret' in info(decision), false)
    assert.equal('client_secret_expires_at' in info(decision), false)
    assert.equal(decision.client?.clientSecret, undefined)
  })

  it('answers a fragment in a redirect URI with invalid_redirect_uri (RFC 7591 §3.2.2)', async () => {
    const { register } = await setUp()
    const decision = await register({ redirect_uris: ['https://client.example.org/cb#frag'] })
    assert.equal(decision.action, 'BAD_REQUEST')
    assert.equal(decision.status, 400)
    assert.equal((decision.body as { error: string }).error, 'invalid_redirect_uri')
  })

  it('answers a body that is not a JSON object with invalid_client_metadata', async () => {
    const { engine, service } = await setUp()
    for (const json of ['not json', '[]', '"text"', 'null', '42', '']) {
      const decision = await engine.register(service, { json })
      assert.equal(decision.action, 'BAD_REQUEST', json)
      assert.equal((decision.body as { error: string }).error, 'invalid_client_metadata')
    }
  })

  it('sets client_secret_expires_at from the service secret lifetime (CONTRACT.md §1b)', async () => {
    const { register } = await setUp({ clientSecretLifetime: 3600 })
    const body = info(await register(RFC7591_EXAMPLE))
    assert.equal(body.client_secret_expires_at, Math.floor(NOW / 1000) + 3600)
  })

  it('refuses a duplicate software_id when the service blocks them (spec §3.7)', async () => {
    const { register } = await setUp({ dcrDuplicateSoftwareIdBlocked: true })
    const body = { ...RFC7591_EXAMPLE, software_id: '4NRB1-0XZABZI9E6-5SM3R' }
    assert.equal((await register(body)).action, 'CREATED')
    const second = await register(body)
    assert.equal(second.action, 'BAD_REQUEST')
    assert.equal((second.body as { error: string }).error, 'invalid_client_metadata')
  })

  it('answers BAD_REQUEST invalid_request when the service has registration off', async () => {
    const { register } = await setUp({ dynamicRegistrationSupported: false })
    const decision = await register(RFC7591_EXAMPLE)
    assert.equal(decision.action, 'BAD_REQUEST')
    assert.equal((decision.body as { error: string }).error, 'invalid_request')
  })
})

describe('initial access tokens (RFC 7591 §3)', () => {
  it('requires one when the service says so (RFC 6750 §3.1)', async () => {
    const { register } = await setUp({ initialAccessTokenRequired: true })
    const decision = await register(RFC7591_EXAMPLE)
    assert.equal(decision.action, 'UNAUTHORIZED')
    assert.equal((decision.body as { error: string }).error, 'invalid_token')
    assert.equal(decision.status, 401)
  })

  it('uses up one use per created client only, then refuses the spent token', async () => {
    const { engine, service, register } = await setUp({ initialAccessTokenRequired: true })
    const { token } = await engine.createInitialAccessToken(service.apiKey, { maxUses: 1 })
    const refused = await register({ redirect_uris: ['https://x.example/#f'] }, token)
    assert.equal(refused.action, 'BAD_REQUEST')
    assert.equal((await register(RFC7591_EXAMPLE, token)).action, 'CREATED')
    const spent = await register(RFC7591_EXAMPLE, token)
    assert.equal(spent.action, 'UNAUTHORIZED')
    assert.equal((spent.body as { error: string }).error, 'invalid_token')
    assert.deepEqual(
      (await engine.listInitialAccessTokens(service.apiKey, { start: 0, end: 10 })).items,
      [],
    )
  })

  it('refuses an expired token, another service token and a made-up one', async () => {
    const { engine, service, register, advance } = await setUp()
    const other = await engine.createService({})
    const { token: otherToken } = await engine.createInitialAccessToken(other.apiKey, {})
    const { token } = await engine.createInitialAccessToken(service.apiKey, { expiresIn: 60 })
    assert.equal((await register(RFC7591_EXAMPLE, otherToken)).action, 'UNAUTHORIZED')
    assert.equal((await register(RFC7591_EXAMPLE, 'made-up')).action, 'UNAUTHORIZED')
    assert.equal((await register(RFC7591_EXAMPLE, token)).action, 'CREATED')
    advance(61)
    assert.equal((await register(RFC7591_EXAMPLE, token)).action, 'UNAUTHORIZED')
  })
})

describe('client configuration (RFC 7592 §2)', () => {
  async function registered(settings: AuthleteService = {}) {
    const setup = await setUp(settings)
    const created = info(await setup.register(RFC7591_EXAMPLE))
    const configure = {
      read: (token = created.registration_access_token, clientId: string = created.client_id) =>
        setup.engine.read(setup.service, { clientId, token }),
      update: (body: unknown, token = created.registration_access_token) =>
        setup.engine.update(setup.service, {
          clientId: created.client_id,
          token,
          json: JSON.stringify(body),
        }),
      delete: (token = created.registration_access_token) =>
        setup.engine.delete(setup.service, { clientId: created.client_id, token }),
    }
    return { ...setup, created, configure }
  }

  it('reads the client back with the same token (§2.1)', async () => {
    const { created, configure } = await registered()
    const decision = await configure.read()
    assert.equal(decision.action, 'OK')
    assert.deepEqual(info(decision), created)
  })

  it('answers a wrong token, a missing one and an unknown client alike (§2.1)', async () => {
    const { configure, created } = await registered()
    const wrong = await configure.read('wrong')
    const unknown = await configure.read(created.registration_access_token, '10000000000001')
    const notNumeric = await configure.read(created.registration_access_token, 'abc')
    for (const decision of [wrong, unknown, notNumeric]) {
      assert.equal(decision.action, 'UNAUTHORIZED')
      assert.deepEqual(decision.body, wrong.body)
      assert.equal(decision.status, 401)
    }
    const missing = await configure.read('')
    assert.equal(missing.action, 'UNAUTHORIZED')
    assert.deepEqual(missing.body, {
      error: 'invalid_token',
      error_description: 'a registration access token is required',
    })
  })

  it('answers BAD_REQUEST for a bad token on a legacy service (spec §3.3)', async () => {
    const { configure } = await registered({ unauthorizedOnClientConfigSupported: false })
    assert.equal((await configure.read('wrong')).action, 'BAD_REQUEST')
  })

  it('replaces the metadata on update, omitted members going back to defaults (§2.2)', async () => {
    const { configure, created } = await registered()
    const decision = await configure.update({
      client_id: created.client_id,
      redirect_uris: ['https://client.example.org/callback'],
      client_name: 'Renamed',
    })
    assert.equal(decision.action, 'UPDATED')
    const body = info(decision)
    assert.equal(body.client_name, 'Renamed')
    assert.equal(body.logo_uri, undefined)
    assert.equal(body.client_secret, created.client_secret)
    assert.equal(body.registration_access_token, created.registration_access_token)
    assert.deepEqual(info(await configure.read()), body)
  })

  it('accepts echoed server-managed members with their current values (seed 003)', async () => {
    const { configure, created } = await registered()
    const decision = await configure.update({ ...created, client_name: 'Echoed' })
    assert.equal(decision.action, 'UPDATED')
    assert.equal(info(decision).client_name, 'Echoed')
  })

  it('refuses a changed client_id, client_secret or server-managed member (§2.2)', async () => {
    const { configure, created } = await registered()
    const changes = [
      { client_id: '10000000000001' },
      { client_secret: 'not-the-secret' },
      { registration_access_token: 'another' },
      { registration_client_uri: 'https://elsewhere.example/x' },
      { client_secret_expires_at: 12 },
      { client_id_issued_at: 12 },
    ]
    for (const change of changes) {
      const decision = await configure.update({ ...created, ...change })
      assert.equal(decision.action, 'BAD_REQUEST', JSON.stringify(change))
      assert.equal((decision.body as { error: string }).error, 'invalid_request')
    }
  })

  it('drops the secret when the client turns public, and mints one when it turns back', async () => {
    const { configure } = await registered()
    const redirect_uris = ['http://127.0.0.1/cb']
    const publicClient = info(
      await configure.update({ redirect_uris, token_endpoint_auth_method: 'none' }),
    )
    assert.equal(publicClient.client_secret, undefined)
    const confidential = info(await configure.update({ redirect_uris }))
    assert.ok(confidential.client_secret)
  })

  it('deletes the client, after which its token no longer works (§2.3)', async () => {
    const { configure } = await registered()
    const deleted = await configure.delete()
    assert.equal(deleted.action, 'DELETED')
    assert.equal(deleted.status, 204)
    assert.equal(deleted.body, undefined)
    assert.equal((await configure.read()).action, 'UNAUTHORIZED')
    assert.equal((await configure.delete()).action, 'UNAUTHORIZED')
  })
})

describe('any input (property)', () => {
  it('every decision has an action and none throws, for any JSON body', async () => {
    const { engine, service } = await setUp()
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string(), async (value, token) => {
        const json = JSON.stringify(value) ?? 'null'
        for (const decision of [
          await engine.register(service, { json }),
          await engine.update(service, { clientId: token, token, json }),
        ]) {
          assert.ok(ACTIONS.includes(decision.action))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('registered metadata reads back unchanged', async () => {
    const { engine, service } = await setUp()
    const member = fc.constantFrom(
      'client_name',
      'client_uri',
      'scope',
      'software_id',
      'contacts',
      'redirect_uris',
      'grant_types',
      'token_endpoint_auth_method',
      'application_type',
      'default_max_age',
    )
    await fc.assert(
      fc.asyncProperty(fc.dictionary(member, fc.jsonValue()), async (body) => {
        const created = await engine.register(service, { json: JSON.stringify(body) })
        if (created.action !== 'CREATED') return
        const registeredInfo = info(created)
        const read = await engine.read(service as ServiceRecord, {
          clientId: registeredInfo.client_id,
          token: registeredInfo.registration_access_token,
        })
        assert.deepEqual(info(read), registeredInfo)
      }),
      { numRuns: 300 },
    )
  })
})

describe('an update is held to the rules of its registration (RFC 7592 §2.2)', () => {
  const BODY = { redirect_uris: ['https://app.example/cb'], scope: 'read' }
  const WIDER = { ...BODY, scope: 'read write' }

  async function registeredWith(token: boolean) {
    const { engine, service: created } = await setUp()
    const service = await engine.replacePolicy(created.apiKey, {
      scopes: ['read', 'write'],
      anonymous: { scopes: ['read'] },
    })
    const iat = token
      ? (await engine.createInitialAccessToken(service.apiKey, {})).token
      : undefined
    const registered = info(
      await engine.register(service, { json: JSON.stringify(BODY), initialAccessToken: iat }),
    )
    return (body: unknown) =>
      engine.update(service, {
        clientId: registered.client_id,
        token: registered.registration_access_token,
        json: JSON.stringify(body),
      })
  }

  it('a client registered with an initial access token keeps the trusted rules', async () => {
    const update = await registeredWith(true)
    const decision = await update(WIDER)
    assert.equal(decision.action, 'UPDATED')
    assert.equal(info(decision).scope, 'read write')
  })

  it('an anonymous client stays under the anonymous rules', async () => {
    const update = await registeredWith(false)
    const decision = await update(WIDER)
    assert.equal(decision.status, 400)
    assert.equal((decision.body as { error: string }).error, 'invalid_client_metadata')
    assert.equal((await update(BODY)).action, 'UPDATED')
  })
})
