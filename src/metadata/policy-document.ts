/**
 * Whether a policy document (wire/policy.ts) means something: its shape is the schema's
 * concern, its values are this module's. A value Registrar would never meet (a grant type it
 * does not know, a host that is not one) is a mistake the operator should hear of at once,
 * not a rule that silently refuses every client.
 */
import {
  CLIENT_METADATA_MEMBERS,
  type Policy,
  type PolicyRuleSet,
  type RateLimits,
} from '../wire/index.js'
import { SCOPE } from './rules/scope.js'
import { checkShapesWithoutJwks } from './shapes.js'
import {
  GRANT_TYPES,
  JWS_ALGORITHMS,
  RESPONSE_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  normaliseResponseType,
  type Vocabulary,
} from './vocabulary.js'

/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
const SCHEME = /^[a-z][a-z0-9+.-]*$/i
/** A DNS name or IP literal, optionally `*.` for every subdomain of it. */
const HOST = /^(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i

const MEMBERS: ReadonlySet<string> = new Set(CLIENT_METADATA_MEMBERS.map(([name]) => name))

function unknownValue(
  field: string,
  values: readonly string[] | undefined,
  known: (value: string) => boolean,
  what: string,
): string | undefined {
  const value = values?.find((candidate) => !known(candidate))
  return value === undefined ? undefined : `${field}: '${value}' is not ${what}`
}

const known =
  (vocabulary: Vocabulary, normalise = (value: string) => value) =>
  (value: string) =>
    vocabulary.values.includes(normalise(value))

function ruleSetProblem(rules: PolicyRuleSet, prefix: string): string | undefined {
  const at = (field: string) => `${prefix}${field}`
  return (
    unknownValue(
      at('redirectUris.schemes'),
      rules.redirectUris?.schemes,
      (scheme) => SCHEME.test(scheme),
      'a URI scheme (RFC 3986 §3.1)',
    ) ??
    unknownValue(
      at('redirectUris.hosts'),
      rules.redirectUris?.hosts,
      (host) => HOST.test(host),
      'a host name, an IP literal or *.domain',
    ) ??
    unknownValue(at('grantTypes'), rules.grantTypes, known(GRANT_TYPES), 'a known grant type') ??
    unknownValue(
      at('responseTypes'),
      rules.responseTypes,
      known(RESPONSE_TYPES, normaliseResponseType),
      'a known response type',
    ) ??
    unknownValue(
      at('tokenEndpointAuthMethods'),
      rules.tokenEndpointAuthMethods,
      known(TOKEN_ENDPOINT_AUTH_METHODS),
      'a known token endpoint auth method',
    ) ??
    unknownValue(
      at('signingAlgorithms'),
      rules.signingAlgorithms,
      known(JWS_ALGORITHMS),
      'a known JWS algorithm',
    ) ??
    unknownValue(
      at('scopes'),
      rules.scopes,
      (scope) => SCOPE.test(scope) && !scope.includes(' '),
      'one scope token (RFC 6749 §3.3)',
    ) ??
    unknownValue(
      at('requiredMembers'),
      rules.requiredMembers,
      (member) => MEMBERS.has(member),
      'a client metadata member',
    ) ??
    defaultScopeProblem(rules, at('defaultScope')) ??
    forcedMembersProblem(rules, at('forcedMembers'))
  )
}

/** A default scope is a scope (RFC 6749 §3.3) the allow-list, when there is one, allows. */
function defaultScopeProblem(rules: PolicyRuleSet, field: string): string | undefined {
  const { defaultScope, scopes } = rules
  if (defaultScope === undefined) return undefined
  if (!SCOPE.test(defaultScope)) return `${field} must be space-separated scope tokens`
  const outside = defaultScope.split(' ').find((token) => scopes && !scopes.includes(token))
  return outside === undefined ? undefined : `${field}: ${outside} is not among scopes`
}

/** Members a policy cannot set: only an issuer asserts a statement (RFC 7591 §2.3), and keys are the client's own. */
const NOT_FORCED: ReadonlySet<string> = new Set(['software_statement', 'jwks', 'jwks_uri'])

/** Each forced member is a client metadata member a policy may set, with the member's shape. */
function forcedMembersProblem(rules: PolicyRuleSet, field: string): string | undefined {
  const forced = rules.forcedMembers ?? {}
  const member = Object.keys(forced).find((name) => !MEMBERS.has(name) || NOT_FORCED.has(name))
  if (member !== undefined)
    return `${field}: '${member}' is not a client metadata member it may set`
  // A copy: the shape check removes the members it refuses.
  const [problem] = checkShapesWithoutJwks({ ...forced }) ?? []
  return problem === undefined ? undefined : `${field}: ${problem.description}`
}

/**
 * Probation scopes are scope tokens, and a default scope anonymous clients would be given is
 * on the probation list: otherwise every client that asks for no scope is refused.
 */
function probationProblem(document: Policy): string | undefined {
  const { probation } = document
  if (probation?.scopes === undefined) return undefined
  const field = 'probation.scopes'
  const listed = probation.scopes
  const problem = unknownValue(
    field,
    listed,
    (scope) => SCOPE.test(scope) && !scope.includes(' '),
    'one scope token (RFC 6749 §3.3)',
  )
  if (problem !== undefined) return problem
  const [at, defaultScope] =
    document.anonymous?.defaultScope === undefined
      ? ['defaultScope', document.defaultScope]
      : ['anonymous.defaultScope', document.anonymous.defaultScope]
  const outside = defaultScope?.split(' ').find((token) => !listed.includes(token))
  return outside === undefined ? undefined : `${at}: ${outside} is not among ${field}`
}

/** A bucket's slowest refill: one registration a day, so no Retry-After exceeds a day. */
const MIN_REFILL_PER_MINUTE = 1 / 1440

function rateLimitsProblem(rateLimits: RateLimits | undefined): string | undefined {
  for (const [name, bucket] of Object.entries(rateLimits ?? {})) {
    if (bucket.refillPerMinute < MIN_REFILL_PER_MINUTE) {
      return `rateLimits.${name}.refillPerMinute: ${bucket.refillPerMinute} refills less than one registration a day`
    }
  }
  return undefined
}

/**
 * What is wrong with a policy document's values, or undefined when nothing is. The message
 * names the field, as `anonymous.scopes`.
 */
export function policyDocumentProblem(document: Policy): string | undefined {
  return (
    ruleSetProblem(document, '') ??
    (document.anonymous && ruleSetProblem(document.anonymous, 'anonymous.')) ??
    probationProblem(document) ??
    rateLimitsProblem(document.rateLimits)
  )
}
