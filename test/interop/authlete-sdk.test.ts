/**
 * The official @authlete/typescript-sdk 0.0.3-beta, unchanged, drives every operation of
 * the Authlete-compatible API against a real Registrar (spec/authlete-sdk-smoke.md). Every
 * answer passes the SDK's own response validation, or the call would throw.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Authlete } from '@authlete/typescript-sdk'
import * as errors from '@authlete/typescript-sdk/models/errors'
import { call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

describe('@authlete/typescript-sdk 0.0.3-beta against Registrar', () => {
  let server: RunningServer
  let api: Authlete
  before(async () => {
    delete process.env['AUTHLETE_BEARER']
    server = await startServer()
    api = new Authlete({ serverURL: server.url, bearer: server.adminToken })
  })
  after(async () => {
    await server?.stop()
  })

  test('service create, get, list, update, configuration and delete', async () => {
    const created = await api.service.create({
      serviceName: 'sdk',
      issuer: `${server.url}/sdk`,
      supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
      supportedResponseTypes: ['CODE'],
      supportedTokenAuthMethods: ['CLIENT_SECRET_BASIC', 'NONE'],
    })
    assert.equal(typeof created.apiKey, 'number')
    const serviceId = String(created.apiKey)
    const empty = await api.service.create()
    assert.equal(typeof empty.apiKey, 'number')

    const got = await api.service.get({ serviceId })
    assert.equal(got.serviceName, 'sdk')
    const list = await api.service.list({ start: 0, end: 100 })
    assert.ok(list.services?.some((service) => service.apiKey === created.apiKey))
    assert.equal(typeof (await api.service.list()).totalCount, 'number')

    const updated = await api.service.update({
      serviceId,
      service: { ...got, description: 'updated' },
    })
    assert.equal(updated.description, 'updated')
    await api.service.update({ serviceId })

    assert.deepEqual(await api.service.getConfiguration({ serviceId, pretty: true }), {})
    const document = await call(`${server.url}/api/${serviceId}/service/configuration`, {
      token: server.adminToken,
    })
    assert.equal(document.json.issuer, `${server.url}/sdk`)

    assert.equal(await api.service.delete({ serviceId }), undefined)
    assert.equal(await api.service.delete({ serviceId: String(empty.apiKey) }), undefined)
    await assert.rejects(api.service.get({ serviceId }), (error: unknown) => {
      assert.ok(error instanceof errors.AuthleteDefaultError || error instanceof errors.ResultError)
      assert.equal((error as { statusCode: number }).statusCode, 404)
      return true
    })
  })

  test('client management refreshSecret (GET) and updateSecret answer the new and old secret', async () => {
    const serviceId = String((await api.service.create({ serviceName: 'secrets' })).apiKey)
    const created = await api.client.create({
      serviceId,
      client: { redirectUris: ['https://app.example/cb'], tokenAuthMethod: 'CLIENT_SECRET_BASIC' },
    })
    const clientIdentifier = String(created.clientId)
    const refreshed = await api.client.management.refreshSecret({ serviceId, clientIdentifier })
    assert.equal(refreshed.oldClientSecret, created.clientSecret)
    assert.ok(refreshed.newClientSecret && refreshed.newClientSecret !== created.clientSecret)
    assert.match(refreshed.resultCode ?? '', /^A\d{6}$/)
    const updated = await api.client.management.updateSecret({
      serviceId,
      clientIdentifier,
      clientSecretUpdateRequest: { clientSecret: 'sdk-chosen-secret' },
    })
    assert.equal(updated.newClientSecret, 'sdk-chosen-secret')
    assert.equal(updated.oldClientSecret, refreshed.newClientSecret)
    const got = await api.client.get({ serviceId, clientId: clientIdentifier })
    assert.equal(got.clientSecret, 'sdk-chosen-secret')
  })

  test('client create, get, list, update and delete', async () => {
    const serviceId = String((await api.service.create({ serviceName: 'clients' })).apiKey)
    const created = await api.client.create({
      serviceId,
      client: {
        clientName: 'managed',
        clientType: 'CONFIDENTIAL',
        grantTypes: ['AUTHORIZATION_CODE'],
        responseTypes: ['CODE'],
        redirectUris: ['https://app.example/cb'],
        tokenAuthMethod: 'CLIENT_SECRET_BASIC',
      },
    })
    assert.equal(typeof created.clientId, 'number')
    assert.ok(created.clientSecret)
    const clientId = String(created.clientId)
    assert.equal(typeof (await api.client.create({ serviceId })).clientId, 'number')

    const got = await api.client.get({ serviceId, clientId })
    assert.equal(got.clientName, 'managed')
    const list = await api.client.list({ serviceId, start: 0, end: 10 })
    assert.equal(list.totalCount, 2)
    const updated = await api.client.update({
      serviceId,
      clientId,
      client: { ...got, clientName: 'renamed' },
    })
    assert.equal(updated.clientName, 'renamed')
    assert.equal(updated.clientSecret, created.clientSecret)
    assert.equal(await api.client.delete({ serviceId, clientId }), undefined)
    await api.service.delete({ serviceId })
  })

  test('dynamic client registration: register, get, update, delete (seed 003 examples included)', async () => {
    const serviceId = String(
      (await api.service.create({ serviceName: 'dcr', unauthorizedOnClientConfigSupported: true }))
        .apiKey,
    )
    const seed = await api.dynamicClientRegistration.register({
      serviceId,
      requestBody: { json: '{ "client_name": "My Dynamic Client" }' },
    })
    assert.equal(seed.action, 'CREATED')

    const metadata = {
      client_name: 'dcr app',
      redirect_uris: ['https://app.example/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }
    const registered = await api.dynamicClientRegistration.register({
      serviceId,
      requestBody: { json: JSON.stringify(metadata) },
    })
    assert.equal(registered.action, 'CREATED')
    const info = JSON.parse(registered.responseContent ?? '{}')
    assert.equal(info.client_id, String(registered.client?.clientId))
    assert.equal(info.client_secret_expires_at, 0)
    const clientId: string = info.client_id
    const token: string = info.registration_access_token

    assert.equal(
      (await api.dynamicClientRegistration.get({ serviceId, requestBody: { clientId, token } }))
        .action,
      'OK',
    )
    const wrong = await api.dynamicClientRegistration.get({
      serviceId,
      requestBody: { clientId, token: 'wrong' },
    })
    assert.equal(wrong.action, 'UNAUTHORIZED')

    const invalid = await api.dynamicClientRegistration.register({
      serviceId,
      requestBody: { json: JSON.stringify({ redirect_uris: ['https://app.example/cb#frag'] }) },
    })
    assert.equal(invalid.action, 'BAD_REQUEST')
    assert.equal(JSON.parse(invalid.responseContent ?? '{}').error, 'invalid_redirect_uri')

    const updated = await api.dynamicClientRegistration.update({
      serviceId,
      requestBody: {
        clientId,
        token,
        json: JSON.stringify({ ...metadata, client_id: clientId, client_name: 'renamed' }),
      },
    })
    assert.equal(updated.action, 'UPDATED')
    assert.equal(updated.client?.clientName, 'renamed')

    const seedUpdate = await api.dynamicClientRegistration.update({
      serviceId,
      requestBody: {
        clientId,
        token,
        json: JSON.stringify({
          client_name: 'My Updated Dynamic Client',
          registration_client_uri: info.registration_client_uri,
          client_id: clientId,
          client_secret: info.client_secret,
        }),
      },
    })
    assert.equal(seedUpdate.action, 'UPDATED', seedUpdate.responseContent)

    const deleted = await api.dynamicClientRegistration.delete({
      serviceId,
      requestBody: { clientId, token },
    })
    assert.equal(deleted.action, 'DELETED')
    assert.equal(
      (await api.dynamicClientRegistration.get({ serviceId, requestBody: { clientId, token } }))
        .action,
      'UNAUTHORIZED',
    )
    await api.service.delete({ serviceId })
  })

  test('API-level failures are thrown as ResultError: a wrong bearer is 401, a service token out of bounds 403', async () => {
    const serviceId = String((await api.service.create()).apiKey)
    await assert.rejects(
      new Authlete({ serverURL: server.url, bearer: 'not-a-token' }).service.get({ serviceId }),
      (error: unknown) => {
        assert.ok(error instanceof errors.ResultError)
        assert.equal(error.statusCode, 401)
        assert.match(error.resultCode ?? '', /^A/)
        return true
      },
    )
    const minted = await call(`${server.url}/api/${serviceId}/token/create`, {
      body: {},
      token: server.adminToken,
    })
    const scoped = new Authlete({ serverURL: server.url, bearer: minted.json.token })
    assert.equal((await scoped.service.get({ serviceId })).apiKey, Number(serviceId))
    await assert.rejects(
      scoped.service.create(),
      (error: unknown) => error instanceof errors.ResultError && error.statusCode === 403,
    )
    await assert.rejects(
      scoped.service.delete({ serviceId }),
      (error: unknown) => error instanceof errors.ResultError && error.statusCode === 403,
    )
    await api.service.delete({ serviceId })
  })
})
