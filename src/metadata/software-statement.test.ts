import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose'
import { isOAuthError, type TrustedIssuer } from '../wire/index.js'
import type { MetadataErrorCode } from './rules/index.js'
import { policyOf } from './policy.js'
import { resolveClientMetadata } from './resolve.js'

const NOW = 1_800_000_000
const ISSUER = 'https://issuer.example.com'
const body = { redirect_uris: ['https://rp.example.com/cb'], client_name: 'From the request' }

let trusted: TrustedIssuer
let sign: (claims: JWTPayload, options?: { kid?: string; other?: boolean }) => Promise<string>

before(async () => {
  const issuerKey = await generateKeyPair('ES256')
  const otherKey = await generateKeyPair('ES256')
  trusted = {
    issuer: ISSUER,
    jwks: { keys: [{ ...(await exportJWK(issuerKey.publicKey)), kid: 'k1' }] },
  }
  sign = (claims, { kid = 'k1', other = false } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(other ? otherKey.privateKey : issuerKey.privateKey)
})

const withIssuers = () => policyOf({ trustedSoftwareStatementIssuers: [trusted] })

async function rejectsWith(statement: string, code: MetadataErrorCode) {
  await assert.rejects(
    resolveClientMetadata({ ...body, software_statement: statement }, withIssuers(), { now: NOW }),
    (err: unknown) => isOAuthError(err) && err.code === code && err.status === 400,
  )
}

describe('software statements (RFC 7591 §2.3)', () => {
  test('applies a verified statement from a trusted issuer, its claims taking precedence (RFC 7591 §3.1.1)', async () => {
    const statement = await sign({
      iss: ISSUER,
      iat: NOW - 10,
      exp: NOW + 3600,
      jti: 'j1',
      aud: 'registrar',
      client_name: 'From the statement',
      software_id: 'sw-1',
    })
    const metadata = await resolveClientMetadata(
      { ...body, software_statement: statement },
      withIssuers(),
      {
        now: NOW,
      },
    )
    assert.equal(metadata.client_name, 'From the statement')
    assert.equal(metadata.software_id, 'sw-1')
    assert.equal(metadata.software_statement, statement)
    for (const claim of ['iss', 'exp', 'iat', 'nbf', 'jti', 'aud'])
      assert.ok(!(claim in metadata), claim)
  })

  test('checks the claims of a statement in a request body already parsed as storable (RFC 8259 §8.1)', async () => {
    const statement = await sign({ iss: ISSUER, client_name: 'x\u0000', software_id: '\ud800' })
    await assert.rejects(
      resolveClientMetadata({ ...body, software_statement: statement }, withIssuers(), {
        now: NOW,
        parsedStorable: true,
      }),
      (err: unknown) =>
        isOAuthError(err) &&
        err.code === 'invalid_client_metadata' &&
        err.description === 'client_name must not contain U+0000',
    )
  })

  test('refuses a statement from an issuer that is not trusted as unapproved (RFC 7591 §3.2.2)', async () => {
    await rejectsWith(
      await sign({ iss: 'https://other.example.com' }),
      'unapproved_software_statement',
    )
  })

  test('refuses a statement with a bad signature (RFC 7591 §3.2.2)', async () => {
    await rejectsWith(await sign({ iss: ISSUER }, { other: true }), 'invalid_software_statement')
  })

  test('refuses a statement signed with a key the issuer does not list (RFC 7591 §3.2.2)', async () => {
    await rejectsWith(
      await sign({ iss: ISSUER }, { kid: 'unknown', other: true }),
      'invalid_software_statement',
    )
  })

  test('refuses an expired statement beyond the 60 s leeway, accepts one within it (RFC 7519 §4.1.4)', async () => {
    await rejectsWith(await sign({ iss: ISSUER, exp: NOW - 61 }), 'invalid_software_statement')
    const fresh = await sign({ iss: ISSUER, exp: NOW - 30 })
    await resolveClientMetadata({ ...body, software_statement: fresh }, withIssuers(), { now: NOW })
  })

  test('refuses a statement not yet valid or issued in the future (RFC 7519 §4.1.5, §4.1.6)', async () => {
    await rejectsWith(await sign({ iss: ISSUER, nbf: NOW + 120 }), 'invalid_software_statement')
    await rejectsWith(await sign({ iss: ISSUER, iat: NOW + 120 }), 'invalid_software_statement')
  })

  test('refuses an unsigned statement (alg none) (RFC 7591 §2.3)', async () => {
    await rejectsWith(new UnsecuredJWT({ iss: ISSUER }).encode(), 'invalid_software_statement')
  })

  test('refuses a statement with no iss claim (RFC 7591 §2.3)', async () => {
    await rejectsWith(await sign({ client_name: 'x' }), 'invalid_software_statement')
  })

  test('refuses values that are not a well-formed JWS, even with no trusted issuers (RFC 7591 §3.2.2)', async () => {
    for (const statement of ['not-a-jwt', 'a.b.c', 42, '', 'eyJhbGciOiJub25lIn0.bm90IGpzb24.']) {
      await assert.rejects(
        resolveClientMetadata({ ...body, software_statement: statement }, policyOf({}), {
          now: NOW,
        }),
        (err: unknown) => isOAuthError(err) && err.code === 'invalid_software_statement',
        String(statement),
      )
    }
  })

  test('ignores a well-formed statement when the service trusts no issuer, and drops it (RFC 7591 §3.2.1)', async () => {
    const statement = await sign({ iss: 'https://anyone.example.com', client_name: 'Ignored' })
    const metadata = await resolveClientMetadata(
      { ...body, software_statement: statement },
      policyOf({}),
      {
        now: NOW,
      },
    )
    assert.equal(metadata.client_name, 'From the request')
    assert.equal(metadata.software_statement, undefined)
  })
})
