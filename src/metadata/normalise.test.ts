import assert from 'node:assert/strict'
import { test } from 'node:test'
import { makeGrantsConsistent, normalise } from './normalise.js'
import { policyOf } from './policy.js'

const all = policyOf({})
const noImplicit = policyOf({
  supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS'],
})

const CASES: [string, string[], string[], typeof all, string[], string[]][] = [
  [
    'keeps a consistent code-flow pair',
    ['authorization_code', 'refresh_token'],
    ['code'],
    all,
    ['authorization_code', 'refresh_token'],
    ['code'],
  ],
  [
    'sorts response type words and drops duplicates',
    ['authorization_code', 'implicit'],
    ['id_token code', 'code id_token'],
    all,
    ['authorization_code', 'implicit'],
    ['code id_token'],
  ],
  [
    'drops response types needing an unsupported implicit grant',
    ['authorization_code', 'implicit', 'refresh_token'],
    ['code', 'id_token', 'code token'],
    noImplicit,
    ['authorization_code', 'refresh_token'],
    ['code'],
  ],
  [
    'drops an unsupported extension grant',
    ['authorization_code', 'urn:example:grant'],
    ['code'],
    all,
    ['authorization_code'],
    ['code'],
  ],
  [
    'adds code for authorization_code without a code response type',
    ['authorization_code'],
    ['token'],
    all,
    ['authorization_code'],
    ['code'],
  ],
  [
    'drops implicit that no response type uses',
    ['authorization_code', 'implicit'],
    ['code'],
    all,
    ['authorization_code'],
    ['code'],
  ],
  [
    'gives client_credentials clients no response type',
    ['client_credentials'],
    ['code'],
    all,
    ['client_credentials'],
    [],
  ],
]

for (const [title, grants, responses, policy, expectedGrants, expectedResponses] of CASES) {
  test(`${title} (RFC 7591 §2.1, OIDC DCR §2)`, () => {
    assert.deepEqual(makeGrantsConsistent(grants, responses, policy), {
      grant_types: expectedGrants,
      response_types: expectedResponses,
    })
  })
}

test('leaves no grant type when the service supports none of those requested', () => {
  assert.deepEqual(
    makeGrantsConsistent(['urn:ietf:params:oauth:grant-type:device_code'], [], noImplicit),
    { grant_types: [], response_types: [] },
  )
})

test('treats scope "" as no scope and single-spaces scope tokens (RFC 6749 §3.3)', () => {
  const base = { grant_types: ['authorization_code'], response_types: ['code'] }
  assert.equal(normalise({ ...base, scope: '' }, all).scope, undefined)
  assert.ok(!('scope' in normalise({ ...base, scope: '  ' }, all)))
  assert.equal(normalise({ ...base, scope: ' a  b a ' }, all).scope, 'a b')
})

test('leaves out members that only restate a default: false flags, empty lists', () => {
  const result = normalise(
    {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      require_auth_time: false,
      dpop_bound_access_tokens: true,
      contacts: [],
      redirect_uris: ['https://a.example/cb', 'https://a.example/cb'],
    },
    all,
  )
  assert.deepEqual(result, {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    dpop_bound_access_tokens: true,
    redirect_uris: ['https://a.example/cb'],
  })
})

test('drops client_credentials from a public client that keeps another usable grant (RFC 6749 §4.4)', () => {
  const pub = { token_endpoint_auth_method: 'none', response_types: ['code'] }
  const kept = normalise(
    { ...pub, grant_types: ['client_credentials', 'authorization_code', 'refresh_token'] },
    all,
  )
  assert.deepEqual(kept.grant_types, ['authorization_code', 'refresh_token'])
  // Nothing usable would remain: left for the rule publicClientHasNoClientCredentials to refuse.
  const alone = normalise({ ...pub, grant_types: ['client_credentials', 'refresh_token'] }, all)
  assert.deepEqual(alone.grant_types, ['client_credentials', 'refresh_token'])
  const confidential = normalise(
    { grant_types: ['client_credentials', 'authorization_code'], response_types: ['code'] },
    all,
  )
  assert.deepEqual(confidential.grant_types, ['client_credentials', 'authorization_code'])
})

test('an empty supported list allows none of its values (CONTRACT.md, Bad input)', () => {
  const none = policyOf({ supportedGrantTypes: [] })
  assert.deepEqual(
    normalise({ grant_types: ['password'], response_types: [] }, none).grant_types,
    [],
  )
})

test('replaces a zero default_max_age by absence, which Authlete cannot tell apart (RFC 7591 §3.2.1)', () => {
  const base = { grant_types: ['authorization_code'], response_types: ['code'] }
  assert.equal(normalise({ ...base, default_max_age: 0 }, all).default_max_age, undefined)
  assert.equal(normalise({ ...base, default_max_age: 1 }, all).default_max_age, 1)
})
