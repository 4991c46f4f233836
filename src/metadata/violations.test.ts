/**
 * Explained rejections (CONTRACT.md §1c): every violation in rule order, each with a JSON
 * pointer into the request as sent (RFC 6901), the rule's name and its spec; the answer's
 * code and description are the first one's.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { isOAuthError, LONGEST_POINTER, MAX_VIOLATIONS, type Violation } from '../wire/index.js'
import { policyOf, type RegistrationPolicy } from './policy.js'
import { resolveClientMetadata } from './resolve.js'

const NOW = 1_800_000_000
const IRU = 'invalid_redirect_uri'
const ICM = 'invalid_client_metadata'

type Expected = Pick<Violation, 'pointer' | 'rule' | 'spec' | 'error'>

async function violationsOf(
  body: unknown,
  policy: RegistrationPolicy = policyOf({}),
): Promise<Violation[]> {
  try {
    await resolveClientMetadata(body, policy, { now: NOW })
  } catch (error) {
    assert.ok(isOAuthError(error))
    assert.equal(error.status, 400)
    const violations = [...(error.violations ?? [])]
    assert.ok(violations.length > 0)
    assert.equal(error.code, violations[0]?.error)
    assert.equal(error.description, violations[0]?.error_description)
    assert.deepEqual(error.toJSON().violations, violations)
    return violations
  }
  assert.fail('accepted')
}

async function assertViolations(body: unknown, expected: Expected[], policy?: RegistrationPolicy) {
  const found = await violationsOf(body, policy)
  assert.deepEqual(
    found.map(({ pointer, rule, spec, error }) => ({ pointer, rule, spec, error })),
    expected,
  )
  for (const violation of found) assert.match(violation.error_description, /^[\x20-\x7e]+$/)
}

describe('explained rejections: every violation, in rule order (CONTRACT.md §1c)', () => {
  test('two URIs broken by one rule are two violations, each at its index', async () => {
    const spec = 'RFC 8252 §7.3; OIDC DCR §2'
    await assertViolations(
      { redirect_uris: ['http://a.example/cb', 'https://ok.example/cb', 'http://b.example/cb'] },
      [
        { pointer: '/redirect_uris/0', rule: 'httpRedirectIsLoopback', spec, error: IRU },
        { pointer: '/redirect_uris/2', rule: 'httpRedirectIsLoopback', spec, error: IRU },
      ],
    )
  })

  test('two rules broken are listed in rule order, the first giving error and description', async () => {
    const body = { scope: 'a "b', redirect_uris: ['https://a.example/cb#f'] }
    await assertViolations(body, [
      {
        pointer: '/redirect_uris/0',
        rule: 'redirectUriHasNoFragment',
        spec: 'RFC 6749 §3.1.2; RFC 7591 §2',
        error: IRU,
      },
      {
        pointer: '/scope',
        rule: 'scopeTokensAreWellFormed',
        spec: 'RFC 6749 §3.3; RFC 7591 §2',
        error: ICM,
      },
    ])
    const [first] = await violationsOf(body)
    assert.match(first?.error_description ?? '', /fragment: https:\/\/a\.example\/cb#f$/)
  })

  test('shapes come first, every bad member and item, then the rules; a misshapen member is reported once', async () => {
    await assertViolations(
      {
        client_name: 42,
        redirect_uris: ['https://a.example/cb', 7, 'https://b.example/cb', false],
        logo_uri: 'ftp://rp.example/logo.png',
        // Public: redirect_uris would be required, but it is reported for its shape only.
        token_endpoint_auth_method: 'none',
      },
      [
        { pointer: '/client_name', rule: 'shape', spec: 'RFC 7591 §2', error: ICM },
        { pointer: '/redirect_uris/1', rule: 'shape', spec: 'RFC 7591 §2', error: IRU },
        { pointer: '/redirect_uris/3', rule: 'shape', spec: 'RFC 7591 §2', error: IRU },
        {
          pointer: '/logo_uri',
          rule: 'webUrisUseHttp',
          spec: 'RFC 7591 §2; OIDC Front-Channel Logout §2; OIDC Back-Channel Logout §2.2',
          error: ICM,
        },
      ],
    )
  })

  test('a member of the wrong type that is not a list is one violation at the member', async () => {
    await assertViolations({ redirect_uris: 'https://a.example/cb', default_max_age: 'x' }, [
      { pointer: '/redirect_uris', rule: 'shape', spec: 'RFC 7591 §2', error: IRU },
      { pointer: '/default_max_age', rule: 'shape', spec: 'RFC 7591 §2', error: ICM },
    ])
  })

  test('pointers index the request as sent, though normalisation dropped a duplicate before', async () => {
    await assertViolations(
      { redirect_uris: ['https://a.example/cb', 'https://a.example/cb', 'http://b.example/cb'] },
      [
        {
          pointer: '/redirect_uris/2',
          rule: 'httpRedirectIsLoopback',
          spec: 'RFC 8252 §7.3; OIDC DCR §2',
          error: IRU,
        },
      ],
    )
    await assertViolations(
      { token_endpoint_auth_method: 'none', grant_types: ['refresh_token', 'client_credentials'] },
      [
        {
          pointer: '/grant_types/1',
          rule: 'publicClientHasNoClientCredentials',
          spec: 'RFC 6749 §4.4',
          error: ICM,
        },
      ],
    )
  })

  test('a member the server replaced or defaulted is pointed at as a member', async () => {
    const policy = policyOf({ supportedScopes: [{ name: 'openid' }] })
    // Normalised to "openid evil other": a token's own place is not the request's.
    await assertViolations(
      { scope: 'openid  openid evil other' },
      [
        {
          pointer: '/scope',
          rule: 'scopeIsAllowed',
          spec: 'RFC 7591 §2; RFC 7591 §3.2.2',
          error: ICM,
        },
        {
          pointer: '/scope',
          rule: 'scopeIsAllowed',
          spec: 'RFC 7591 §2; RFC 7591 §3.2.2',
          error: ICM,
        },
      ],
      policy,
    )
    const required = policyOf({}, { requiredMembers: ['contacts', 'logo_uri'] })
    await assertViolations(
      {},
      [
        {
          pointer: '/contacts',
          rule: 'requiredMembersArePresent',
          spec: 'policy.requiredMembers',
          error: ICM,
        },
        {
          pointer: '/logo_uri',
          rule: 'requiredMembersArePresent',
          spec: 'policy.requiredMembers',
          error: ICM,
        },
      ],
      required,
    )
  })

  test('member names are escaped in pointers (RFC 6901 §3)', async () => {
    await assertViolations({ 'a/b~c': 'nul \u0000' }, [
      { pointer: '/a~1b~0c', rule: 'storable', spec: 'RFC 8259 §6, §8.2, §9', error: ICM },
    ])
  })

  test('a body that is not an object is one violation at the body', async () => {
    await assertViolations(
      ['x'],
      [{ pointer: '', rule: 'jsonObject', spec: 'RFC 7591 §3.1', error: ICM }],
    )
  })

  test('a pointer too long for an answer points at the enclosing value', async () => {
    const long = 'y'.repeat(LONGEST_POINTER)
    const [nested] = await violationsOf({ unknown: { [long]: '\u0000' } })
    assert.equal(nested?.pointer, '/unknown')
    const [top] = await violationsOf({ [long]: '\u0000' })
    assert.equal(top?.pointer, '')
  })

  test(`at most ${MAX_VIOLATIONS} violations are listed, the first ones`, async () => {
    const uris = Array.from({ length: MAX_VIOLATIONS + 20 }, (_, i) => `http://h${i}.example/`)
    const found = await violationsOf({ redirect_uris: uris })
    assert.equal(found.length, MAX_VIOLATIONS)
    assert.equal(found.at(-1)?.pointer, `/redirect_uris/${MAX_VIOLATIONS - 1}`)
  })

  describe('software statements (RFC 7591 §2.3)', () => {
    const ISSUER = 'https://issuer.example.com'
    let policy: RegistrationPolicy
    let sign: (claims: Record<string, unknown>) => Promise<string>
    before(async () => {
      const key = await generateKeyPair('ES256')
      const jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1' }] }
      policy = policyOf({ trustedSoftwareStatementIssuers: [{ issuer: ISSUER, jwks }] })
      sign = (claims) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key.privateKey)
    })

    test('a member a statement asserted is pointed at as the statement', async () => {
      const software_statement = await sign({ iss: ISSUER, redirect_uris: ['http://a.example/'] })
      await assertViolations(
        {
          software_statement,
          redirect_uris: ['https://ok.example/cb'],
          logo_uri: 'ftp://x.example/',
        },
        [
          {
            pointer: '/software_statement',
            rule: 'httpRedirectIsLoopback',
            spec: 'RFC 8252 §7.3; OIDC DCR §2',
            error: IRU,
          },
          {
            pointer: '/logo_uri',
            rule: 'webUrisUseHttp',
            spec: 'RFC 7591 §2; OIDC Front-Channel Logout §2; OIDC Back-Channel Logout §2.2',
            error: ICM,
          },
        ],
        policy,
      )
    })

    test('a statement that cannot be used is the one violation', async () => {
      const untrusted = await sign({ iss: 'https://other.example' })
      await assertViolations(
        { software_statement: untrusted, redirect_uris: ['http://a.example/'] },
        [
          {
            pointer: '/software_statement',
            rule: 'softwareStatement',
            spec: 'RFC 7591 §2.3, §3.2.2',
            error: 'unapproved_software_statement',
          },
        ],
        policy,
      )
      await assertViolations({ software_statement: 'not.a.jws' }, [
        {
          pointer: '/software_statement',
          rule: 'softwareStatement',
          spec: 'RFC 7591 §2.3, §3.2.2',
          error: 'invalid_software_statement',
        },
      ])
    })
  })
})
