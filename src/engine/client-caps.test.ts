import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  OAuthError,
  type AuthleteClient,
  type AuthleteService,
  type Policy,
} from '../wire/index.js'
import { createEngine, MemoryStore } from './index.js'

const CLIENT = { redirect_uris: ['https://app.example/cb'] }
const API_CLIENT: AuthleteClient = { redirectUris: ['https://app.example/cb'] }

async function setUp(policy: Policy, settings: AuthleteService = {}) {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const created = await engine.createService(settings)
  const service = await engine.replacePolicy(created.apiKey, policy)
  const register = (body: object = CLIENT, initialAccessToken?: string) =>
    engine.register(service, { json: JSON.stringify(body), initialAccessToken })
  return { engine, service, register }
}

/** The refusal a cap earns: 400 invalid_client_metadata, BAD_REQUEST through the DCR API. */
function assertCapped(decision: { action: string; status: number; body?: unknown }, text: RegExp) {
  assert.equal(decision.action, 'BAD_REQUEST')
  assert.equal(decision.status, 400)
  const body = decision.body as { error: string; error_description: string }
  assert.equal(body.error, 'invalid_client_metadata')
  assert.match(body.error_description, text)
}

describe('client caps (CONTRACT.md, Bad input)', () => {
  it('refuses a registration over policy.maxClients, naming the limit and its member', async () => {
    const { register } = await setUp({ maxClients: 2 })
    assert.equal((await register()).action, 'CREATED')
    assert.equal((await register()).action, 'CREATED')
    assertCapped(
      await register(),
      /^this service holds its maximum of 2 clients \(policy\.maxClients\)$/,
    )
  })

  it('refuses a registration over policy.maxClientsPerSoftwareId, naming the software_id', async () => {
    const { register } = await setUp({ maxClientsPerSoftwareId: 1 })
    assert.equal((await register({ ...CLIENT, software_id: 'sw' })).action, 'CREATED')
    assertCapped(
      await register({ ...CLIENT, software_id: 'sw' }),
      /^software_id sw has its maximum of 1 client \(policy\.maxClientsPerSoftwareId\)$/,
    )
    assert.equal((await register({ ...CLIENT, software_id: 'other' })).action, 'CREATED')
    assert.equal((await register()).action, 'CREATED')
  })

  it('refuses a registration over policy.maxClientsPerInitialAccessToken', async () => {
    const { engine, service, register } = await setUp({ maxClientsPerInitialAccessToken: 1 })
    const { token } = await engine.createInitialAccessToken(service.apiKey, {})
    const { token: another } = await engine.createInitialAccessToken(service.apiKey, {})
    assert.equal((await register(CLIENT, token)).action, 'CREATED')
    assertCapped(await register(CLIENT, token), /\(policy\.maxClientsPerInitialAccessToken\)$/)
    assert.equal((await register(CLIENT, another)).action, 'CREATED')
    assert.equal((await register()).action, 'CREATED')
  })

  it('holds DCR clients to clientsPerDeveloper as developer authlete_<apiKey> (spec §3.7)', async () => {
    const { engine, service, register } = await setUp({}, { clientsPerDeveloper: 1 })
    assert.equal((await register()).action, 'CREATED')
    assertCapped(
      await register(),
      new RegExp(`^developer authlete_${service.apiKey} has its maximum of 1 client`),
    )
    // Another developer, through the API, has room of its own; the same one has none.
    await engine.createClient(service, { ...API_CLIENT, developer: 'alice' })
    await assert.rejects(
      engine.createClient(service, { ...API_CLIENT, developer: 'alice' }),
      (error: unknown) =>
        error instanceof OAuthError &&
        error.status === 400 &&
        /clientsPerDeveloper/.test(error.description),
    )
  })

  it('where clientsPerDeveloper and maxClients cap the same clients, the stricter holds', async () => {
    const { register } = await setUp({ maxClients: 3 }, { clientsPerDeveloper: 1 })
    assert.equal((await register()).action, 'CREATED')
    assertCapped(await register(), /clientsPerDeveloper/)
  })

  it('holds API client/create to policy.maxClients; a deleted client makes room', async () => {
    const { engine, service } = await setUp({ maxClients: 1 })
    const first = await engine.createClient(service, API_CLIENT)
    await assert.rejects(engine.createClient(service, API_CLIENT), {
      code: 'invalid_client_metadata',
      status: 400,
    })
    await engine.deleteClient(service, first.clientId)
    await engine.createClient(service, API_CLIENT)
  })
})
