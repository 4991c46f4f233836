import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SignJWT } from 'jose'
import type { AuthleteService, ClientInformation, ClientMetadata } from '../wire/index.js'
import { createEngine, MemoryStore } from './index.js'
import { JWT_BEARER_ASSERTION } from './client-credentials.js'

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0)
const OVERLAP = 300
const BODY: ClientMetadata = { redirect_uris: ['https://rp.example.com/cb'] }

async function setUp(settings: AuthleteService = {}) {
  let now = NOW
  const store = new MemoryStore()
  const engine = createEngine({ store, baseUrl: 'https://dcr.example.com', now: () => now })
  const service = await engine.createService({
    clientSecretRotationOverlap: OVERLAP,
    ...settings,
  })
  const register = async (body: ClientMetadata = BODY) => {
    const decision = await engine.register(service, { json: JSON.stringify(body) })
    assert.equal(decision.action, 'CREATED', JSON.stringify(decision.body))
    return decision.body as ClientInformation
  }
  const authenticates = async (client: ClientInformation, secret: string) =>
    engine
      .authenticateClientCredentials(service, {
        client_id: client.client_id,
        client_secret: secret,
      })
      .then(
        () => true,
        (error: { code?: string }) => {
          assert.equal(error.code, 'invalid_client')
          return false
        },
      )
  return {
    engine,
    store,
    service,
    register,
    authenticates,
    at: (milliseconds: number) => (now = milliseconds),
  }
}

describe('client secret rotation with overlap', () => {
  it('accepts the replaced secret until the overlap ends, and not at its end (exclusive)', async () => {
    const { engine, service, register, authenticates, at } = await setUp()
    const client = await register()
    const old = client.client_secret!
    const rotation = await engine.refreshClientSecret(service, client.client_id)
    assert.equal(rotation.oldClientSecret, old)
    assert.notEqual(rotation.newClientSecret, old)
    assert.equal(rotation.client.previousSecretValidUntil, NOW + OVERLAP * 1000)

    assert.equal(await authenticates(client, rotation.newClientSecret), true)
    assert.equal(await authenticates(client, old), true)
    at(NOW + OVERLAP * 1000 - 1)
    assert.equal(await authenticates(client, old), true)
    at(NOW + OVERLAP * 1000)
    assert.equal(await authenticates(client, old), false)
    assert.equal(await authenticates(client, rotation.newClientSecret), true)
  })

  it('with the default overlap of 0 the replaced secret stops at once', async () => {
    const { engine, service, register, authenticates } = await setUp({
      clientSecretRotationOverlap: 0,
    })
    const client = await register()
    const rotation = await engine.refreshClientSecret(service, client.client_id)
    assert.equal(rotation.client.previousClientSecret, undefined)
    assert.equal(await authenticates(client, client.client_secret!), false)
    assert.equal(await authenticates(client, rotation.newClientSecret), true)
  })

  it('gives the new secret the service lifetime from now, and the overlap never outlives the old secret', async () => {
    const { engine, service, register, authenticates, at } = await setUp({
      clientSecretLifetime: 600,
      clientSecretRotationOverlap: 3600,
    })
    const client = await register()
    at(NOW + 400_000)
    const rotation = await engine.refreshClientSecret(service, client.client_id)
    assert.equal(rotation.client.clientSecretExpiresAt, Math.floor((NOW + 400_000) / 1000) + 600)
    // The old secret expired at NOW + 600 s: the overlap of an hour is cut there.
    assert.equal(rotation.client.previousSecretValidUntil, NOW + 600_000)
    at(NOW + 600_000 - 1)
    assert.equal(await authenticates(client, client.client_secret!), true)
    at(NOW + 600_000)
    assert.equal(await authenticates(client, client.client_secret!), false)
  })

  it('gives a secret that had already expired no overlap', async () => {
    const { engine, service, register, authenticates, at } = await setUp({
      clientSecretLifetime: 60,
    })
    const client = await register()
    at(NOW + 61_000)
    const rotation = await engine.refreshClientSecret(service, client.client_id)
    assert.equal(rotation.client.previousClientSecret, undefined)
    assert.equal(rotation.client.previousSecretValidUntil, undefined)
    assert.equal(await authenticates(client, client.client_secret!), false)
    assert.equal(await authenticates(client, rotation.newClientSecret), true)
  })

  it('keeps one replaced secret: a second rotation ends the first overlap', async () => {
    const { engine, service, register, authenticates } = await setUp()
    const client = await register()
    const first = await engine.refreshClientSecret(service, client.client_id)
    const second = await engine.updateClientSecret(service, client.client_id, 'chosen-Secret_1')
    assert.equal(second.newClientSecret, 'chosen-Secret_1')
    assert.equal(second.oldClientSecret, first.newClientSecret)
    assert.equal(await authenticates(client, client.client_secret!), false)
    assert.equal(await authenticates(client, first.newClientSecret), true)
    assert.equal(await authenticates(client, 'chosen-Secret_1'), true)
  })

  it('refuses a chosen secret outside 1 to 86 base64url characters, and a client that uses no secret', async () => {
    const { engine, service, register } = await setUp()
    const client = await register()
    for (const bad of ['', 'a'.repeat(87), 'has space', 'plus+slash/']) {
      await assert.rejects(engine.updateClientSecret(service, client.client_id, bad), {
        code: 'invalid_request',
      })
    }
    await engine.updateClientSecret(service, client.client_id, 'a'.repeat(86))
    const publicClient = await register({ ...BODY, token_endpoint_auth_method: 'none' })
    await assert.rejects(engine.refreshClientSecret(service, publicClient.client_id), {
      code: 'invalid_request',
      message: /uses no client secret/,
    })
  })

  it('lets client_secret_jwt sign with the replaced secret during the overlap only (RFC 7523 §2.2)', async () => {
    const { engine, service, register, at } = await setUp()
    const client = await register({ ...BODY, token_endpoint_auth_method: 'client_secret_jwt' })
    const rotation = await engine.refreshClientSecret(service, client.client_id)
    let jti = 0
    const assertion = (secret: string) =>
      new SignJWT({ jti: String(++jti) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(client.client_id)
        .setSubject(client.client_id)
        .setAudience('https://dcr.example.com/' + service.apiKey)
        .setIssuedAt(Math.floor(Date.now() / 1000))
        .setExpirationTime(Math.floor((NOW + 3_600_000) / 1000))
        .sign(new TextEncoder().encode(secret))
    const check = async (secret: string) =>
      engine
        .authenticateClientCredentials(service, {
          client_assertion_type: JWT_BEARER_ASSERTION,
          client_assertion: await assertion(secret),
        })
        .then(
          () => true,
          () => false,
        )
    assert.equal(await check(rotation.newClientSecret), true)
    at(NOW + OVERLAP * 1000 - 1)
    assert.equal(await check(client.client_secret!), true)
    at(NOW + OVERLAP * 1000)
    assert.equal(await check(client.client_secret!), false)
    assert.equal(await check(rotation.newClientSecret), true)
  })

  it('lets the client renew its own secret with its registration access token, answered as a read', async () => {
    const { engine, service, register, authenticates } = await setUp({
      clientSecretLifetime: 3600,
    })
    const client = await register()
    const renewed = await engine.renewSecret(service, {
      clientId: client.client_id,
      token: client.registration_access_token,
    })
    assert.equal(renewed.status, 200)
    const body = renewed.body as ClientInformation
    assert.notEqual(body.client_secret, client.client_secret)
    assert.equal(body.client_secret_expires_at, Math.floor(NOW / 1000) + 3600)
    assert.equal(body.registration_access_token, client.registration_access_token)
    assert.deepEqual(body.redirect_uris, client.redirect_uris)
    assert.equal(await authenticates(client, body.client_secret!), true)
    assert.equal(await authenticates(client, client.client_secret!), true)

    const wrong = await engine.renewSecret(service, { clientId: client.client_id, token: 'x' })
    assert.equal(wrong.status, 401)
    assert.equal((wrong.body as { error: string }).error, 'invalid_token')
    const missing = await engine.renewSecret(service, {
      clientId: client.client_id,
      token: undefined,
    })
    assert.equal(missing.status, 401)
  })

  it('never gives a probation client a secret that outlives it (RFC 7591 §3.2.1)', async () => {
    const { engine, service } = await setUp()
    const policed = await engine.replacePolicy(service.apiKey, {
      probation: { lifetimeSeconds: 600 },
    })
    const decision = await engine.register(policed, { json: JSON.stringify(BODY) })
    const client = decision.body as ClientInformation
    assert.equal(client.client_secret_expires_at, Math.floor(NOW / 1000) + 600)
    const rotation = await engine.refreshClientSecret(policed, client.client_id)
    assert.equal(rotation.client.clientSecretExpiresAt, Math.floor(NOW / 1000) + 600)
  })

  it('an RFC 7592 update that changes the secret (to none) ends the overlap; one that keeps it keeps it', async () => {
    const { engine, service, register, authenticates } = await setUp()
    const client = await register()
    const rotation = await engine.refreshClientSecret(service, client.client_id)
    const update = (body: ClientMetadata) =>
      engine.update(service, {
        clientId: client.client_id,
        token: client.registration_access_token,
        json: JSON.stringify(body),
      })
    assert.equal((await update({ ...BODY, client_name: 'renamed' })).status, 200)
    assert.equal(await authenticates(client, client.client_secret!), true)
    assert.equal(
      (await update({ ...BODY, client_secret: client.client_secret })).status,
      400,
      'the previous secret is not the current one (RFC 7592 §2.2)',
    )
    assert.equal((await update({ ...BODY, token_endpoint_auth_method: 'none' })).status, 200)
    const record = await engine.requireClient(service, client.client_id)
    assert.equal(record.previousClientSecret, undefined)
    assert.equal(await authenticates(client, rotation.newClientSecret), false)
  })

  it('a renewal by the client is a use of its token: rotated on use, and the previous token works once', async () => {
    const { engine, service, register, at } = await setUp({
      registrationAccessTokenRotation: 'on_use',
      registrationAccessTokenGrace: 60,
    })
    const client = await register()
    const renew = (token: string) =>
      engine.renewSecret(service, { clientId: client.client_id, token })
    const first = await renew(client.registration_access_token!)
    assert.equal(first.action, 'UPDATED')
    const issued = (first.body as ClientInformation).registration_access_token!
    assert.notEqual(issued, client.registration_access_token)
    // Its answer lost: the old token, within the grace, renews once more and gets a token.
    at(NOW + 59_000)
    const retry = await renew(client.registration_access_token!)
    assert.equal(retry.action, 'UPDATED')
    const latest = (retry.body as ClientInformation).registration_access_token!
    assert.ok(latest !== issued && latest !== client.registration_access_token)
    // A second use of the old token is reuse: every token of the client stops working.
    assert.equal((await renew(client.registration_access_token!)).action, 'UNAUTHORIZED')
    assert.equal((await renew(latest)).action, 'UNAUTHORIZED')
  })
})
