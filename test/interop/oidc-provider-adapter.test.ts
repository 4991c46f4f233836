/**
 * registrar/oidc-provider against the real parts: `registrar serve` registers clients and
 * a real node-oidc-provider on 127.0.0.1 authorizes them, reading each client through the
 * adapter (a service token, a 300 ms cache) and advertising Registrar's registration
 * endpoint. Nothing is mocked; the provider's other models live in the adapter's memory store.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import { registrarAdapter, registrarConfiguration } from '../../src/oidc-provider/index.js'
import { Registrar, RegistrarApiError } from '../../src/sdk/index.js'
import { call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

/** The little of node-oidc-provider's API used here (the package ships no types). */
interface ProviderConstructor {
  new (
    issuer: string,
    configuration: Record<string, unknown>,
  ): { callback(): (req: IncomingMessage, res: ServerResponse) => void }
}
const packageName: string = 'oidc-provider'
const { default: Provider } = (await import(packageName)) as { default: ProviderConstructor }

const TTL_MILLISECONDS = 300
/** Long enough for every cached lookup to have expired. */
const pastTheTtl = () => sleep(TTL_MILLISECONDS + 200)

interface Peer {
  issuer: string
  stop(): Promise<void>
}

async function startProvider(configuration: (issuer: string) => Record<string, unknown>) {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
  const server: Server = createServer((req, res) => handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  handle = new Provider(issuer, configuration(issuer)).callback()
  const peer: Peer = {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return peer
}

interface Registered {
  client_id: string
  client_secret: string
  registration_access_token: string
  registration_client_uri: string
  [member: string]: unknown
}

const METADATA = {
  client_name: 'adapter interop',
  redirect_uris: ['http://127.0.0.1:4000/callback'],
  grant_types: ['authorization_code', 'client_credentials'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
}

describe('node-oidc-provider authorizing clients registered at Registrar', () => {
  let server: RunningServer
  let serviceId: string
  let peer: Peer

  before(async () => {
    server = await startServer()
    const admin = new Registrar({ baseUrl: server.url, token: server.adminToken })
    serviceId = String((await admin.services.create({ serviceName: 'adapter interop' })).apiKey)
    const { token } = await admin.tokens.create(serviceId, { description: 'oidc-provider' })
    peer = await startProvider(() => {
      const pieces = registrarConfiguration({ baseUrl: server.url, serviceId })
      return {
        adapter: registrarAdapter({
          baseUrl: server.url,
          token,
          serviceId,
          ttlMilliseconds: TTL_MILLISECONDS,
        }),
        ...pieces,
        features: {
          ...pieces.features,
          clientCredentials: { enabled: true },
          devInteractions: { enabled: false },
        },
      }
    })
  })
  after(async () => {
    await peer?.stop()
    await server?.stop()
  })

  async function register(metadata: object = METADATA): Promise<Registered> {
    const answer = await call(`${server.url}/${serviceId}/register`, { body: metadata })
    assert.equal(answer.status, 201, answer.text)
    return answer.json as Registered
  }

  /** A client_credentials token request, authenticated with client_secret_basic (RFC 6749 §2.3.1). */
  async function requestToken(clientId: string, secret: string) {
    const basic = Buffer.from(
      `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`,
    ).toString('base64')
    return call(`${peer.issuer}/token`, {
      body: 'grant_type=client_credentials',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    })
  }

  /** An authorization request (RFC 6749 §4.1.1, with PKCE), not following the answer. */
  async function authorize(clientId: string, redirectUri: string) {
    const verifier = randomBytes(32).toString('base64url')
    const url = new URL(`${peer.issuer}/auth`)
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString()
    const response = await fetch(url, { redirect: 'manual' })
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    }
  }

  test('a registered client gets a token with its secret, and not with a wrong one (RFC 6749 §4.4)', async () => {
    const client = await register()
    const granted = await requestToken(client.client_id, client.client_secret)
    assert.equal(granted.status, 200, granted.text)
    assert.equal(granted.json.token_type, 'Bearer')
    assert.equal(typeof granted.json.access_token, 'string')

    const refused = await requestToken(client.client_id, `${client.client_secret}x`)
    assert.equal(refused.status, 401, refused.text)
    assert.equal(refused.json.error, 'invalid_client')
  })

  test('an unknown client id, numeric or not, is refused as invalid_client', async () => {
    for (const clientId of ['4242424242', 'not-a-registrar-id']) {
      const refused = await requestToken(clientId, 'no secret')
      assert.equal(refused.status, 401, refused.text)
      assert.equal(refused.json.error, 'invalid_client')
    }
  })

  test('a client deleted at Registrar cannot authenticate once the TTL has passed (RFC 7592 §2.3)', async () => {
    const client = await register()
    assert.equal((await requestToken(client.client_id, client.client_secret)).status, 200)

    const deleted = await call(client.registration_client_uri, {
      method: 'DELETE',
      token: client.registration_access_token,
    })
    assert.equal(deleted.status, 204, deleted.text)
    // Within the TTL the provider may still hold the client and grant it a token: the
    // cache trades this delay for one API call per client per TTL.
    await pastTheTtl()
    const refused = await requestToken(client.client_id, client.client_secret)
    assert.equal(refused.status, 401, refused.text)
    assert.equal(refused.json.error, 'invalid_client')
  })

  test('an update of redirect_uris at Registrar is honoured after the TTL (RFC 7592 §2.2)', async () => {
    const client = await register()
    const [oldUri] = METADATA.redirect_uris
    const newUri = 'http://127.0.0.1:4000/renewed'
    const before = await authorize(client.client_id, oldUri!)
    assert.equal(before.status, 303, before.text)

    const updated = await call(client.registration_client_uri, {
      method: 'PUT',
      token: client.registration_access_token,
      body: { ...METADATA, client_id: client.client_id, redirect_uris: [newUri] },
    })
    assert.equal(updated.status, 200, updated.text)
    await pastTheTtl()

    // Accepted: the provider goes on to its interaction (login) step.
    const accepted = await authorize(client.client_id, newUri)
    assert.equal(accepted.status, 303, accepted.text)
    assert.match(accepted.location ?? '', /\/interaction\//)
    // Refused: an unregistered redirect_uri is never redirected to (RFC 6749 §4.1.2.1).
    const refused = await authorize(client.client_id, oldUri!)
    assert.equal(refused.status, 400)
    assert.equal(refused.location, null)
    assert.match(refused.text, /redirect_uri did not match/)
  })

  test('the Client model throws when the API fails and refuses to store clients', async () => {
    const client = await register()
    const badToken = registrarAdapter({ baseUrl: server.url, token: 'not-a-token', serviceId })
    await assert.rejects(badToken('Client').find(client.client_id), (error: unknown) => {
      assert.ok(error instanceof RegistrarApiError)
      assert.equal(error.status, 401)
      return true
    })
    const clients = registrarAdapter({ baseUrl: server.url, token: server.adminToken, serviceId })(
      'Client',
    )
    assert.equal((await clients.find(client.client_id))?.client_secret, client.client_secret)
    await assert.rejects(clients.upsert(client.client_id, {}), /registered at Registrar/)
    await assert.rejects(clients.destroy(client.client_id), /deleted at Registrar/)
  })

  test('the Client model asks Registrar once per client per TTL, and never caches a failure', async () => {
    const client = await register()
    let calls = 0
    const counting: typeof fetch = (input, init) => {
      calls++
      return fetch(input, init)
    }
    const options = { baseUrl: server.url, serviceId, fetch: counting }
    const clients = registrarAdapter({
      ...options,
      token: server.adminToken,
      ttlMilliseconds: TTL_MILLISECONDS,
    })('Client')
    await Promise.all([clients.find(client.client_id), clients.find(client.client_id)])
    assert.equal(await clients.find('4242424242'), undefined)
    assert.equal(await clients.find('4242424242'), undefined)
    assert.equal(calls, 2)
    await pastTheTtl()
    await clients.find(client.client_id)
    assert.equal(calls, 3)

    const failing = registrarAdapter({ ...options, token: 'not-a-token' })('Client')
    await assert.rejects(failing.find(client.client_id), RegistrarApiError)
    await assert.rejects(failing.find(client.client_id), RegistrarApiError)
    assert.equal(calls, 5)
  })

  test("discovery advertises Registrar's registration endpoint and /reg is not served (RFC 8414 §2)", async () => {
    const discovery = await call(`${peer.issuer}/.well-known/openid-configuration`)
    assert.equal(discovery.status, 200, discovery.text)
    assert.equal(discovery.json.registration_endpoint, `${server.url}/${serviceId}/register`)

    const registration = await call(`${peer.issuer}/reg`, { body: METADATA })
    assert.equal(registration.status, 404, registration.text)
  })
})
