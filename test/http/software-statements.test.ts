/**
 * Software statements across the whole server (RFC 7591 §2.3, §3.2.2; CONTRACT.md §1b, §2):
 * a service's trusted issuers are set through the API, kept by an update that omits them,
 * and decide what a registration carrying a statement gets.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { Api, call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const ISSUER = 'https://directory.example.com'
const REDIRECT = 'https://app.example.com/cb'

let server: RunningServer
let serviceId: string
let trustedKey: CryptoKey
let otherKey: CryptoKey

function statement(key: CryptoKey, claims: Record<string, unknown>, iss = ISSUER) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'directory-1' })
    .setIssuer(iss)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key)
}

const register = (body: unknown) =>
  call(`${server.url}/${serviceId}/register`, { method: 'POST', body })

before(async () => {
  server = await startServer()
  const trusted = await generateKeyPair('ES256')
  trustedKey = trusted.privateKey
  otherKey = (await generateKeyPair('ES256')).privateKey
  const jwk = { ...(await exportJWK(trusted.publicKey)), kid: 'directory-1', alg: 'ES256' }
  serviceId = await new Api(server.url, server.adminToken).createService({
    trustedSoftwareStatementIssuers: [{ issuer: ISSUER, jwks: { keys: [jwk] } }],
  })
})

after(() => server?.stop())

describe('software statements through the server (RFC 7591 §2.3)', () => {
  test('an update that omits the trusted issuers keeps them (CONTRACT.md §1b)', async () => {
    const updated = await call(`${server.url}/api/${serviceId}/service/update`, {
      method: 'POST',
      token: server.adminToken,
      body: { serviceName: 'renamed' },
    })
    assert.equal(updated.status, 200)
    assert.equal(updated.json.serviceName, 'renamed')
    assert.equal(updated.json.trustedSoftwareStatementIssuers[0].issuer, ISSUER)
  })

  test("a verified statement's claims take precedence and the statement is echoed", async () => {
    const signed = await statement(trustedKey, {
      software_id: 'sw-42',
      client_name: 'From the statement',
      redirect_uris: [REDIRECT],
    })
    const answer = await register({
      client_name: 'From the body',
      redirect_uris: ['https://elsewhere.example.com/cb'],
      software_statement: signed,
    })
    assert.equal(answer.status, 201, answer.text)
    assert.equal(answer.json.client_name, 'From the statement')
    assert.deepEqual(answer.json.redirect_uris, [REDIRECT])
    assert.equal(answer.json.software_id, 'sw-42')
    assert.equal(answer.json.software_statement, signed)
    for (const claim of ['iss', 'iat', 'exp']) assert.equal(answer.json[claim], undefined, claim)
  })

  test('a statement from an issuer the service does not trust: unapproved_software_statement', async () => {
    const signed = await statement(trustedKey, { software_id: 'x' }, 'https://rogue.example.com')
    const answer = await register({ redirect_uris: [REDIRECT], software_statement: signed })
    assert.equal(answer.status, 400)
    assert.equal(answer.json.error, 'unapproved_software_statement')
  })

  test('a bad signature, or a value that is no JWS: invalid_software_statement', async () => {
    const forged = await statement(otherKey, { software_id: 'x' })
    for (const software_statement of [forged, 'not-a-jwt']) {
      const answer = await register({ redirect_uris: [REDIRECT], software_statement })
      assert.equal(answer.status, 400)
      assert.equal(answer.json.error, 'invalid_software_statement')
    }
  })

  test('a service that trusts no issuer ignores a statement and does not echo it (RFC 7591 §3.2.1)', async () => {
    const api = new Api(server.url, server.adminToken)
    const trustsNone = await api.createService()
    const signed = await statement(trustedKey, { client_name: 'From the statement' })
    const body = {
      client_name: 'From the body',
      redirect_uris: [REDIRECT],
      software_statement: signed,
    }
    const answer = await call(`${server.url}/${trustsNone}/register`, { body })
    assert.equal(answer.status, 201, answer.text)
    assert.equal(answer.json.client_name, 'From the body')
    assert.equal(answer.json.software_statement, undefined)
    const read = await call(answer.json.registration_client_uri, {
      token: answer.json.registration_access_token,
    })
    assert.equal(read.json.software_statement, undefined)
    const dcr = await api.call(`/api/${trustsNone}/client/registration`, {
      body: { json: JSON.stringify(body) },
    })
    assert.equal(dcr.json.action, 'CREATED')
    assert.equal(JSON.parse(dcr.json.responseContent).software_statement, undefined)
  })

  test('the DCR API decides the same: BAD_REQUEST with the same error', async () => {
    const signed = await statement(trustedKey, {}, 'https://rogue.example.com')
    const answer = await call(`${server.url}/api/${serviceId}/client/registration`, {
      method: 'POST',
      token: server.adminToken,
      body: { json: JSON.stringify({ redirect_uris: [REDIRECT], software_statement: signed }) },
    })
    assert.equal(answer.status, 200)
    assert.equal(answer.json.action, 'BAD_REQUEST')
    assert.equal(JSON.parse(answer.json.responseContent).error, 'unapproved_software_statement')
  })
})
