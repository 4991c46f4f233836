/**
 * The validation pipeline, top to bottom: a JSON object, its software statement, the members
 * we know, their shapes, defaults, normalisation, then the rules. The result is the effective
 * metadata to store.
 */
import {
  isJsonObject,
  isOAuthError,
  jsonProblem,
  violationsError,
  type ClientMetadata,
} from '../wire/index.js'
import { applyDefaults } from './defaults.js'
import { normalise } from './normalise.js'
import { rulesFor, type RegistrationPolicy } from './policy.js'
import { checkRules } from './rules/index.js'
import { checkShapes, checkShapesWithoutJwks, keepKnownMembers } from './shapes.js'
import { applySoftwareStatement } from './software-statement.js'
import {
  isAsserted,
  notJsonObject,
  statementRefused,
  unstorableMetadata,
  violationsOf,
  type Origin,
} from './violations.js'

export interface ResolveOptions {
  /** Seconds since the epoch, for software statement exp / nbf / iat. */
  now: number
  /**
   * The input is (a copy of members of) a value parseStorableJson returned, so every value in
   * it is already known storable and is not walked again; a software statement's claims are.
   */
  parsedStorable?: boolean
  /**
   * The registration came with a valid initial access token (RFC 7591 §3), so the policy's
   * anonymous rules do not apply; nor do they to a request whose statement verifies.
   */
  authenticated?: boolean
}

function asJsonObject(input: unknown): Record<string, unknown> {
  if (!isJsonObject(input)) throw notJsonObject('client metadata must be a JSON object')
  return input
}

async function assertStatement(
  request: Record<string, unknown>,
  policy: RegistrationPolicy,
  now: number,
): Promise<Record<string, unknown>> {
  try {
    return await applySoftwareStatement(request, policy.trustedIssuers, now)
  } catch (error) {
    throw isOAuthError(error) ? statementRefused(error) : error
  }
}

/** A member a statement asserted is pointed at as the statement. */
function refuseUnstorable(origin: Origin): void {
  const problem = jsonProblem(origin.asserted)
  if (problem === undefined) return
  const member = (problem.pointer.split('/')[1] ?? '').replaceAll('~1', '/').replaceAll('~0', '~')
  const asserted = isAsserted(origin, member)
  throw unstorableMetadata(problem, asserted ? '/software_statement' : problem.pointer)
}

/**
 * Validates requested client metadata and returns the effective metadata to store: defaults
 * applied, unknown members dropped, custom metadata kept, no null member. Throws only
 * OAuthError with invalid_redirect_uri, invalid_client_metadata, invalid_software_statement
 * or unapproved_software_statement, carrying every violation: a body that
 * is not an object, an unusable statement or an unstorable value is that one violation;
 * otherwise every shape and rule violation is listed.
 * @see RFC 7591 §2, §2.3, §3.1.1, §3.2.2, OIDC DCR §2, RFC 8252 §7
 */
export async function resolveClientMetadata(
  input: unknown,
  policy: RegistrationPolicy,
  options: ResolveOptions,
): Promise<ClientMetadata> {
  const request = asJsonObject(input)
  // Without a statement applySoftwareStatement returns the request itself: no need to await.
  const asserted =
    request.software_statement === undefined || request.software_statement === null
      ? request
      : await assertStatement(request, policy, options.now)
  const origin: Origin = { request, asserted }
  // Every string, number and nesting, of the request and of the statement's claims alike.
  if (asserted !== request || options.parsedStorable !== true) refuseUnstorable(origin)
  const known = keepKnownMembers(asserted, policy.customMetadata)
  // Only a JWK Set (jwks, the one jwk-set field) needs awaiting. Members at fault are
  // removed, so the rules still run and every violation is reported.
  const shapeProblems =
    known.jwks === undefined ? checkShapesWithoutJwks(known) : await checkShapes(known)
  // A statement is kept only when a trusted issuer's keys verified it (software-statement.ts).
  const trusted = options.authenticated === true || asserted.software_statement !== undefined
  const rules = rulesFor(policy, trusted)
  const effective = normalise(applyDefaults(known as ClientMetadata, rules), rules)
  const ruleProblems = checkRules(effective, rules)
  if (shapeProblems !== undefined || ruleProblems !== undefined) {
    throw violationsError(violationsOf(origin, effective, shapeProblems, ruleProblems))
  }
  return effective
}
