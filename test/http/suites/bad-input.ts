/**
 * Input no store keeps as sent (CONTRACT.md "Bad input"): strings with U+0000 or an
 * unpaired surrogate, JSON nested past 32 levels, numbers outside a member's range or that
 * JSON.parse alters. Each is a 400 naming the member on every surface, never a 500, on
 * SQLite and PostgreSQL alike; and one such registration among many fails alone.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { call, type Answer } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const WEB = { redirect_uris: ['https://app.example/cb'] }
/** Strings no column keeps as sent: U+0000 (PostgreSQL text cannot hold it), lone surrogates. */
const BAD_STRINGS = ['a\u0000b', 'a\ud800', '\udc00b', '\ud800\ud800']
const EC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
}

/** A 400 with the surface's error shape whose text names `member`. */
function assertRefused(answer: Answer, member: string, code?: string): void {
  assert.equal(answer.status, 400, answer.text)
  if (code !== undefined) {
    assert.equal(answer.json.error, code, answer.text)
    assert.ok(answer.json.error_description.includes(member), answer.text)
    assert.match(answer.json.error_description, /^[\x20-\x7e]*$/)
  } else {
    assert.match(answer.json.resultCode, /^A/, answer.text)
    assert.ok(answer.json.resultMessage.includes(member), answer.text)
  }
}

export function badInputTests(context: Context): void {
  describe('input no store keeps as sent', () => {
    const setUp = async (settings: Record<string, unknown> = {}) => {
      const { api, server } = context()
      const id = await api.createService(settings)
      const register = (body: unknown) => call(`${server.url}/${id}/register`, { body })
      return { id, api, server, register }
    }

    test('U+0000 and unpaired surrogates in registration metadata give 400 naming the member, strings nested in arrays and objects too', async () => {
      const { register } = await setUp()
      for (const bad of BAD_STRINGS) {
        assertRefused(
          await register({ ...WEB, software_id: bad }),
          'software_id',
          'invalid_client_metadata',
        )
        assertRefused(
          await register({ ...WEB, contacts: ['ok@example.com', bad] }),
          'contacts/1',
          'invalid_client_metadata',
        )
        assertRefused(
          await register({ redirect_uris: [`https://app.example/cb?${bad}`] }),
          'redirect_uris/0',
          'invalid_redirect_uri',
        )
        assertRefused(
          await register({ ...WEB, jwks: { keys: [{ ...EC_KEY, kid: bad }] } }),
          'jwks/keys/0/kid',
          'invalid_client_metadata',
        )
        assertRefused(
          await register({ ...WEB, client_name: 'x', 'unknown member': { kept: [bad] } }),
          'unknown member/kept/0',
          'invalid_client_metadata',
        )
        assertRefused(
          await register({ ...WEB, [`name${bad}`]: 1 }),
          'name',
          'invalid_client_metadata',
        )
      }
    })

    test('the same strings are refused by RFC 7592 update, the DCR API and software statement claims', async () => {
      const directory = await generateKeyPair('ES256')
      const jwk = { ...(await exportJWK(directory.publicKey)), kid: 'd1', alg: 'ES256' }
      const issuer = 'https://directory.example'
      const { id, api, server, register } = await setUp({
        trustedSoftwareStatementIssuers: [{ issuer, jwks: { keys: [jwk] } }],
      })
      const created = (await register(WEB)).json
      for (const bad of BAD_STRINGS) {
        const updated = await call(`${server.url}/${id}/register/${created.client_id}`, {
          method: 'PUT',
          token: created.registration_access_token,
          body: { ...WEB, client_id: created.client_id, client_name: bad },
        })
        assertRefused(updated, 'client_name', 'invalid_client_metadata')
        const viaApi = await api.call(`/api/${id}/client/registration`, {
          body: { json: JSON.stringify({ ...WEB, software_version: bad }) },
        })
        // The DCR API answers 200 with the action (spec §3.3), like Authlete.
        assert.equal(viaApi.json.action, 'BAD_REQUEST', viaApi.text)
        const content = JSON.parse(viaApi.json.responseContent)
        assert.equal(content.error, 'invalid_client_metadata')
        assert.ok(content.error_description.includes('software_version'))
        const statement = await new SignJWT({ software_id: bad })
          .setProtectedHeader({ alg: 'ES256', kid: 'd1' })
          .setIssuer(issuer)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(directory.privateKey)
        assertRefused(
          await register({ ...WEB, software_statement: statement }),
          'software_id',
          'invalid_client_metadata',
        )
      }
      const read = await call(`${server.url}/${id}/register/${created.client_id}`, {
        token: created.registration_access_token,
      })
      assert.deepEqual(read.json, created)
    })

    test('the same strings are refused under /api/ with a 400 result error naming the member: bodies, JSON inside strings, query and path parameters', async () => {
      const { id, api } = await setUp()
      const client = (await api.call(`/api/${id}/client/create`, { body: { clientName: 'c' } }))
        .json
      for (const bad of BAD_STRINGS) {
        const cases: [string, unknown, string][] = [
          [`/api/${id}/initial_access_token/create`, { description: bad }, 'description'],
          [`/api/${id}/token/create`, { description: bad }, 'description'],
          ['/api/service/create', { serviceName: bad }, 'serviceName'],
          [`/api/${id}/service/update`, { serviceName: bad }, 'serviceName'],
          [`/api/${id}/client/create`, { clientName: bad }, 'clientName'],
          [`/api/${id}/client/create`, { contacts: ['a', bad] }, 'contacts/1'],
          [`/api/${id}/client/update/${client.clientId}`, { clientName: bad }, 'clientName'],
          [`/api/${id}/client/registration`, { json: '{}', token: bad }, 'token'],
        ]
        for (const [path, body, member] of cases) {
          assertRefused(await api.call(path, { body }), member)
        }
        // JSON text inside a string member, parsed by the server: named by its inner member.
        const inner = await api.call(`/api/${id}/client/create`, {
          body: { clientName: 'c', jwks: JSON.stringify({ keys: [{ ...EC_KEY, kid: bad }] }) },
        })
        assert.equal(inner.status, 400, inner.text)
        assert.ok(inner.json.resultMessage.includes('jwks/keys/0/kid'), inner.text)
      }
      const encoded = encodeURIComponent('a\u0000b')
      assertRefused(await api.call(`/api/${id}/client/get/list?developer=${encoded}`), 'developer')
      assertRefused(
        await api.call(`/api/${id}/initial_access_token/${encoded}`, { method: 'DELETE' }),
        'id',
      )
      assertRefused(await api.call(`/api/${id}/service/get?x=${encoded}`), 'x')
    })

    test('JSON nested past 32 levels is refused with 400 on every surface; a JWK keeps only the members the JWK RFCs define', async () => {
      const { id, api, register } = await setUp()
      // 60 KB of `[[[[...]]]]`, 30,000 levels, inside a JWK member.
      const deep = '['.repeat(30_000) + ']'.repeat(30_000)
      const text = `{"redirect_uris":["https://app.example/cb"],"jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"${EC_KEY.x}","y":"${EC_KEY.y}","ext":${deep}}]}}`
      assertRefused(await register(text), 'jwks/keys/0/ext', 'invalid_client_metadata')
      const shallow = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)
      assert.equal((await register({ ...WEB, software_id: 'depth' })).status, 201)
      assertRefused(
        await register(`{"redirect_uris":["https://app.example/cb"],"x":${shallow(32)}}`),
        'x/0/0',
        'invalid_client_metadata',
      )
      assert.equal(
        (await register(`{"redirect_uris":["https://app.example/cb"],"x":${shallow(31)}}`)).status,
        201,
      )
      assertRefused(
        await api.call(`/api/${id}/token/create`, { body: `{"description":"d","x":${deep}}` }),
        'x',
      )
      const viaApi = await api.call(`/api/${id}/client/registration`, {
        body: { json: text },
      })
      assert.equal(viaApi.json.action, 'BAD_REQUEST', viaApi.text)

      const extra = await register({
        ...WEB,
        jwks: { keys: [{ ...EC_KEY, kid: 'k1', ext: true, foo: { bar: [1] } }], other: 1 },
      })
      assert.equal(extra.status, 201, extra.text)
      assert.deepEqual(extra.json.jwks, { keys: [{ ...EC_KEY, kid: 'k1' }] })
      assertRefused(
        await register({ ...WEB, jwks: { keys: [{ ...EC_KEY, kid: ['k1'] }] } }),
        'jwks',
        'invalid_client_metadata',
      )
    })

    test('numbers outside a member’s documented range give 400, not 500', async () => {
      const { id, api, register } = await setUp()
      const tooBig = 2_147_483_648
      const apiCases: [string, unknown, string][] = [
        [`/api/${id}/initial_access_token/create`, { maxUses: 3_000_000_000 }, 'maxUses'],
        [`/api/${id}/initial_access_token/create`, { maxUses: -1 }, 'maxUses'],
        [`/api/${id}/initial_access_token/create`, { expiresIn: tooBig }, 'expiresIn'],
        [`/api/${id}/initial_access_token/create`, { expiresIn: 1e300 }, 'expiresIn'],
        ['/api/service/create', { serviceName: 's', clientSecretLifetime: tooBig }, 'Lifetime'],
        ['/api/service/create', { serviceName: 's', accessTokenDuration: -1 }, 'Duration'],
        [`/api/${id}/service/update`, { refreshTokenDuration: tooBig }, 'Duration'],
        [`/api/${id}/service/update`, { clientsPerDeveloper: tooBig }, 'clientsPerDeveloper'],
        [`/api/${id}/client/create`, { defaultMaxAge: tooBig }, 'defaultMaxAge'],
        [
          `/api/${id}/client/create`,
          { extension: { accessTokenDuration: tooBig } },
          'accessTokenDuration',
        ],
        [`/api/${id}/client/registration/get`, { clientId: 1e20, token: 't' }, 'clientId'],
      ]
      for (const [path, body, member] of apiCases) {
        assertRefused(await api.call(path, { body }), member)
      }
      for (const text of ['{"description":"x","n":1e400}', '{"description":"x","n":-0}']) {
        assertRefused(await api.call(`/api/${id}/token/create`, { body: text }), 'n')
      }
      const largest = await api.call(`/api/${id}/initial_access_token/create`, {
        body: { maxUses: 2_147_483_647, expiresIn: 2_147_483_647 },
      })
      assert.equal(largest.status, 200, largest.text)
      assert.equal(largest.json.maxUses, 2_147_483_647)
      const listed = await api.call(`/api/${id}/initial_access_token/list`)
      assert.equal(listed.json.tokens[0].usesLeft, 2_147_483_647)

      assertRefused(
        await register({ ...WEB, default_max_age: tooBig }),
        'default_max_age',
        'invalid_client_metadata',
      )
      const ranges = (await call(`${context().server.url}/api/openapi.json`)).json
      const schema = JSON.stringify(ranges)
      assert.ok(schema.includes('"maximum":2147483647'), 'the ranges are in the OpenAPI document')
    })

    test('a number the server would alter (-0, 1e-400, 1e400, integers past 2^53) is refused, never silently changed or dropped', async () => {
      const { register, api, id } = await setUp({ supportedCustomClientMetadata: ['level'] })
      const prefix = '{"redirect_uris":["https://app.example/cb"],'
      for (const value of ['-0', '1e-400', '-0.0', '1e400', '-1']) {
        assertRefused(
          await register(`${prefix}"default_max_age":${value}}`),
          'default_max_age',
          'invalid_client_metadata',
        )
      }
      for (const value of ['1e-400', '-0', '9007199254740993', '1e999']) {
        assertRefused(
          await register(`${prefix}"level":${value}}`),
          'level',
          'invalid_client_metadata',
        )
        const viaApi = await api.call(`/api/${id}/client/registration`, {
          body: { json: `${prefix}"level":${value}}` },
        })
        assert.equal(viaApi.json.action, 'BAD_REQUEST', viaApi.text)
      }
      const viaClientApi = await api.call(`/api/${id}/client/create`, {
        body: { clientName: 'c', customMetadata: '{"level":1e-400}' },
      })
      assertRefused(viaClientApi, 'customMetadata/level')
      // default_max_age 0 is Authlete's "none", so it is answered as absent (RFC 7591 §3.2.1).
      for (const [sent, kept, maxAge] of [
        ['0', 0, undefined],
        ['3600', 3600, 3600],
        ['2147483647', 2147483647, 2147483647],
        ['36e2', 3600, 3600],
      ] as const) {
        const answer = await register(`${prefix}"default_max_age":${sent},"level":${sent}}`)
        assert.equal(answer.status, 201, answer.text)
        assert.equal(answer.json.default_max_age, maxAge)
        assert.equal(answer.json.level, kept)
        const read = await call(answer.json.registration_client_uri, {
          token: answer.json.registration_access_token,
        })
        assert.equal(read.json.default_max_age, maxAge)
      }
    })

    test('one poisoned registration among concurrent ones gets its 400; the others get 201', async () => {
      const { register } = await setUp()
      const deepJwk = `{"redirect_uris":["https://app.example/cb"],"jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"${EC_KEY.x}","y":"${EC_KEY.y}","ext":${'['.repeat(30_000)}${']'.repeat(30_000)}}]}}`
      const poisoned = [
        { ...WEB, software_id: 'nul\u0000' },
        { ...WEB, client_name: 'lone \ud800' },
        deepJwk,
      ]
      const good = Array.from({ length: 40 }, (_, index) => ({
        ...WEB,
        software_id: `ok-${index}`,
      }))
      const bodies = [...good.slice(0, 20), ...poisoned, ...good.slice(20)]
      const answers = await Promise.all(bodies.map((body) => register(body)))
      const statuses = answers.map((answer) => answer.status)
      assert.deepEqual(
        statuses,
        bodies.map((body) => (poisoned.includes(body as never) ? 400 : 201)),
        answers.map((answer) => answer.text.slice(0, 200)).join('\n'),
      )
    })
  })
}
