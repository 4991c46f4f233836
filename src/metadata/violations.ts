/**
 * Violations: the problems of a request body as its answer lists them,
 * each with a JSON pointer (RFC 6901) into the request as sent. Shapes are checked on the
 * known members and rules on the effective metadata, so their problems are pointed back at
 * the request: a list item at its index as sent (normalisation keeps first occurrences), a
 * member the server replaced at the member, a member a software statement asserted at
 * `/software_statement`. Problems found before the rules have rule names of their own.
 * @see RFC 7591 §3.2.2
 */
import {
  describeJsonProblem,
  escapeToken,
  violationsError,
  type JsonProblem,
  type OAuthError,
  type Violation,
} from '../wire/index.js'
import type { Problem, RuleProblem } from './rules/index.js'
import type { ShapeProblem } from './shapes.js'

/** The rule names and specs of the problems found before the rules. */
const BEFORE_RULES = {
  /** The body is not JSON text. */
  json: 'RFC 7591 §3.1; RFC 8259 §2',
  /** The body is JSON but not an object. */
  jsonObject: 'RFC 7591 §3.1',
  /** A value no store keeps as sent: U+0000, an unpaired surrogate, -0, too deep a nesting. */
  storable: 'RFC 8259 §6, §8.2, §9',
  /** A software statement that is malformed, unverified or from an untrusted issuer. */
  softwareStatement: 'RFC 7591 §2.3, §3.2.2',
  /** A member whose value does not have its field's type (fields.ts). */
  shape: 'RFC 7591 §2',
} as const

function violation(
  pointer: string,
  rule: string,
  spec: string,
  error: Violation['error'],
  description: string,
): Violation {
  return { pointer, rule, spec, error, error_description: description }
}

/** The refusal of a request body that is not JSON text. */
export function notJson(): OAuthError {
  return violationsError([
    violation(
      '',
      'json',
      BEFORE_RULES.json,
      'invalid_client_metadata',
      'the request body is not valid JSON',
    ),
  ])
}

/** The refusal of a request body that is JSON but not an object. */
export function notJsonObject(description: string): OAuthError {
  return violationsError([
    violation('', 'jsonObject', BEFORE_RULES.jsonObject, 'invalid_client_metadata', description),
  ])
}

/**
 * The error for metadata holding a value no store keeps as sent (a U+0000, an unpaired
 * surrogate, -0, too deep a nesting): named by its member, with the member's code;
 * `pointer` says where it is in the request when that is not the problem's own.
 * @see RFC 7591 §3.2.2
 */
export function unstorableMetadata(problem: JsonProblem, pointer = problem.pointer): OAuthError {
  const member = problem.pointer.split('/')[1]
  const code = member === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata'
  return violationsError([
    violation(pointer, 'storable', BEFORE_RULES.storable, code, describeJsonProblem(problem)),
  ])
}

/** A software statement's refusal as the violation of its member. @see RFC 7591 §3.2.2 */
export function statementRefused(error: OAuthError): OAuthError {
  const refusal = violation(
    '/software_statement',
    'softwareStatement',
    BEFORE_RULES.softwareStatement,
    error.code,
    error.description,
  )
  return violationsError([refusal], error.cause)
}

/** The request as sent, and the same with a software statement's claims applied. */
export interface Origin {
  request: Record<string, unknown>
  asserted: Record<string, unknown>
}

/** Whether a member's value is a software statement's claim rather than the request's. */
export function isAsserted({ request, asserted }: Origin, member: string): boolean {
  return (
    asserted !== request && asserted[member] !== undefined && asserted[member] !== request[member]
  )
}

/**
 * The pointer into the request of a problem found in `source`, the member's value where the
 * problem was found.
 */
function pointerOf(origin: Origin, { member, index }: Problem, source: unknown): string {
  if (isAsserted(origin, member)) return '/software_statement'
  const pointer = `/${escapeToken(member)}`
  const sent = origin.request[member]
  if (index === undefined || !Array.isArray(sent)) return pointer
  if (sent === source) return `${pointer}/${index}`
  const at = Array.isArray(source) ? sent.indexOf(source[index]) : -1
  return at < 0 ? pointer : `${pointer}/${at}`
}

/**
 * Every violation: the shape problems in member order, then the rule problems in rule
 * order. A member refused for its shape is not reported again by a rule, which saw it absent.
 */
export function violationsOf(
  origin: Origin,
  effective: Record<string, unknown>,
  shapeProblems: readonly ShapeProblem[] = [],
  ruleProblems: readonly RuleProblem[] = [],
): Violation[] {
  const misshapen = new Set(shapeProblems.map(({ member }) => member))
  const shapes = shapeProblems.map((problem) =>
    violation(
      pointerOf(origin, problem, origin.asserted[problem.member]),
      'shape',
      BEFORE_RULES.shape,
      problem.code,
      problem.description,
    ),
  )
  const rules = ruleProblems
    .filter(({ member }) => !misshapen.has(member))
    .map((problem) =>
      violation(
        pointerOf(origin, problem, effective[problem.member]),
        problem.rule,
        problem.spec,
        problem.code,
        problem.description,
      ),
    )
  return [...shapes, ...rules]
}
