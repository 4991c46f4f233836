/**
 * `POST /api/{S}/client/authenticate` as an authorization server calls it (CONTRACT.md §1c):
 * client secrets (right, wrong, expired, of a public client, of an unknown client), JWT
 * assertions signed with the secret (client_secret_jwt) and with a registered key
 * (private_key_jwt), each claim RFC 7523 §3 requires, malformed requests, and the audit
 * event a refusal leaves. Every refusal of a credential reads the same.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { Api, call, type Answer } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import { createTestCa, startHttpsServer, type HttpsServer, type TestCa } from '../support/tls.js'

const ISSUER = 'https://as.example'
const TOKEN_ENDPOINT = 'https://as.example/token'
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

let server: RunningServer
let admin: Api
let serviceId: string

before(async () => {
  server = await startServer()
  admin = new Api(server.url, server.adminToken)
  serviceId = await admin.createService({ issuer: ISSUER, tokenEndpoint: TOKEN_ENDPOINT })
})
after(() => server.stop())

/** A registration's answer (RFC 7591 §3.2.1), as far as these tests read it. */
interface RegisteredClient {
  client_id: string
  client_secret?: string
  client_secret_expires_at?: number
  registration_access_token: string
  registration_client_uri: string
}

async function register(
  metadata: Record<string, unknown>,
  service = serviceId,
): Promise<RegisteredClient> {
  const answer = await call(`${server.url}/${service}/register`, {
    body: { redirect_uris: ['https://app.example/cb'], ...metadata },
  })
  assert.equal(answer.status, 201, answer.text)
  return answer.json
}

function authenticate(body: unknown, service = serviceId): Promise<Answer> {
  return admin.call(`/api/${service}/client/authenticate`, { body })
}

/** A refusal of the credentials: 401, and the one message for every cause. */
function assertRefused(answer: Answer): void {
  assert.equal(answer.status, 401, answer.text)
  assert.match(answer.json.resultMessage, /the client credentials do not match/)
}

/** A client assertion (RFC 7523 §3) for `clientId`, with claims overridden as given. */
function assertion(clientId: string, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: TOKEN_ENDPOINT,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
    ...claims,
  })
}

describe('client secrets', () => {
  test('the right secret answers the client without its secret; a wrong one is refused', async () => {
    const client = await register({ token_endpoint_auth_method: 'client_secret_basic' })
    const right = await authenticate({
      client_id: client.client_id,
      client_secret: client.client_secret,
    })
    assert.equal(right.status, 200, right.text)
    assert.equal(String(right.json.clientId), client.client_id)
    assert.equal(right.json.clientSecret, undefined)
    assert.equal(right.headers.get('cache-control'), 'no-store')
    // The use is recorded, for those who clean up idle clients.
    const stored = await admin.call(`/api/${serviceId}/client/get/${client.client_id}`)
    assert.ok(Math.abs(stored.json.lastUsedAt - Date.now()) < 60_000, stored.text)

    assertRefused(await authenticate({ client_id: client.client_id, client_secret: 'wrong' }))
    // An unknown client reads exactly as a wrong secret.
    const unknown = await authenticate({ client_id: '12345678901234', client_secret: 'wrong' })
    const wrong = await authenticate({ client_id: client.client_id, client_secret: 'x' })
    assertRefused(unknown)
    assert.equal(unknown.text, wrong.text)
    assertRefused(await authenticate({ client_id: 'not a number', client_secret: 'x' }))
  })

  test('client_secret_post is accepted as basic is; a public client has no secret to match', async () => {
    const post = await register({ token_endpoint_auth_method: 'client_secret_post' })
    const answer = await authenticate({
      client_id: post.client_id,
      client_secret: post.client_secret,
    })
    assert.equal(answer.status, 200, answer.text)
    const publicClient = await register({ token_endpoint_auth_method: 'none' })
    assert.equal(publicClient.client_secret, undefined)
    assertRefused(await authenticate({ client_id: publicClient.client_id, client_secret: 'x' }))
  })

  test('a secret past its client_secret_expires_at is refused; the next update issues a new one', async () => {
    const shortLived = await admin.createService({ clientSecretLifetime: 1 })
    const client = await register({}, shortLived)
    // The Client object says when, as the registration did, for an AS that checks itself.
    const stored = await admin.call(`/api/${shortLived}/client/get/${client.client_id}`)
    assert.equal(stored.json.clientSecretExpiresAt, client.client_secret_expires_at)
    assert.ok(stored.json.clientSecretExpiresAt > 0)
    const credentials = { client_id: client.client_id, client_secret: client.client_secret }
    assert.equal((await authenticate(credentials, shortLived)).status, 200)
    await sleep(2100)
    assertRefused(await authenticate(credentials, shortLived))

    // RFC 7592 §2.2: the client updates itself and is not stranded: a new secret, honestly dated.
    const updated = await call(client.registration_client_uri, {
      method: 'PUT',
      token: client.registration_access_token,
      body: {
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uris: ['https://app.example/cb'],
      },
    })
    assert.equal(updated.status, 200, updated.text)
    assert.notEqual(updated.json.client_secret, client.client_secret)
    assert.ok(updated.json.client_secret_expires_at > Date.now() / 1000)
    const renewed = { client_id: client.client_id, client_secret: updated.json.client_secret }
    assert.equal((await authenticate(renewed, shortLived)).status, 200)
  })

  test('a refusal is a failed authentication in the audit history', async () => {
    const client = await register({})
    assertRefused(await authenticate({ client_id: client.client_id, client_secret: 'nope' }))
    const events = await admin.call(
      `/api/${serviceId}/audit?kind=authentication.failed&clientId=${client.client_id}`,
    )
    assert.equal(events.status, 200, events.text)
    assert.equal(events.json.events.length, 1)
    assert.equal(events.json.events[0].actor, 'anonymous')
    assert.equal(events.json.events[0].detail.error, 'invalid_client')
  })
})

describe('client_secret_jwt', () => {
  test('an assertion signed with the secret authenticates; each broken claim is refused', async () => {
    const client = await register({ token_endpoint_auth_method: 'client_secret_jwt' })
    const key = new TextEncoder().encode(client.client_secret)
    const sign = (claims: Record<string, unknown> = {}, alg = 'HS256') =>
      assertion(client.client_id, claims).setProtectedHeader({ alg }).sign(key)
    const present = async (jwt: string, extra: Record<string, unknown> = {}) =>
      authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: jwt, ...extra })

    const once = await sign()
    const right = await present(once)
    assert.equal(right.status, 200, right.text)
    assert.equal(String(right.json.clientId), client.client_id)
    // RFC 7523 §3: an assertion is used once; its replay is refused.
    assertRefused(await present(once))
    assert.equal((await present(await sign({ aud: ISSUER }))).status, 200)
    assert.equal((await present(await sign({}, 'HS512'))).status, 200)
    assert.equal(
      (await present(await sign(), { client_id: client.client_id })).status,
      200,
      'a client_id beside the assertion that names the same client',
    )

    const now = Math.floor(Date.now() / 1000)
    const broken: Record<string, Record<string, unknown>> = {
      'another audience': { aud: 'https://elsewhere.example/token' },
      expired: { exp: now - 120, iat: now - 180 },
      'no jti': { jti: undefined },
      'no exp': { exp: undefined },
      'iss is not sub': { iss: '12345678901234' },
    }
    for (const [name, claims] of Object.entries(broken)) {
      const answer = await present(await sign(claims))
      assert.equal(answer.status, 401, `${name}: ${answer.text}`)
    }
    assertRefused(await present(await sign(), { client_id: '12345678901234' }))
    const forged = await assertion(client.client_id)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('not the secret, but as long as one is'))
    assertRefused(await present(forged))
    assertRefused(await present('not.a.jwt'))
  })
})

describe('private_key_jwt', () => {
  let clientId: string
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    signingKey = privateKey
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'ES256' }
    const client = await register({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    })
    clientId = client.client_id
    assert.equal(client.client_secret, undefined)
  })

  test('an assertion signed with a registered key authenticates', async () => {
    const jwt = await assertion(clientId)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(signingKey)
    const answer = await authenticate({
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: jwt,
    })
    assert.equal(answer.status, 200, answer.text)
    assert.equal(String(answer.json.clientId), clientId)
  })

  test('an expired assertion, and one presented again within its lifetime, are refused', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expired = await assertion(clientId, { iat: now - 300, exp: now - 120 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(signingKey)
    assertRefused(
      await authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: expired }),
    )
    const once = await assertion(clientId)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(signingKey)
    const first = await authenticate({
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: once,
    })
    assert.equal(first.status, 200, first.text)
    assertRefused(
      await authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: once }),
    )
  })

  test('a key the client did not register, or a secret, is refused', async () => {
    const other = await generateKeyPair('ES256')
    const jwt = await assertion(clientId)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(other.privateKey)
    assertRefused(
      await authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: jwt }),
    )
    const hmac = await assertion(clientId)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret the client never had'))
    assertRefused(
      await authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: hmac }),
    )
    assertRefused(await authenticate({ client_id: clientId, client_secret: 'anything' }))
  })

  test('token_endpoint_auth_signing_alg limits the algorithm', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    const client = await register({
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'PS256',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
    })
    const jwt = await assertion(client.client_id)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey)
    assertRefused(
      await authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: jwt }),
    )
  })
})

describe('private_key_jwt with keys at a jwks_uri', () => {
  let ca: TestCa
  let keyHost: HttpsServer
  let trusting: RunningServer
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
  let jwks: { keys: JWK[] }
  before(async () => {
    ca = createTestCa()
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    signingKey = privateKey
    jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'remote', alg: 'ES256' }] }
    keyHost = await startHttpsServer(ca, (_request, response) => {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify(jwks))
    })
    // A deployment whose key hosts are on a private network, and which trusts their CA.
    trusting = await startServer({
      args: ['--cimd-allow-private'],
      env: { NODE_EXTRA_CA_CERTS: ca.caFile },
    })
  })
  after(async () => {
    await trusting.stop()
    await keyHost.close()
    ca.remove()
  })

  async function registerAt(target: RunningServer, service: string, path: string) {
    const answer = await call(`${target.url}/${service}/register`, {
      body: {
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${keyHost.url}${path}`,
      },
    })
    assert.equal(answer.status, 201, answer.text)
    return answer.json.client_id as string
  }

  test('the keys are fetched, cached and used', async () => {
    const api = new Api(trusting.url, trusting.adminToken)
    const service = await api.createService({
      tokenEndpoint: TOKEN_ENDPOINT,
      allowPrivateNetworkUris: true,
    })
    const clientId = await registerAt(trusting, service, '/jwks')
    for (let round = 0; round < 3; round++) {
      const jwt = await assertion(clientId)
        .setProtectedHeader({ alg: 'ES256', kid: 'remote' })
        .sign(signingKey)
      const answer = await api.call(`/api/${service}/client/authenticate`, {
        body: { client_assertion_type: ASSERTION_TYPE, client_assertion: jwt },
      })
      assert.equal(answer.status, 200, answer.text)
    }
    assert.equal(keyHost.hits.get('/jwks'), 1, 'fetched once, then cached')
  })

  test('a server not told to allow private addresses never fetches them', async () => {
    // The service allows such URIs; the operator has not let the server reach them.
    const service = await admin.createService({
      tokenEndpoint: TOKEN_ENDPOINT,
      allowPrivateNetworkUris: true,
    })
    const clientId = await registerAt(server, service, '/private-jwks')
    const jwt = await assertion(clientId)
      .setProtectedHeader({ alg: 'ES256', kid: 'remote' })
      .sign(signingKey)
    assertRefused(
      await authenticate({ client_assertion_type: ASSERTION_TYPE, client_assertion: jwt }, service),
    )
    assert.equal(keyHost.hits.get('/private-jwks'), undefined)
  })
})

describe('malformed requests', () => {
  test('are 400s that say what is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ client_id: '1' }, /client_secret or client_assertion is required/],
      [
        {
          client_id: '1',
          client_secret: 'x',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: 'a.b.c',
        },
        /not both/,
      ],
      [
        { client_assertion_type: 'urn:example:other', client_assertion: 'a.b.c' },
        /client_assertion_type must be/,
      ],
      [{ client_assertion_type: ASSERTION_TYPE }, /client_assertion is required/],
      [{ client_id: '1', client_secret: 'x', scope: 'openid' }, /invalid request/],
    ]
    for (const [body, message] of cases) {
      const answer = await authenticate(body)
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`)
      assert.match(answer.json.resultMessage, message)
    }
    const empty = await admin.call(`/api/${serviceId}/client/authenticate`, { method: 'POST' })
    assert.equal(empty.status, 400, empty.text)
  })

  test('the call takes the API bearer token', async () => {
    const answer = await call(`${server.url}/api/${serviceId}/client/authenticate`, {
      body: { client_id: '1', client_secret: 'x' },
    })
    assert.equal(answer.status, 401)
    assert.doesNotMatch(answer.text, /client credentials/)
  })
})
