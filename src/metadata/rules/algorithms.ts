/**
 * JOSE algorithm rules: every *_alg and *_enc member names a known algorithm, encodings come
 * with their algorithm, and `none` only where a spec allows an unsigned result.
 * @see RFC 7518 §3.1, §4.1, §5.1, OIDC DCR §2, JARM §3, OIDC CIBA §4
 */
import { JWE_ALGORITHMS, JWE_ENCODINGS, JWS_ALGORITHMS, type Vocabulary } from '../vocabulary.js'
import { problemAt, withProblem, type Problem, type Rule } from './rule.js'

export const SIGNING_MEMBERS = [
  'token_endpoint_auth_signing_alg',
  'id_token_signed_response_alg',
  'userinfo_signed_response_alg',
  'request_object_signing_alg',
  'authorization_signed_response_alg',
  'backchannel_authentication_request_signing_alg',
] as const

/** Each encryption alg member beside its enc member. */
const ENCRYPTION = [
  ['id_token_encrypted_response_alg', 'id_token_encrypted_response_enc'],
  ['userinfo_encrypted_response_alg', 'userinfo_encrypted_response_enc'],
  ['request_object_encryption_alg', 'request_object_encryption_enc'],
  ['authorization_encrypted_response_alg', 'authorization_encrypted_response_enc'],
] as const

const ENCRYPTION_ALGS: readonly string[] = ENCRYPTION.map(([alg]) => alg)
const ENCRYPTION_ENCS: readonly string[] = ENCRYPTION.map(([, enc]) => enc)

/** A rule that each of `members`, when present, names a value of `vocabulary`. */
function knownValues(members: readonly string[], vocabulary: Vocabulary, spec: string): Rule {
  return {
    spec,
    code: 'invalid_client_metadata',
    check: (metadata) => {
      let problems: Problem[] | undefined
      for (const member of members) {
        const value = metadata[member]
        if (typeof value === 'string' && !vocabulary.values.includes(value)) {
          const description = `${member} ${value} is not a known algorithm`
          problems = withProblem(problems, { member, description })
        }
      }
      return problems
    },
  }
}

/** Signing members name a JWS algorithm (RFC 7518 §3.1). */
export const signingAlgorithmsAreKnown = knownValues(
  SIGNING_MEMBERS,
  JWS_ALGORITHMS,
  'OIDC DCR §2; RFC 7518 §3.1',
)

/** Key management members name a JWE algorithm (RFC 7518 §4.1). */
export const encryptionAlgorithmsAreKnown = knownValues(
  ENCRYPTION_ALGS,
  JWE_ALGORITHMS,
  'OIDC DCR §2; RFC 7518 §4.1',
)

/** Content encryption members name a JWE encoding (RFC 7518 §5.1). */
export const encryptionEncodingsAreKnown = knownValues(
  ENCRYPTION_ENCS,
  JWE_ENCODINGS,
  'OIDC DCR §2; RFC 7518 §5.1',
)

/** "When ..._enc is included, ..._alg MUST also be provided." */
export const encryptionEncRequiresAlg: Rule = {
  spec: 'OIDC DCR §2; JARM §3',
  code: 'invalid_client_metadata',
  check: (metadata) => {
    let problems: Problem[] | undefined
    for (const [alg, enc] of ENCRYPTION) {
      if (metadata[enc] !== undefined && metadata[alg] === undefined) {
        problems = withProblem(problems, { member: enc, description: `${enc} requires ${alg}` })
      }
    }
    return problems
  },
}

function notNone(member: (typeof SIGNING_MEMBERS)[number], spec: string): Rule {
  return {
    spec,
    code: 'invalid_client_metadata',
    check: (metadata) =>
      metadata[member] === 'none' ? problemAt(member, `${member} must not be none`) : undefined,
  }
}

/** "The value none MUST NOT be used." */
export const tokenEndpointAuthSigningAlgIsNotNone = notNone(
  'token_endpoint_auth_signing_alg',
  'OIDC DCR §2',
)

/** "The algorithm none is not allowed." */
export const authorizationSigningAlgIsNotNone = notNone(
  'authorization_signed_response_alg',
  'JARM §3',
)

/** The authentication request must be signed; none is not a signature. */
export const backchannelRequestSigningAlgIsNotNone = notNone(
  'backchannel_authentication_request_signing_alg',
  'OIDC CIBA §4',
)

/**
 * "The value none MUST NOT be used as the ID Token alg value unless the Client uses only
 * Response Types that return no ID Token from the Authorization Endpoint."
 */
export const idTokenSigningAlgIsNoneOnlyWithoutIdToken: Rule = {
  spec: 'OIDC DCR §2',
  code: 'invalid_client_metadata',
  check: ({ id_token_signed_response_alg: alg, response_types = [] }) =>
    alg === 'none' && response_types.some((type) => type.split(' ').includes('id_token'))
      ? problemAt(
          'id_token_signed_response_alg',
          'id_token_signed_response_alg none is not allowed with a response type returning an id_token',
        )
      : undefined,
}
