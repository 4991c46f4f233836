/**
 * A dry run (CONTRACT.md §1c) is the real decision without its effects: for every case of
 * the rule table and every corpus body, it accepts what registration accepts, with the
 * metadata registration stores, and refuses what registration refuses, with the same
 * violations; and it stores nothing and uses up no initial access token.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { dcrRequests } from '../../test/support/corpus.js'
import { RULE_CASES } from '../../test/support/rule-cases.js'
import type { AuthleteService, DryRunResult, Policy } from '../wire/index.js'
import { createEngine, MemoryStore, type ServiceRecord } from './index.js'

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)

async function setUp(settings: AuthleteService = {}, document?: Policy) {
  const engine = createEngine({
    store: new MemoryStore(),
    baseUrl: 'https://dcr.example.com',
    now: () => NOW,
  })
  let service: ServiceRecord = await engine.createService(settings)
  if (document !== undefined) service = await engine.replacePolicy(service.apiKey, document)
  const clientCount = async () =>
    (await engine.listClients(service, { start: 0, end: 100 })).totalCount
  const register = (body: unknown, dryRun: boolean, initialAccessToken?: string) =>
    engine.register(service, { json: JSON.stringify(body), dryRun, initialAccessToken })
  return { engine, service, clientCount, register }
}

/** Asserts that the dry run and the registration decide `body` alike. */
async function assertSameDecision(body: unknown, settings?: AuthleteService, document?: Policy) {
  const { register, clientCount } = await setUp(settings, document)
  const dry = await register(body, true)
  assert.equal(await clientCount(), 0, 'a dry run stores nothing')
  const real = await register(body, false)
  if (real.action === 'CREATED') {
    assert.equal(dry.action, 'OK', JSON.stringify(dry.body))
    assert.equal(dry.status, 200)
    assert.equal(dry.client, undefined)
    const { client, substitutions } = dry.body as DryRunResult
    assert.deepEqual(client, real.client?.metadata)
    for (const issued of ['client_id', 'client_secret', 'registration_access_token']) {
      assert.equal(issued in client, false, issued)
    }
    assert.ok(Array.isArray(substitutions))
  } else {
    assert.equal(real.action, 'BAD_REQUEST')
    assert.equal(dry.action, real.action)
    assert.equal(dry.status, real.status)
    assert.deepEqual(dry.body, real.body)
    assert.ok((dry.body as { violations?: unknown[] }).violations?.length)
  }
}

describe('a dry run decides as registration does (CONTRACT.md §1c)', () => {
  for (const [name, { settings, document, accepted, rejected }] of Object.entries(RULE_CASES)) {
    test(`every case of ${name}`, async () => {
      for (const entry of accepted) {
        await assertSameDecision(Array.isArray(entry) ? entry[0] : entry, settings, document)
      }
      for (const { body } of rejected) await assertSameDecision(body, settings, document)
    })
  }

  test('every corpus body', async () => {
    assert.ok(dcrRequests.length >= 20)
    for (const { body } of dcrRequests) await assertSameDecision(body)
  })

  test('bodies that are not metadata, and a duplicate software_id', async () => {
    for (const body of [[], 'text', null, { redirect_uris: 'x' }]) await assertSameDecision(body)
    const { register } = await setUp({ dcrDuplicateSoftwareIdBlocked: true })
    assert.equal((await register({ software_id: 'app' }, false)).action, 'CREATED')
    const dry = await register({ software_id: 'app' }, true)
    assert.equal(dry.action, 'BAD_REQUEST')
    assert.equal(
      (dry.body as { violations: { rule: string }[] }).violations[0]?.rule,
      'softwareIdIsUnique',
    )
  })
})

describe('a dry run answers the would-be client and what the server changed', () => {
  test('lists the members it defaulted, replaced and dropped, each with a pointer', async () => {
    const { register } = await setUp()
    const dry = await register(
      {
        client_name: 'app',
        redirect_uris: ['https://app.example/cb', 'https://app.example/cb'],
        grant_types: ['authorization_code', 'password'],
        require_auth_time: false,
        logo_uri: null,
        unknown_member: 1,
        client_id: 'mine',
      },
      true,
    )
    assert.equal(dry.action, 'OK')
    const { client, substitutions } = dry.body as DryRunResult
    assert.deepEqual(client.redirect_uris, ['https://app.example/cb'])
    assert.deepEqual(substitutions, [
      { pointer: '/redirect_uris', change: 'replaced' },
      { pointer: '/grant_types', change: 'replaced' },
      { pointer: '/require_auth_time', change: 'dropped' },
      { pointer: '/unknown_member', change: 'dropped' },
      { pointer: '/client_id', change: 'dropped' },
      { pointer: '/response_types', change: 'defaulted' },
      { pointer: '/token_endpoint_auth_method', change: 'defaulted' },
      { pointer: '/application_type', change: 'defaulted' },
      { pointer: '/id_token_signed_response_alg', change: 'defaulted' },
      { pointer: '/subject_type', change: 'defaulted' },
    ])
  })

  test('needs a valid initial access token where one is required, and uses none of it (RFC 7591 §3)', async () => {
    const { engine, service, register, clientCount } = await setUp({
      initialAccessTokenRequired: true,
    })
    assert.equal((await register({ client_name: 'app' }, true)).action, 'UNAUTHORIZED')
    assert.equal((await register({ client_name: 'app' }, true, 'x.y')).action, 'UNAUTHORIZED')
    const { token } = await engine.createInitialAccessToken(service.apiKey, { maxUses: 1 })
    for (let i = 0; i < 3; i++) {
      assert.equal((await register({ client_name: 'app' }, true, token)).action, 'OK')
    }
    const [listed] = (await engine.listInitialAccessTokens(service.apiKey, { start: 0, end: 10 }))
      .items
    assert.equal(listed?.usesLeft, 1)
    assert.equal(await clientCount(), 0)
    assert.equal((await register({ client_name: 'app' }, false, token)).action, 'CREATED')
  })
})
