/**
 * The policy presets are documents like any other: each passes the document check, and each
 * does what it says to real clients' bodies (shared corpus).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { cimdDocuments, dcrRequests } from '../../test/support/corpus.js'
import { isOAuthError, POLICY_PRESET_NAMES, POLICY_PRESETS } from '../wire/index.js'
import { policyDocumentProblem } from './policy-document.js'
import { policyOf } from './policy.js'
import { resolveClientMetadata } from './resolve.js'

/** The corpus's clients that are not MCP clients: apps, relying parties and gateways. */
const NOT_MCP = new Set([
  'appauth-android-demo',
  'mod-auth-openidc',
  'openid-client-conformance-private-key-jwt',
  'element-web-matrix-js-sdk',
  'traefikoidc-dcr',
])
const mcpBodies = [...dcrRequests, ...cimdDocuments].filter((entry) => !NOT_MCP.has(entry.id))

const refusal = (body: Record<string, unknown>, policy = policyOf({}, POLICY_PRESETS.fapi2)) =>
  resolveClientMetadata(body, policy, { now: 0 }).then(
    () => undefined,
    (error: unknown) => (isOAuthError(error) ? error.description : String(error)),
  )

test('every preset is a document the policy check accepts', () => {
  for (const name of POLICY_PRESET_NAMES) {
    assert.equal(policyDocumentProblem(POLICY_PRESETS[name]), undefined, name)
  }
})

describe('mcp: every MCP client body of the corpus registers, with PKCE and no implicit', () => {
  const policy = policyOf({}, POLICY_PRESETS.mcp)
  assert.equal(policy.pkce, 'S256')
  for (const { id, body } of mcpBodies) {
    test(id, async () => {
      const metadata = await resolveClientMetadata(body, policy, { now: 0 })
      assert.deepEqual(metadata.response_types, ['code'])
      assert.ok(metadata.grant_types?.every((grant) => policy.grantTypes.includes(grant)))
    })
  }
  test('an implicit client keeps only what the preset allows, or is refused', async () => {
    const body = { redirect_uris: ['https://rp.example.com/cb'], grant_types: ['implicit'] }
    await assert.rejects(resolveClientMetadata(body, policy, { now: 0 }))
  })
})

describe('fapi2: confidential, sender-constrained clients with strong keys', () => {
  const jwksUri = 'https://rp.example.com/jwks.json'
  const fapiClient = {
    redirect_uris: ['https://rp.example.com/cb'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks_uri: jwksUri,
    dpop_bound_access_tokens: true,
  }
  test('a FAPI client registers, asked or not for PAR, with PS256 id tokens', async () => {
    const metadata = await resolveClientMetadata(fapiClient, policyOf({}, POLICY_PRESETS.fapi2), {
      now: 0,
    })
    assert.equal(metadata.require_pushed_authorization_requests, true)
    assert.equal(metadata.id_token_signed_response_alg, 'PS256')
  })
  test('an mTLS-bound client registers too', async () => {
    const { dpop_bound_access_tokens: _, ...mtls } = fapiClient
    const body = {
      ...mtls,
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=rp',
      tls_client_certificate_bound_access_tokens: true,
    }
    assert.equal(await refusal(body), undefined)
  })
  test('what FAPI 2.0 rules out is refused, each for its reason', async () => {
    const { dpop_bound_access_tokens: _, ...unbound } = fapiClient
    assert.match((await refusal(unbound)) ?? '', /dpop_bound_access_tokens or tls_client/)
    assert.match(
      (await refusal({ ...fapiClient, token_endpoint_auth_method: 'client_secret_basic' })) ?? '',
      /token_endpoint_auth_method client_secret_basic is not supported/,
    )
    assert.match(
      (await refusal({ ...fapiClient, request_object_signing_alg: 'RS256' })) ?? '',
      /request_object_signing_alg RS256 is not allowed/,
    )
    assert.match(
      (await refusal({ ...fapiClient, redirect_uris: ['http://127.0.0.1/cb'] })) ?? '',
      /loopback redirect URIs are not allowed/,
    )
    assert.match(
      (await refusal({ ...fapiClient, redirect_uris: ['com.example.app:/cb'] })) ?? '',
      /redirect URI scheme not allowed/,
    )
  })
})

test('internal: every registration needs an initial access token', () => {
  assert.equal(policyOf({}, POLICY_PRESETS.internal).initialAccessTokenRequired, true)
  assert.equal(policyOf({}, {}).initialAccessTokenRequired, false)
  assert.equal(policyOf({ initialAccessTokenRequired: true }, {}).initialAccessTokenRequired, true)
})
