/**
 * registrar/sdk against the real `registrar serve` (build first): every surface of the
 * API, the DCR results narrowed by action, and the two error classes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  Registrar,
  RegistrarApiError,
  RegistrarNetworkError,
  type Policy,
} from '../../src/sdk/index.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import { freePort } from '../support/free-port.js'

describe('registrar/sdk against a running Registrar', () => {
  let server: RunningServer
  let registrar: Registrar
  before(async () => {
    server = await startServer()
    registrar = new Registrar({ baseUrl: server.url, token: server.adminToken })
  })
  after(() => server.stop())

  test('creates, gets, lists, updates and deletes a service, keeping extension settings', async () => {
    const created = await registrar.services.create({
      serviceName: 'sdk demo',
      clientSecretLifetime: 3600,
    })
    assert.equal(typeof created.apiKey, 'number')
    const serviceId = created.apiKey as number

    assert.equal((await registrar.services.get(serviceId)).serviceName, 'sdk demo')
    const list = await registrar.services.list({ start: 0, end: 100 })
    assert.ok(list.services.some((s) => s.apiKey === serviceId))
    assert.ok(list.totalCount >= 1)

    const updated = await registrar.services.update(serviceId, { serviceName: 'renamed' })
    assert.equal(updated.serviceName, 'renamed')
    assert.equal(updated.clientSecretLifetime, 3600)

    const configuration = await registrar.services.configuration(serviceId)
    assert.equal(typeof configuration.issuer, 'string')
    assert.equal(typeof configuration.registration_endpoint, 'string')

    await registrar.services.delete(serviceId)
    const error = await registrar.services.get(serviceId).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof RegistrarApiError)
    assert.equal(error.status, 404)
  })

  test('manages clients: create, get, list, update, authenticate, delete', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'clients' })
    assert.ok(serviceId)
    const client = await registrar.clients.create(serviceId, {
      clientName: 'managed',
      redirectUris: ['https://app.example.com/cb'],
    })
    assert.equal(typeof client.clientId, 'number')
    const clientId = client.clientId as number
    assert.equal((await registrar.clients.get(serviceId, clientId)).clientName, 'managed')
    assert.deepEqual(
      (await registrar.clients.list(serviceId)).clients.map((c) => c.clientId),
      [clientId],
    )
    const current = await registrar.clients.get(serviceId, clientId)
    const updated = await registrar.clients.update(serviceId, clientId, {
      ...current,
      clientName: 'changed',
    })
    assert.equal(updated.clientName, 'changed')
    const authenticated = await registrar.clients.authenticate(serviceId, {
      client_id: String(clientId),
      client_secret: current.clientSecret!,
    })
    assert.equal(authenticated.clientId, clientId)
    assert.equal(authenticated.clientSecret, undefined)
    const refusal = await registrar.clients
      .authenticate(serviceId, { client_id: String(clientId), client_secret: 'wrong' })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    assert.ok(refusal instanceof RegistrarApiError)
    assert.equal(refusal.status, 401)
    await registrar.clients.delete(serviceId, clientId)
    assert.equal((await registrar.clients.list(serviceId)).totalCount, 0)
  })

  test('reissues a registration access token, the old one then refused (RFC 7592 §3)', async () => {
    const { apiKey: serviceId } = await registrar.services.create({
      serviceName: 'rotation',
      registrationAccessTokenRotation: 'on_use',
      registrationAccessTokenGrace: 30,
    })
    assert.ok(serviceId)
    const got = await registrar.services.get(serviceId)
    assert.equal(got.registrationAccessTokenRotation, 'on_use')
    assert.equal(got.registrationAccessTokenGrace, 30)
    const created = await registrar.registration.register(serviceId, {
      json: JSON.stringify({ client_name: 'reissued' }),
    })
    assert.equal(created.action, 'CREATED')
    const clientId = created.client!.clientId!
    const reissued = await registrar.clients.reissueRegistrationToken(serviceId, clientId)
    assert.equal(reissued.clientId, clientId)
    assert.equal(reissued.registrationClientUri.endsWith(`/register/${clientId}`), true)
    const read = await fetch(reissued.registrationClientUri, {
      headers: { authorization: `Bearer ${reissued.registrationAccessToken}` },
    })
    assert.equal(read.status, 200)
  })

  test('restores a deleted client and reports orphans', async () => {
    const { apiKey: serviceId } = await registrar.services.create({
      serviceName: 'lifecycle',
      clientIdleLifetime: 2_592_000,
    })
    assert.ok(serviceId)
    const settings = await registrar.services.get(serviceId)
    assert.equal(settings.clientIdleLifetime, 2_592_000)
    assert.equal(settings.clientRestoreWindow, 604_800)
    const twin = { clientName: 'twin', softwareId: 'sdk-agent' }
    const first = await registrar.clients.create(serviceId, twin)
    const second = await registrar.clients.create(serviceId, twin)
    await registrar.clients.delete(serviceId, first.clientId!)
    const restored = await registrar.clients.restore(serviceId, first.clientId!)
    assert.equal(restored.clientId, first.clientId)
    assert.equal(restored.clientSecret, first.clientSecret)
    const again = await registrar.clients.restore(serviceId, first.clientId!).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(again instanceof RegistrarApiError)
    assert.equal(again.status, 404)
    const report = await registrar.clients.orphans(serviceId, { olderThan: 0 })
    // The restore counted as a use of the first: only the second was never used.
    assert.equal(report.neverUsed.count, 1)
    assert.equal(report.neverUsed.clients[0].clientId, second.clientId)
    assert.deepEqual(
      report.duplicates.softwareId.map((group) => [group.key, group.count]),
      [['sdk-agent', 2]],
    )
    assert.deepEqual(
      report.duplicates.clientName[0].clients.map((client) => client.clientId),
      [first.clientId, second.clientId],
    )
  })

  test('rotates a client secret: refreshSecret and updateSecret, the old one accepted for the overlap', async () => {
    const { apiKey: serviceId } = await registrar.services.create({
      serviceName: 'rotation',
      clientSecretRotationOverlap: 600,
    })
    assert.ok(serviceId)
    assert.equal((await registrar.services.get(serviceId)).clientSecretRotationOverlap, 600)
    const client = await registrar.clients.create(serviceId, {
      redirectUris: ['https://app.example.com/cb'],
    })
    const refreshed = await registrar.clients.refreshSecret(serviceId, client.clientId!)
    assert.equal(refreshed.oldClientSecret, client.clientSecret)
    assert.notEqual(refreshed.newClientSecret, client.clientSecret)
    const updated = await registrar.clients.updateSecret(
      serviceId,
      client.clientId!,
      'sdk-Chosen_1',
    )
    assert.equal(updated.newClientSecret, 'sdk-Chosen_1')
    assert.equal(updated.oldClientSecret, refreshed.newClientSecret)
    for (const secret of ['sdk-Chosen_1', refreshed.newClientSecret]) {
      const found = await registrar.clients.authenticate(serviceId, {
        client_id: String(client.clientId),
        client_secret: secret,
      })
      assert.equal(found.clientId, client.clientId)
    }
    const refused = await registrar.clients
      .updateSecret(serviceId, client.clientId!, 'not allowed!')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    assert.ok(refused instanceof RegistrarApiError)
    assert.equal(refused.status, 400)
  })

  test('runs the four DCR calls with results narrowed by action (RFC 7591 §3, RFC 7592 §2)', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'dcr' })
    assert.ok(serviceId)
    const created = await registrar.registration.register(serviceId, {
      json: JSON.stringify({ client_name: 'My Dynamic Client' }),
    })
    assert.equal(created.action, 'CREATED')
    assert.equal(created.status, 201)
    if (created.action !== 'CREATED') return
    const info = created.responseContent
    assert.equal(info.client_name, 'My Dynamic Client')
    assert.equal(String(created.client?.clientId), info.client_id)
    const manage = { clientId: info.client_id, token: info.registration_access_token }

    const read = await registrar.registration.get(serviceId, manage)
    assert.equal(read.action, 'OK')
    assert.equal(read.responseContent?.client_id, info.client_id)

    const updated = await registrar.registration.update(serviceId, {
      ...manage,
      json: { client_id: info.client_id, client_name: 'Renamed' },
    })
    assert.equal(updated.action, 'UPDATED')
    if (updated.action === 'UPDATED') assert.equal(updated.responseContent.client_name, 'Renamed')

    const deleted = await registrar.registration.delete(serviceId, manage)
    assert.equal(deleted.action, 'DELETED')
    assert.equal(deleted.status, 204)
    assert.equal(deleted.responseContent, undefined)

    const gone = await registrar.registration.get(serviceId, manage)
    assert.equal(gone.action, 'UNAUTHORIZED')
    if (gone.action === 'UNAUTHORIZED') assert.equal(gone.responseContent.error, 'invalid_token')
  })

  test('answers bad metadata with BAD_REQUEST and its error code, not an exception', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'bad' })
    assert.ok(serviceId)
    const result = await registrar.registration.register(serviceId, {
      json: { redirect_uris: ['https://app.example.com/cb#fragment'] },
    })
    assert.equal(result.action, 'BAD_REQUEST')
    assert.equal(result.status, 400)
    if (result.action === 'BAD_REQUEST')
      assert.equal(result.responseContent.error, 'invalid_redirect_uri')
  })

  test('reads and replaces a service policy, which the next registration is held to (CONTRACT.md §1c)', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'policy' })
    assert.ok(serviceId)
    assert.deepEqual(await registrar.services.policy(serviceId), {})

    const policy: Policy = {
      scopes: ['mcp:read', 'mcp:tools'],
      defaultScope: 'mcp:read',
      anonymous: { redirectUris: { loopback: true, hosts: [] } },
    }
    assert.deepEqual(await registrar.services.replacePolicy(serviceId, policy), policy)
    assert.deepEqual(await registrar.services.policy(serviceId), policy)

    const refused = await registrar.registration.register(serviceId, {
      json: { client_name: 'x', scope: 'admin' },
    })
    assert.equal(refused.action, 'BAD_REQUEST')
    if (refused.action === 'BAD_REQUEST')
      assert.equal(refused.responseContent.error, 'invalid_client_metadata')
    const created = await registrar.registration.register(serviceId, {
      json: { client_name: 'x', redirect_uris: ['http://127.0.0.1/cb'] },
    })
    assert.equal(created.action, 'CREATED')
    if (created.action === 'CREATED') assert.equal(created.responseContent.scope, 'mcp:read')
  })

  test('throws RegistrarApiError 400 naming the field for a refused policy, and keeps the stored one', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'bad policy' })
    assert.ok(serviceId)
    const kept: Policy = { grantTypes: ['authorization_code'] }
    await registrar.services.replacePolicy(serviceId, kept)
    const refused: [Policy, RegExp][] = [
      [{ grantTypes: ['implicit_magic'] }, /policy\.grantTypes/],
      [{ maxClients: 'many' } as unknown as Policy, /policy\.maxClients/],
      [{ scope: ['a'] } as unknown as Policy, /policy\.scope\b/],
    ]
    for (const [document, field] of refused) {
      const error: unknown = await registrar.services.replacePolicy(serviceId, document).then(
        () => undefined,
        (e: unknown) => e,
      )
      assert.ok(error instanceof RegistrarApiError, JSON.stringify(document))
      assert.equal(error.status, 400)
      assert.match(error.resultCode ?? '', /^A\d{6}$/)
      assert.match(error.resultMessage, field)
    }
    assert.deepEqual(await registrar.services.policy(serviceId), kept)

    const unknown = await registrar.services.policy(1).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(unknown instanceof RegistrarApiError)
    assert.equal(unknown.status, 404)
  })

  test('asks for a dry run: the would-be client, or every violation, and nothing stored (CONTRACT.md §1c)', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'dry' })
    assert.ok(serviceId)
    const accepted = await registrar.registration.dryRun(serviceId, {
      json: { client_name: 'app', redirect_uris: ['https://app.example.com/cb'] },
    })
    assert.equal(accepted.action, 'OK')
    if (accepted.action === 'OK') {
      assert.equal(accepted.responseContent.client.client_name, 'app')
      assert.equal('client_id' in accepted.responseContent.client, false)
      assert.ok(accepted.responseContent.substitutions.length > 0)
    }
    const refused = await registrar.registration.dryRun(serviceId, {
      json: { redirect_uris: ['https://app.example.com/cb#a', 'http://app.example.com/cb'] },
    })
    assert.equal(refused.action, 'BAD_REQUEST')
    if (refused.action === 'BAD_REQUEST') {
      assert.deepEqual(
        refused.responseContent.violations?.map(({ pointer, rule }) => [pointer, rule]),
        [
          ['/redirect_uris/0', 'redirectUriHasNoFragment'],
          ['/redirect_uris/1', 'httpRedirectIsLoopback'],
        ],
      )
    }
    assert.equal((await registrar.clients.list(serviceId)).totalCount, 0)
  })

  test('manages webhooks: the secret answered once, listed without it, deleted', async () => {
    const { apiKey: serviceId } = await registrar.services.create({ serviceName: 'hooks' })
    assert.ok(serviceId)
    const created = await registrar.webhooks.create(serviceId, {
      url: 'https://hooks.example.com/in',
      kinds: ['client.deleted', 'client.created'],
    })
    assert.match(created.secret, /^whsec_/)
    assert.deepEqual(created.kinds, ['client.created', 'client.deleted'])
    assert.deepEqual(await registrar.webhooks.list(serviceId), [
      { id: created.id, url: created.url, kinds: created.kinds, createdAt: created.createdAt },
    ])
    assert.deepEqual(await registrar.webhooks.deliveries(serviceId, created.id), [])
    await registrar.webhooks.delete(serviceId, created.id)
    assert.deepEqual(await registrar.webhooks.list(serviceId), [])
    await assert.rejects(
      registrar.webhooks.delete(serviceId, created.id),
      (e: unknown) => e instanceof RegistrarApiError && e.status === 404,
    )
    await assert.rejects(
      registrar.webhooks.create(serviceId, { url: 'file:///etc/passwd' }),
      (e: unknown) => e instanceof RegistrarApiError && e.status === 400,
    )
  })

  test('issues initial access tokens that gate registration (RFC 7591 §3)', async () => {
    const { apiKey: serviceId } = await registrar.services.create({
      serviceName: 'iat',
      initialAccessTokenRequired: true,
    })
    assert.ok(serviceId)
    const iat = await registrar.initialAccessTokens.create(serviceId, {
      maxUses: 1,
      description: 'one',
    })
    assert.equal(iat.maxUses, 1)
    assert.equal(iat.expiresAt, 0)
    const listed = await registrar.initialAccessTokens.list(serviceId)
    assert.deepEqual(
      listed.map((t) => t.id),
      [iat.id],
    )
    assert.equal(listed[0]?.usesLeft, 1)

    const without = await registrar.registration.register(serviceId, { json: { client_name: 'x' } })
    assert.equal(without.action, 'UNAUTHORIZED')
    const withToken = await registrar.registration.register(serviceId, {
      json: { client_name: 'x' },
      token: iat.token,
    })
    assert.equal(withToken.action, 'CREATED')
    assert.deepEqual(await registrar.initialAccessTokens.list(serviceId), [])

    const second = await registrar.initialAccessTokens.create(serviceId)
    await registrar.initialAccessTokens.delete(serviceId, second.id)
    const revoked = await registrar.registration.register(serviceId, {
      json: { client_name: 'y' },
      token: second.token,
    })
    assert.equal(revoked.action, 'UNAUTHORIZED')

    await assert.rejects(
      registrar.initialAccessTokens.create(serviceId, { expiresIn: -1 }),
      (e: unknown) => e instanceof RegistrarApiError && e.status === 400,
    )
  })

  test('issues service tokens limited to their own service (CONTRACT.md §1b)', async () => {
    const { apiKey: own } = await registrar.services.create({ serviceName: 'own' })
    const { apiKey: other } = await registrar.services.create({ serviceName: 'other' })
    assert.ok(own && other)
    const { id, token } = await registrar.tokens.create(own, { description: 'ci' })
    assert.equal(typeof id, 'string')
    const scoped = new Registrar({ baseUrl: server.url, token })
    assert.equal((await scoped.services.get(own)).serviceName, 'own')
    assert.deepEqual(
      (await scoped.services.list()).services.map((s) => s.apiKey),
      [own],
    )
    const error = await scoped.services.get(other).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof RegistrarApiError)
    assert.equal(error.status, 403)
    assert.equal(typeof error.resultCode, 'string')
  })

  test('throws RegistrarApiError with status and result code for a wrong token', async () => {
    const wrong = new Registrar({ baseUrl: server.url, token: 'wrong' })
    const error = await wrong.services.list().then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof RegistrarApiError)
    assert.equal(error.status, 401)
    assert.match(error.resultCode ?? '', /^A\d{6}$/)
    assert.ok(error.resultMessage.length > 0)
  })

  test('keeps a path prefix of the base URL', async () => {
    const calls: string[] = []
    const recording = new Registrar({
      baseUrl: `${server.url}/prefix`,
      token: server.adminToken,
      fetch: (input, init) => {
        calls.push(String(input))
        return fetch(input, init)
      },
    })
    await recording.services.list().catch(() => undefined)
    assert.equal(calls[0], `${server.url}/prefix/api/service/get/list`)
  })
})

test('throws RegistrarNetworkError with the fetch error as cause when nothing listens', async () => {
  const port = await freePort()
  const registrar = new Registrar({ baseUrl: `http://127.0.0.1:${port}`, token: 't' })
  const error = await registrar.services.list().then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.ok(error instanceof RegistrarNetworkError)
  assert.ok(error.cause instanceof TypeError)
  assert.match(error.message, /cannot reach/)
})
