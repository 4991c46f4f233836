/**
 * Explained rejections and dry runs (CONTRACT.md §1c) as a client and an authorization
 * server see them: `violations` on POST, PUT and the DCR API; `?dry_run=true` and
 * `"dryRun": true` deciding as registration does, with nothing stored or used up.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertNoStore, call, type Answer } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

/** Two redirect URIs broken by one rule, and a scope broken by another. */
const BAD = {
  redirect_uris: ['http://a.example/cb', 'https://ok.example/cb', 'http://b.example/cb'],
  scope: 'read "write"',
}
const HTTP_LOOPBACK = 'RFC 8252 §7.3; OIDC DCR §2'
const BAD_VIOLATIONS = [
  {
    pointer: '/redirect_uris/0',
    rule: 'httpRedirectIsLoopback',
    spec: HTTP_LOOPBACK,
    error: 'invalid_redirect_uri',
  },
  {
    pointer: '/redirect_uris/2',
    rule: 'httpRedirectIsLoopback',
    spec: HTTP_LOOPBACK,
    error: 'invalid_redirect_uri',
  },
  {
    pointer: '/scope',
    rule: 'scopeTokensAreWellFormed',
    spec: 'RFC 6749 §3.3; RFC 7591 §2',
    error: 'invalid_client_metadata',
  },
]
const GOOD = { client_name: 'app', redirect_uris: ['https://app.example/cb'], unknown: 1 }
const ISSUED = [
  'client_id',
  'client_secret',
  'client_secret_expires_at',
  'client_id_issued_at',
  'registration_access_token',
  'registration_client_uri',
]

/** The body's violations without their descriptions, after checking the body's own. */
function violationsOf(body: {
  error: string
  error_description: string
  violations: { error: string; error_description: string }[]
}) {
  assert.ok(Array.isArray(body.violations), JSON.stringify(body))
  assert.equal(body.error, body.violations[0]?.error)
  assert.equal(body.error_description, body.violations[0]?.error_description)
  return body.violations.map(({ error_description, ...rest }) => {
    assert.equal(typeof error_description, 'string')
    return rest
  })
}

function assertRefusedWithViolations(answer: Answer, expected: unknown[]): void {
  assert.equal(answer.status, 400, answer.text)
  assertNoStore(answer)
  assert.deepEqual(violationsOf(answer.json), expected)
}

export function violationAndDryRunTests(context: Context): void {
  describe('explained rejections and dry run (CONTRACT.md §1c)', () => {
    const setUp = async (settings: Record<string, unknown> = {}) => {
      const { api, server } = context()
      const id = await api.createService(settings)
      const endpoint = `${server.url}/${id}/register`
      const clientCount = async () => {
        const list = await api.call(`/api/${id}/client/get/list`)
        assert.equal(list.status, 200, list.text)
        return list.json.totalCount as number
      }
      const dcr = async (suffix: string, body: Record<string, unknown>) => {
        const answer = await api.call(`/api/${id}/client/registration${suffix}`, { body })
        assert.equal(answer.status, 200, answer.text)
        return answer.json
      }
      return { api, id, endpoint, clientCount, dcr }
    }

    test('POST register lists every violation in rule order, with pointers, rules and specs', async () => {
      const { endpoint } = await setUp()
      const answer = await call(endpoint, { body: BAD })
      assertRefusedWithViolations(answer, BAD_VIOLATIONS)
      assert.equal(answer.json.error, 'invalid_redirect_uri')
      assert.match(answer.json.error_description, /http:\/\/a\.example\/cb/)
    })

    test('PUT (RFC 7592 §2.2) lists violations of the metadata and of echoed members', async () => {
      const { endpoint } = await setUp()
      const registered = await call(endpoint, { body: GOOD })
      assert.equal(registered.status, 201, registered.text)
      const { registration_client_uri: uri, registration_access_token: token } = registered.json
      const refused = await call(uri, { method: 'PUT', token, body: BAD })
      assertRefusedWithViolations(refused, BAD_VIOLATIONS)
      const echoed = await call(uri, {
        method: 'PUT',
        token,
        body: { ...GOOD, client_id: 'another', client_id_issued_at: 1 },
      })
      assertRefusedWithViolations(echoed, [
        {
          pointer: '/client_id',
          rule: 'echoedMember',
          spec: 'RFC 7592 §2.2',
          error: 'invalid_request',
        },
        {
          pointer: '/client_id_issued_at',
          rule: 'echoedMember',
          spec: 'RFC 7592 §2.2',
          error: 'invalid_request',
        },
      ])
    })

    test('the DCR API answers the same violations in responseContent (register and update)', async () => {
      const { endpoint, dcr } = await setUp()
      const posted = await call(endpoint, { body: BAD })
      const registered = await dcr('', { json: JSON.stringify(BAD) })
      assert.equal(registered.action, 'BAD_REQUEST')
      assert.deepEqual(JSON.parse(registered.responseContent), posted.json)
      const created = await dcr('', { json: JSON.stringify(GOOD) })
      assert.equal(created.action, 'CREATED')
      const { client_id: clientId, registration_access_token: token } = JSON.parse(
        created.responseContent,
      )
      const updated = await dcr('/update', { json: JSON.stringify(BAD), clientId, token })
      assert.equal(updated.action, 'BAD_REQUEST')
      assert.deepEqual(violationsOf(JSON.parse(updated.responseContent)), BAD_VIOLATIONS)
    })

    test('?dry_run=true answers 200 with the would-be client, issues and stores nothing', async () => {
      const { endpoint, clientCount } = await setUp()
      const dry = await call(`${endpoint}?dry_run=true`, { body: GOOD })
      assert.equal(dry.status, 200, dry.text)
      assertNoStore(dry)
      assert.equal(await clientCount(), 0)
      assert.deepEqual(Object.keys(dry.json).sort(), ['client', 'substitutions'])
      for (const issued of ISSUED) assert.equal(issued in dry.json.client, false, issued)
      assert.deepEqual(dry.json.substitutions.slice(0, 1), [
        { pointer: '/unknown', change: 'dropped' },
      ])
      assert.ok(dry.json.substitutions.some((s: { change: string }) => s.change === 'defaulted'))
      const real = await call(`${endpoint}?dry_run=false`, { body: GOOD })
      assert.equal(real.status, 201, real.text)
      assert.equal(await clientCount(), 1)
      const registered = Object.fromEntries(
        Object.entries(real.json).filter(([member]) => !ISSUED.includes(member)),
      )
      assert.deepEqual(dry.json.client, registered)
    })

    test('a dry run of a bad body gives the same 400 and violations as the real call', async () => {
      const { endpoint, clientCount } = await setUp()
      const dry = await call(`${endpoint}?dry_run=true`, { body: BAD })
      const real = await call(endpoint, { body: BAD })
      assertRefusedWithViolations(dry, BAD_VIOLATIONS)
      assert.deepEqual(dry.json, real.json)
      const notJson = await call(`${endpoint}?dry_run=true`, { body: '{bad' })
      assertRefusedWithViolations(notJson, [
        {
          pointer: '',
          rule: 'json',
          spec: 'RFC 7591 §3.1; RFC 8259 §2',
          error: 'invalid_client_metadata',
        },
      ])
      assert.equal(await clientCount(), 0)
    })

    test('dry_run takes true or false only: any other value is 400 invalid_request', async () => {
      const { endpoint, clientCount } = await setUp()
      for (const query of [
        'dry_run=yes',
        'dry_run=',
        'dry_run=TRUE',
        'dry_run=true&dry_run=true',
      ]) {
        const answer = await call(`${endpoint}?${query}`, { body: GOOD })
        assert.equal(answer.status, 400, `${query}: ${answer.text}`)
        assert.equal(answer.json.error, 'invalid_request')
      }
      assert.equal(await clientCount(), 0)
    })

    test('a dry run needs the initial access token a service requires, and uses none of it', async () => {
      const { api, id, endpoint, clientCount } = await setUp({ initialAccessTokenRequired: true })
      const missing = await call(`${endpoint}?dry_run=true`, { body: GOOD })
      assert.equal(missing.status, 401)
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer')
      const minted = await api.call(`/api/${id}/initial_access_token/create`, {
        body: { maxUses: 1 },
      })
      const { token } = minted.json
      for (let i = 0; i < 2; i++) {
        const dry = await call(`${endpoint}?dry_run=true`, { body: GOOD, token })
        assert.equal(dry.status, 200, dry.text)
      }
      const listed = await api.call(`/api/${id}/initial_access_token/list`)
      assert.equal(listed.json.tokens[0].usesLeft, 1)
      assert.equal(await clientCount(), 0)
      assert.equal((await call(endpoint, { body: GOOD, token })).status, 201)
    })

    test('"dryRun": true in the DCR API register body answers OK with the would-be client', async () => {
      const { endpoint, dcr, clientCount } = await setUp()
      const dry = await dcr('', { json: JSON.stringify(GOOD), dryRun: true })
      assert.equal(dry.action, 'OK')
      assert.match(dry.resultCode, /^A\d{6}$/)
      assert.equal(dry.client, undefined)
      const content = JSON.parse(dry.responseContent)
      const fromEndpoint = await call(`${endpoint}?dry_run=true`, { body: GOOD })
      assert.deepEqual(content, fromEndpoint.json)
      const refused = await dcr('', { json: JSON.stringify(BAD), dryRun: true })
      assert.equal(refused.action, 'BAD_REQUEST')
      assert.deepEqual(violationsOf(JSON.parse(refused.responseContent)), BAD_VIOLATIONS)
      assert.equal(await clientCount(), 0)
    })
  })
}
