/**
 * The real-client corpus (corpus/README.md "Using it in tests"): every `dcr-request` body
 * registers through the registration endpoint and through the DCR API, twice, and reads
 * back under the same rules.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { dcrRequests, type CorpusEntry } from '../../support/corpus.js'
import { call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const corpus = dcrRequests
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt']

/** Checks a client information response against an entry's `expect` (corpus README step 2). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function checkExpectations(entry: CorpusEntry, info: Record<string, any>): void {
  const { expect, body } = entry
  if (expect.redirect_uris === 'exact')
    assert.deepEqual(info['redirect_uris'], body['redirect_uris'], 'redirect_uris')
  if (expect.client_secret === 'absent')
    assert.equal('client_secret' in info, false, 'client_secret absent')
  if (expect.client_secret === 'present') {
    assert.equal(typeof info['client_secret'], 'string')
    assert.notEqual(info['client_secret'], '')
    assert.equal(typeof info['client_secret_expires_at'], 'number')
  }
  if (expect.client_secret === 'consistent') {
    assert.equal(
      'client_secret' in info,
      SECRET_METHODS.includes(info['token_endpoint_auth_method']),
      'secret consistent',
    )
  }
  if (expect.token_endpoint_auth_method)
    assert.equal(info['token_endpoint_auth_method'], expect.token_endpoint_auth_method)
  if (expect.application_type && 'application_type' in info)
    assert.equal(info['application_type'], expect.application_type)
  for (const grant of expect.grant_types_kept ?? [])
    assert.ok(info['grant_types']?.includes(grant), `grant ${grant}`)
  for (const type of expect.response_types_kept ?? [])
    assert.ok(info['response_types']?.includes(type), `response type ${type}`)
  if (expect.grant_response_consistent) {
    const grants: string[] = info['grant_types'] ?? ['authorization_code']
    const types: string[] = info['response_types'] ?? ['code']
    for (const type of types) {
      if (type.split(' ').includes('code'))
        assert.ok(grants.includes('authorization_code'), `${type} needs authorization_code`)
      if (/token/.test(type)) assert.ok(grants.includes('implicit'), `${type} needs implicit`)
    }
  }
  for (const [member, value] of Object.entries(expect.kept ?? {}))
    assert.deepEqual(info[member], value, `kept ${member}`)
  for (const member of expect.kept_from_body ?? [])
    assert.deepEqual(info[member], body[member], `kept ${member}`)
  if (expect.scope === 'absent-or-empty')
    assert.ok(info['scope'] === undefined || info['scope'] === '', 'scope')
  for (const member of expect.ignored ?? [])
    assert.equal(member in info, false, `ignored ${member}`)
  for (const value of Object.values(info)) assert.notEqual(value, null)
}

export function corpusTests(context: Context): void {
  describe('real-client corpus', () => {
    const entries = corpus.filter((entry) => entry.kind === 'dcr-request')

    test('the corpus has dcr-request entries', () => assert.ok(entries.length >= 20))

    for (const entry of entries) {
      test(`${entry.id} registers at the endpoint twice and reads back`, async () => {
        const { api, server } = context()
        const id = await api.createService()
        const discovery = await call(`${server.url}/.well-known/oauth-authorization-server/${id}`)
        const endpoint: string = discovery.json.registration_endpoint
        const ids = new Set<string>()
        for (let round = 0; round < 2; round++) {
          const answer = await call(endpoint, { body: entry.body })
          assert.equal(answer.status, entry.expect.status, answer.text)
          checkExpectations(entry, answer.json)
          ids.add(answer.json.client_id)
          const read = await call(answer.json.registration_client_uri, {
            token: answer.json.registration_access_token,
          })
          assert.equal(read.status, 200, read.text)
          checkExpectations(entry, read.json)
        }
        assert.equal(ids.size, 2)
      })

      test(`${entry.id} registers through the DCR API and reads back`, async () => {
        const { api } = context()
        const id = await api.createService()
        const answer = await api.call(`/api/${id}/client/registration`, {
          body: { json: JSON.stringify(entry.body) },
        })
        assert.equal(answer.status, 200)
        assert.equal(answer.json.action, 'CREATED', answer.json.responseContent)
        const info = JSON.parse(answer.json.responseContent)
        checkExpectations(entry, info)
        const read = await api.call(`/api/${id}/client/registration/get`, {
          body: { clientId: info.client_id, token: info.registration_access_token },
        })
        assert.equal(read.json.action, 'OK')
        checkExpectations(entry, JSON.parse(read.json.responseContent))
      })
    }
  })
}
