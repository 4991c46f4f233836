/**
 * The validation pipeline, top to bottom: a JSON object, its software statement, the members
 * we know, their shapes, defaults, normalisation, then the rules. The result is the effective
 * metadata to store.
 */
import {
  describeJsonProblem,
  isJsonObject,
  jsonProblem,
  OAuthError,
  type ClientMetadata,
  type JsonProblem,
} from '../wire/index.js'
import { applyDefaults } from './defaults.js'
import { normalise } from './normalise.js'
import { rulesFor, type RegistrationPolicy } from './policy.js'
import { checkRules } from './rules/index.js'
import { checkShapes, checkShapesWithoutJwks, keepKnownMembers } from './shapes.js'
import { applySoftwareStatement } from './software-statement.js'

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
  if (!isJsonObject(input)) {
    throw new OAuthError('invalid_client_metadata', 'client metadata must be a JSON object')
  }
  return input
}

/**
 * The error for metadata holding a value no store keeps as sent (a U+0000, an unpaired
 * surrogate, -0, too deep a nesting): named by its member, with the member's code.
 * @see CONTRACT.md "Bad input", RFC 7591 §3.2.2
 */
export function unstorableMetadata(problem: JsonProblem): OAuthError {
  const member = problem.pointer.split('/')[1]
  const code = member === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata'
  return new OAuthError(code, describeJsonProblem(problem))
}

function refuseUnstorable(metadata: Record<string, unknown>): void {
  const problem = jsonProblem(metadata)
  if (problem !== undefined) throw unstorableMetadata(problem)
}

/**
 * Validates requested client metadata and returns the effective metadata to store: defaults
 * applied, unknown members dropped, custom metadata kept, no null member. Throws only
 * OAuthError with invalid_redirect_uri, invalid_client_metadata, invalid_software_statement
 * or unapproved_software_statement.
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
      : await applySoftwareStatement(request, policy.trustedIssuers, options.now)
  // Every string, number and nesting, of the request and of the statement's claims alike.
  if (asserted !== request || options.parsedStorable !== true) refuseUnstorable(asserted)
  const known = keepKnownMembers(asserted, policy.customMetadata)
  // Only a JWK Set (jwks, the one jwk-set field) needs awaiting.
  const shaped = known.jwks === undefined ? checkShapesWithoutJwks(known) : await checkShapes(known)
  // A statement is kept only when a trusted issuer's keys verified it (software-statement.ts).
  const trusted = options.authenticated === true || asserted.software_statement !== undefined
  const rules = rulesFor(policy, trusted)
  const effective = normalise(applyDefaults(shaped, rules), rules)
  checkRules(effective, rules)
  return effective
}
