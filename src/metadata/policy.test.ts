import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Policy } from '../wire/index.js'
import { policyDocumentProblem } from './policy-document.js'
import { policyOf, rulesFor } from './policy.js'
import { resolveClientMetadata } from './resolve.js'
import { GRANT_TYPES, RESPONSE_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from './vocabulary.js'

test('allows every known value when the supported lists are absent (spec §3.7)', () => {
  const policy = policyOf({})
  assert.deepEqual(policy.grantTypes, GRANT_TYPES.values)
  assert.deepEqual(policy.responseTypes, RESPONSE_TYPES.values)
  assert.deepEqual(policy.tokenEndpointAuthMethods, TOKEN_ENDPOINT_AUTH_METHODS.values)
  assert.equal(policy.scopes, undefined)
  assert.deepEqual(policy.customMetadata, [])
  assert.deepEqual(policy.trustedIssuers, [])
  assert.equal(policy.allowPrivateNetworkUris, false)
})

test('allows no value when a supported list is empty (CONTRACT.md, Bad input)', () => {
  const policy = policyOf({
    supportedGrantTypes: [],
    supportedResponseTypes: [],
    supportedTokenAuthMethods: [],
    supportedScopes: [],
  })
  assert.deepEqual(policy.grantTypes, [])
  assert.deepEqual(policy.responseTypes, [])
  assert.deepEqual(policy.tokenEndpointAuthMethods, [])
  assert.deepEqual(policy.scopes, [])
})

test('translates Authlete enum names to protocol spellings (spec §4)', () => {
  const policy = policyOf({
    supportedGrantTypes: ['AUTHORIZATION_CODE', 'DEVICE_CODE', 'NOT_A_GRANT' as 'CIBA'],
    supportedResponseTypes: ['CODE', 'CODE_ID_TOKEN'],
    supportedTokenAuthMethods: ['NONE', 'PRIVATE_KEY_JWT'],
    supportedScopes: [{ name: 'openid' }, { name: 'profile' }],
    supportedCustomClientMetadata: ['x_tenant'],
    trustedSoftwareStatementIssuers: [{ issuer: 'https://iss.example', jwks: { keys: [] } }],
  })
  assert.deepEqual(policy.grantTypes, [
    'authorization_code',
    'urn:ietf:params:oauth:grant-type:device_code',
  ])
  assert.deepEqual(policy.responseTypes, ['code', 'code id_token'])
  assert.deepEqual(policy.tokenEndpointAuthMethods, ['none', 'private_key_jwt'])
  assert.deepEqual(policy.scopes, ['openid', 'profile'])
  assert.deepEqual(policy.customMetadata, ['x_tenant'])
  assert.equal(policy.trustedIssuers[0]?.issuer, 'https://iss.example')
})

test('a policy document narrows the settings: where both speak, the stricter holds', () => {
  const policy = policyOf(
    {
      supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
      supportedScopes: [{ name: 'openid' }, { name: 'mcp' }],
    },
    {
      grantTypes: ['authorization_code', 'client_credentials'],
      responseTypes: ['id_token code', 'code'],
      tokenEndpointAuthMethods: ['none', 'private_key_jwt'],
      scopes: ['mcp', 'admin'],
      redirectUris: { schemes: ['HTTPS'], hosts: ['*.Example.com'], loopback: false },
    },
  )
  assert.deepEqual(policy.grantTypes, ['authorization_code'])
  assert.deepEqual(policy.responseTypes, ['code id_token', 'code'])
  assert.deepEqual(policy.tokenEndpointAuthMethods, ['none', 'private_key_jwt'])
  assert.deepEqual(policy.scopes, ['mcp'])
  assert.deepEqual(policy.redirectSchemes, ['https'])
  assert.deepEqual(policy.redirectHosts, ['*.example.com'])
  assert.equal(policy.loopbackRedirects, false)
})

test('an empty policy document sets no rule of its own, and caps a service at 1,000,000 clients', () => {
  const policy = policyOf({}, {})
  assert.deepEqual(policy, { ...policyOf({}), maxClients: 1_000_000 })
  assert.equal(policy.redirectSchemes, undefined)
  assert.equal(policy.loopbackRedirects, true)
  assert.deepEqual(policy.requiredMembers, [])
  assert.equal(policy.anonymous, undefined)
  assert.equal(policyOf({}, { maxClients: 3 }).maxClients, 3)
})

test('caps come from the document and clientsPerDeveloper; absent or 0 sets no limit', () => {
  const none = policyOf({ clientsPerDeveloper: 0 }, {})
  assert.equal(none.maxClientsPerSoftwareId, undefined)
  assert.equal(none.maxClientsPerInitialAccessToken, undefined)
  assert.equal(none.clientsPerDeveloper, undefined)
  const capped = policyOf(
    { clientsPerDeveloper: 7 },
    { maxClientsPerSoftwareId: 3, maxClientsPerInitialAccessToken: 0, anonymous: {} },
  )
  assert.equal(capped.maxClientsPerSoftwareId, 3)
  assert.equal(capped.maxClientsPerInitialAccessToken, 0)
  assert.equal(capped.clientsPerDeveloper, 7)
  assert.equal(capped.anonymous?.maxClientsPerSoftwareId, 3)
})

test('anonymous rules narrow the whole policy further, and apply only to untrusted registrations', () => {
  const policy = policyOf(
    {},
    {
      scopes: ['read', 'write'],
      requiredMembers: ['contacts'],
      defaultScope: 'read write',
      anonymous: { scopes: ['read', 'admin'], defaultScope: 'read', requiredMembers: ['logo_uri'] },
    },
  )
  assert.deepEqual(policy.scopes, ['read', 'write'])
  assert.deepEqual(policy.anonymous?.scopes, ['read'])
  assert.equal(policy.anonymous?.defaultScope, 'read')
  assert.deepEqual(policy.anonymous?.requiredMembers, ['contacts', 'logo_uri'])
  assert.equal(rulesFor(policy, true), policy)
  assert.equal(rulesFor(policy, false), policy.anonymous)
  const open = policyOf({}, {})
  assert.equal(rulesFor(open, false), open)
})

test('probation holds anonymous registrations only, on top of the anonymous rules', () => {
  const probation = { lifetimeSeconds: 600, scopes: ['read', 'admin'] }
  const policy = policyOf(
    { supportedScopes: [{ name: 'read' }, { name: 'write' }] },
    { anonymous: { requiredMembers: ['contacts'] }, probation },
  )
  assert.equal(policy.probation, undefined)
  assert.deepEqual(policy.anonymous?.probation, probation)
  assert.deepEqual(policy.anonymous?.requiredMembers, ['contacts'])
  // A client asking for no scope gets the probation scopes the service has.
  assert.equal(policy.anonymous?.defaultScope, 'read')
  assert.equal(rulesFor(policy, true).probation, undefined)
  const alone = policyOf({}, { probation: { lifetimeSeconds: 60 } })
  assert.deepEqual(rulesFor(alone, false).probation, { lifetimeSeconds: 60 })
  assert.equal(rulesFor(alone, false).defaultScope, undefined)
})

test('the default scope is given to a client that asks for none, by the rules that apply', async () => {
  const policy = policyOf({}, { defaultScope: 'read write', anonymous: { defaultScope: 'read' } })
  const body = { redirect_uris: ['https://rp.example.com/cb'] }
  const anonymous = await resolveClientMetadata(body, policy, { now: 0 })
  assert.equal(anonymous.scope, 'read')
  const trusted = await resolveClientMetadata(body, policy, { now: 0, authenticated: true })
  assert.equal(trusted.scope, 'read write')
  const asked = await resolveClientMetadata({ ...body, scope: 'write' }, policy, { now: 0 })
  assert.equal(asked.scope, 'write')
})

test('anonymous rules refuse what the trusted rules allow', async () => {
  const policy = policyOf({}, { anonymous: { scopes: ['read'] } })
  const body = { redirect_uris: ['https://rp.example.com/cb'], scope: 'read admin' }
  await assert.rejects(resolveClientMetadata(body, policy, { now: 0 }), /scope value admin/)
  const trusted = await resolveClientMetadata(body, policy, { now: 0, authenticated: true })
  assert.equal(trusted.scope, 'read admin')
})

describe('policyDocumentProblem: a document whose values mean nothing is refused by name', () => {
  const cases: [Policy, RegExp][] = [
    [{ grantTypes: ['authorization_code', 'magic'] }, /^grantTypes: 'magic' is not a known grant/],
    [{ responseTypes: ['code token'] }, undefined as unknown as RegExp],
    [{ responseTypes: ['code tokn'] }, /^responseTypes: 'code tokn'/],
    [{ tokenEndpointAuthMethods: ['secret'] }, /^tokenEndpointAuthMethods: 'secret'/],
    [{ signingAlgorithms: ['RS257'] }, /^signingAlgorithms: 'RS257'/],
    [{ scopes: ['read write'] }, /^scopes: 'read write' is not one scope token/],
    [{ scopes: ['a"b'] }, /^scopes: /],
    [{ requiredMembers: ['contact'] }, /^requiredMembers: 'contact' is not a client metadata/],
    [{ redirectUris: { schemes: ['1http'] } }, /^redirectUris.schemes: '1http'/],
    [{ redirectUris: { hosts: ['https://rp.example.com'] } }, /^redirectUris.hosts: /],
    [{ redirectUris: { hosts: ['*'] } }, /^redirectUris.hosts: '\*'/],
    [{ scopes: ['read'], defaultScope: 'read write' }, /^defaultScope: write is not among scopes/],
    [{ defaultScope: 'read  write' }, /^defaultScope must be/],
    [{ anonymous: { grantTypes: ['magic'] } }, /^anonymous.grantTypes: 'magic'/],
    [{ forcedMembers: { colour: 'red' } }, /^forcedMembers: 'colour' is not a client metadata/],
    [{ forcedMembers: { software_statement: 'x.y.z' } }, /^forcedMembers: 'software_statement'/],
    [{ forcedMembers: { jwks_uri: 'https://x.example/j' } }, /^forcedMembers: 'jwks_uri'/],
    [
      { forcedMembers: { dpop_bound_access_tokens: 'yes' } },
      /^forcedMembers: dpop_bound_access_tokens/,
    ],
    [{ anonymous: { forcedMembers: { scope: 7 } } }, /^anonymous.forcedMembers: scope/],
    [{ probation: { lifetimeSeconds: 60, scopes: ['a b'] } }, /^probation.scopes: 'a b'/],
    [
      { defaultScope: 'read write', probation: { lifetimeSeconds: 60, scopes: ['read'] } },
      /^defaultScope: write is not among probation.scopes/,
    ],
    [
      { anonymous: { defaultScope: 'x' }, probation: { lifetimeSeconds: 60, scopes: ['read'] } },
      /^anonymous.defaultScope: x is not among probation.scopes/,
    ],
    [
      { rateLimits: { perNetwork: { capacity: 20, refillPerMinute: 0.0005 } } },
      /^rateLimits.perNetwork.refillPerMinute: 0.0005 refills less than one registration a day/,
    ],
    [
      { rateLimits: { perService: { capacity: 1, refillPerMinute: 1 / 1440 } } },
      undefined as unknown as RegExp,
    ],
  ]
  for (const [document, expected] of cases) {
    test(JSON.stringify(document), () => {
      const problem = policyDocumentProblem(document)
      if (expected === undefined) assert.equal(problem, undefined)
      else assert.match(problem ?? '', expected)
    })
  }
  test('a whole sensible document has no problem', () => {
    const document: Policy = {
      redirectUris: {
        schemes: ['https', 'http', 'com.example.app'],
        hosts: ['*.example.com', '[::1]'],
      },
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethods: ['none', 'private_key_jwt'],
      signingAlgorithms: ['ES256', 'EdDSA'],
      scopes: ['openid', 'mcp:tools'],
      defaultScope: 'mcp:tools',
      requiredMembers: ['contacts', 'software_statement'],
      maxClients: 10,
      anonymous: { scopes: ['mcp:tools'] },
      rateLimits: {
        perNetwork: { capacity: 200, refillPerMinute: 200 / 60 },
        perSoftwareId: { capacity: 1000, refillPerMinute: 100 },
        perInitialAccessToken: { capacity: 50, refillPerMinute: 1 },
        perService: { capacity: 10_000, refillPerMinute: 1000 },
      },
    }
    assert.equal(policyDocumentProblem(document), undefined)
  })
})

test('forced members replace what was asked; the anonymous rules override the whole policy', async () => {
  const policy = policyOf(
    {},
    {
      forcedMembers: { require_pushed_authorization_requests: true, default_max_age: 600 },
      anonymous: { forcedMembers: { default_max_age: 60 } },
    },
  )
  const body = {
    redirect_uris: ['https://rp.example.com/cb'],
    require_pushed_authorization_requests: false,
    default_max_age: 3600,
  }
  const trusted = await resolveClientMetadata(body, policy, { now: 0, authenticated: true })
  assert.equal(trusted.require_pushed_authorization_requests, true)
  assert.equal(trusted.default_max_age, 600)
  const anonymous = await resolveClientMetadata(body, policy, { now: 0 })
  assert.equal(anonymous.require_pushed_authorization_requests, true)
  assert.equal(anonymous.default_max_age, 60)
})
