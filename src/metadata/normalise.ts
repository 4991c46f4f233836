/**
 * Normalisation of the effective metadata: one spelling per value, no duplicates, no member
 * that only restates its default, and grant types consistent with response types. Runs after
 * defaults, before the rules. RFC 7591 §3.2.1 lets the server replace requested values.
 */
import type { ClientMetadata } from '../wire/index.js'
import { FIELDS } from './fields.js'
import type { RegistrationPolicy } from './policy.js'
import { normaliseResponseType } from './vocabulary.js'

/** Short lists are de-duplicated in place of a Set; both keep first occurrences (SameValueZero). */
const SHORT_LIST = 16

/** The values without repeats, first occurrences in order; always a new array. */
function unique<T>(values: readonly T[]): T[] {
  if (values.length > SHORT_LIST) return [...new Set(values)]
  const result: T[] = []
  for (const value of values) if (!result.includes(value)) result.push(value)
  return result
}

/**
 * The grant types each response type needs (OIDC DCR §2 "response_types", RFC 7591 §2.1,
 * OAuth 2.0 Multiple Response Type Encoding Practices §3 to §5).
 */
const GRANTS_NEEDED: ReadonlyMap<string, readonly string[]> = new Map([
  ['none', []],
  ['code', ['authorization_code']],
  ['token', ['implicit']],
  ['id_token', ['implicit']],
  ['code token', ['authorization_code', 'implicit']],
  ['code id_token', ['authorization_code', 'implicit']],
  ['id_token token', ['implicit']],
  ['code id_token token', ['authorization_code', 'implicit']],
])

/** A response type not in the table (a service's own) needs the grants of its words. */
function grantsNeededBy(responseType: string): readonly string[] {
  const known = GRANTS_NEEDED.get(responseType)
  if (known !== undefined) return known
  const words = responseType.split(' ')
  return [
    ...(words.includes('code') ? ['authorization_code'] : []),
    ...(words.includes('token') || words.includes('id_token') ? ['implicit'] : []),
  ]
}

/** Whether some response type needs the grant. */
function isUsed(grant: string, responseTypes: readonly string[]): boolean {
  return responseTypes.some((type) => grantsNeededBy(type).includes(grant))
}

/**
 * Keeps the supported grant and response types and makes the pair consistent by narrowing:
 * a response type whose grant is missing is dropped; authorization_code without a code
 * response type gains `code` when supported, else is dropped; implicit without a token or
 * id_token response type is dropped. The rule someGrantTypeIsSupported refuses a client left
 * with no grant type.
 * @see RFC 7591 §2.1, §3.2.1, OIDC DCR §2
 */
export function makeGrantsConsistent(
  grantTypes: readonly string[],
  responseTypes: readonly string[],
  policy: RegistrationPolicy,
): { grant_types: string[]; response_types: string[] } {
  let grants = unique(grantTypes).filter((grant) => policy.grantTypes.includes(grant))
  let responses = unique(responseTypes.map(normaliseResponseType)).filter(
    (type) =>
      policy.responseTypes.includes(type) &&
      grantsNeededBy(type).every((grant) => grants.includes(grant)),
  )
  if (grants.includes('authorization_code') && !isUsed('authorization_code', responses)) {
    if (policy.responseTypes.includes('code')) responses = [...responses, 'code']
    else grants = grants.filter((grant) => grant !== 'authorization_code')
  }
  if (grants.includes('implicit') && !isUsed('implicit', responses)) {
    grants = grants.filter((grant) => grant !== 'implicit')
  }
  return { grant_types: grants, response_types: responses }
}

/** Grants that obtain tokens on their own; refresh_token only renews what another grant got. */
const isUsableAlone = (grant: string) => grant !== 'refresh_token' && grant !== 'client_credentials'

/**
 * A public client's grants without client_credentials, which is for confidential clients only
 * (RFC 6749 §4.4), when another usable grant remains; else unchanged, and the rule
 * publicClientHasNoClientCredentials refuses the client.
 */
function withoutPublicClientCredentials(grants: string[], authMethod: unknown): string[] {
  if (authMethod !== 'none' || !grants.includes('client_credentials')) return grants
  return grants.some(isUsableAlone)
    ? grants.filter((grant) => grant !== 'client_credentials')
    : grants
}

/** Scope tokens single-spaced without duplicates; undefined when there are none (`""`). */
function normaliseScope(scope: string): string | undefined {
  const tokens = unique(scope.split(/\s+/).filter((token) => token !== ''))
  return tokens.length > 0 ? tokens.join(' ') : undefined
}

/**
 * Of the list members (uri-list or string-list), those that mean nothing when empty; grant
 * and response types do mean something.
 */
const isOptionalList = (name: string) => name !== 'grant_types' && name !== 'response_types'

/**
 * The normalised metadata: arrays de-duplicated, empty optional lists, `false` flags and a
 * zero default_max_age left out (Authlete cannot tell them from absence), `scope: ""`
 * meaning no scope, grant and response types made consistent, client_credentials dropped
 * from a public client that keeps another usable grant.
 * @see RFC 7591 §2, §3.2.1, OIDC DCR §2, RFC 6749 §3.3, §4.4
 */
export function normalise(metadata: ClientMetadata, policy: RegistrationPolicy): ClientMetadata {
  const result: ClientMetadata = {}
  for (const name of Object.keys(metadata)) {
    const value = metadata[name]
    const kind = FIELDS[name]?.kind
    if (kind === 'boolean' && value === false) continue
    // Authlete's defaultMaxAge 0 means none set, so 0 is replaced by absence, which the
    // answer shows (RFC 7591 §3.2.1 lets the server replace a requested value).
    if (name === 'default_max_age' && value === 0) continue
    if (Array.isArray(value) && (kind === 'uri-list' || kind === 'string-list')) {
      if (value.length === 0 && isOptionalList(name)) continue
      result[name] = unique(value)
    } else {
      result[name] = value
    }
  }
  if (result.scope !== undefined) {
    const scope = normaliseScope(result.scope)
    if (scope === undefined) delete result.scope
    else result.scope = scope
  }
  // Assigned, not spread into a new literal: same members in the same order, without V8's
  // slow path for a spread copy that gains members.
  const consistent = makeGrantsConsistent(
    result.grant_types ?? [],
    result.response_types ?? [],
    policy,
  )
  result.grant_types = withoutPublicClientCredentials(
    consistent.grant_types,
    result.token_endpoint_auth_method,
  )
  result.response_types = consistent.response_types
  return result
}
