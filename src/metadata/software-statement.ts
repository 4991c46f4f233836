/**
 * Software statements (RFC 7591 §2.3): a JWT whose claims are client metadata asserted by an
 * issuer. Verified against the service's trusted issuers; a verified statement's claims take
 * precedence over the request's members (RFC 7591 §3.1.1). jose does the JOSE work.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose'
import { OAuthError, type TrustedIssuer } from '../wire/index.js'

/** Allowed clock skew for exp, nbf and iat, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 60

/** JWT claims that describe the statement, not the client; never stored as metadata. */
const STATEMENT_CLAIMS = ['iss', 'exp', 'iat', 'nbf', 'jti', 'aud']

const invalid = (description: string, cause?: unknown) =>
  new OAuthError('invalid_software_statement', description, { cause })

/** The claims of a well-formed JWS compact serialisation with a JSON object payload. */
function decodeStatement(statement: unknown): JWTPayload {
  if (typeof statement !== 'string') throw invalid('software_statement must be a JWT string')
  try {
    decodeProtectedHeader(statement)
    if (statement.split('.').length !== 3) throw new Error('not a JWS')
    return decodeJwt(statement)
  } catch (cause) {
    throw invalid('software_statement is not a well-formed signed JWT', cause)
  }
}

async function verifyWithIssuer(
  statement: string,
  issuer: TrustedIssuer,
  now: number,
): Promise<JWTPayload> {
  if (decodeProtectedHeader(statement).alg === 'none') {
    throw invalid('software_statement must be signed (alg none is refused)')
  }
  try {
    const { payload } = await jwtVerify(
      statement,
      createLocalJWKSet(issuer.jwks as JSONWebKeySet),
      {
        issuer: issuer.issuer,
        currentDate: new Date(now * 1000),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      },
    )
    if (typeof payload.iat === 'number' && payload.iat > now + CLOCK_TOLERANCE_SECONDS) {
      throw new Error('iat is in the future')
    }
    return payload
  } catch (cause) {
    throw invalid(
      `software_statement does not verify with the keys of issuer ${issuer.issuer}`,
      cause,
    )
  }
}

/**
 * Applies the request's software statement, if any. With no trusted issuers a well-formed
 * statement is ignored and dropped: the server returns a statement only when it used it
 * (RFC 7591 §3.2.1). Otherwise it must come from a
 * trusted issuer (else unapproved_software_statement) and verify (else
 * invalid_software_statement), and its claims then override the request's members.
 * @see RFC 7591 §2.3, §3.1.1, §3.2.2
 */
export async function applySoftwareStatement(
  input: Record<string, unknown>,
  trustedIssuers: readonly TrustedIssuer[],
  now: number,
): Promise<Record<string, unknown>> {
  const statement = input.software_statement
  if (statement === undefined || statement === null) return input
  const claims = decodeStatement(statement)
  if (trustedIssuers.length === 0) {
    const { software_statement: _unused, ...withoutStatement } = input
    return withoutStatement
  }
  if (typeof claims.iss !== 'string' || claims.iss === '') {
    throw invalid('software_statement has no iss claim')
  }
  const issuer = trustedIssuers.find((trusted) => trusted.issuer === claims.iss)
  if (issuer === undefined) {
    throw new OAuthError(
      'unapproved_software_statement',
      'software_statement issuer is not trusted',
    )
  }
  const verified = await verifyWithIssuer(statement as string, issuer, now)
  const asserted = Object.fromEntries(
    Object.entries(verified).filter(([name]) => !STATEMENT_CLAIMS.includes(name)),
  )
  return { ...input, ...asserted, software_statement: statement }
}
