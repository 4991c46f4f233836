/**
 * Every real client body of the shared corpus registers under a default service's policy and
 * keeps what its `expect` says (corpus/README.md, CONTRACT.md "Real clients").
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SECRET_AUTH_METHODS, type ClientMetadata } from '../wire/index.js'
import { authleteToClientMetadata, clientMetadataToAuthlete } from './authlete-mapping.js'
import { needsSecret } from './client-type.js'
import { policyOf } from './policy.js'
import { isLoopbackRedirect } from './redirect-uris.js'
import { resolveClientMetadata } from './resolve.js'
import { dcrRequests, type CorpusExpect } from '../../test/support/corpus.js'

const requests = dcrRequests
const policy = policyOf({})

/** The body with every loopback redirect's port replaced by `port` (RFC 8252 §7.3). */
function withLoopbackPort(body: Record<string, unknown>, port: number): Record<string, unknown> {
  const uris = body.redirect_uris as string[] | undefined
  if (uris === undefined) return body
  const redirect_uris = uris.map((uri) => {
    if (!isLoopbackRedirect(uri)) return uri
    return uri.replace(/^(http:\/\/(?:\[::1\]|[^/:]+)):\d+/, `$1:${port}`)
  })
  return { ...body, redirect_uris }
}

function checkExpectations(
  body: Record<string, unknown>,
  metadata: ClientMetadata,
  expect: CorpusExpect,
) {
  if (expect.redirect_uris === 'exact') assert.deepEqual(metadata.redirect_uris, body.redirect_uris)
  if (expect.token_endpoint_auth_method != null) {
    assert.equal(metadata.token_endpoint_auth_method, expect.token_endpoint_auth_method)
  }
  if (expect.application_type != null)
    assert.equal(metadata.application_type, expect.application_type)
  for (const grant of expect.grant_types_kept ?? [])
    assert.ok(metadata.grant_types?.includes(grant), grant)
  for (const type of expect.response_types_kept ?? [])
    assert.ok(metadata.response_types?.includes(type), type)
  if (expect.grant_response_consistent) {
    const words = (metadata.response_types ?? []).flatMap((type) => type.split(' '))
    assert.equal(words.includes('code'), metadata.grant_types?.includes('authorization_code'))
    assert.equal(
      words.includes('token') || words.includes('id_token'),
      metadata.grant_types?.includes('implicit'),
    )
  }
  for (const [name, value] of Object.entries(expect.kept ?? {}))
    assert.deepEqual(metadata[name], value, name)
  for (const name of expect.kept_from_body ?? []) assert.deepEqual(metadata[name], body[name], name)
  if (expect.scope === 'absent-or-empty')
    assert.ok(metadata.scope === undefined || metadata.scope === '')
  for (const name of expect.ignored ?? []) assert.ok(!(name in metadata), name)
  const method = metadata.token_endpoint_auth_method ?? ''
  if (expect.client_secret === 'absent') assert.equal(needsSecret(metadata), false)
  if (expect.client_secret === 'present') assert.equal(needsSecret(metadata), true)
  if (expect.client_secret === 'consistent')
    assert.equal(needsSecret(metadata), SECRET_AUTH_METHODS.includes(method))
  for (const value of Object.values(metadata)) assert.ok(value !== null && value !== undefined)
}

describe('real clients of the corpus register under a default policy (CONTRACT.md, corpus rules 1-10)', () => {
  test('the corpus has request bodies to replay', () => assert.ok(requests.length >= 20))

  for (const { id, body, expect } of requests) {
    test(`registers ${id} and keeps what it expects`, async () => {
      const metadata = await resolveClientMetadata(structuredClone(body), policy, { now: 0 })
      checkExpectations(body, metadata, expect)
      assert.deepEqual(await resolveClientMetadata(metadata, policy, { now: 0 }), metadata)
      assert.deepEqual(authleteToClientMetadata(clientMetadataToAuthlete(metadata)), metadata)
    })

    test(`registers ${id} with its loopback ports replaced by another port (RFC 8252 §7.3)`, async () => {
      const moved = withLoopbackPort(body, 1024 + Math.floor(Math.random() * 64000))
      const metadata = await resolveClientMetadata(moved, policy, { now: 0 })
      checkExpectations(moved, metadata, expect)
    })
  }

  test('narrows mod_auth_openidc to the code flow where implicit is not supported (OIDC DCR §2)', async () => {
    const entry = requests.find(({ id }) => id === 'mod-auth-openidc')
    assert.ok(entry)
    const noImplicit = policyOf({ supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] })
    const metadata = await resolveClientMetadata(entry.body, noImplicit, { now: 0 })
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'refresh_token'])
    assert.deepEqual(metadata.response_types, ['code'])
    checkExpectations(entry.body, metadata, entry.expect)
  })
})
