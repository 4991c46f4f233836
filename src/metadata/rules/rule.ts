/**
 * The shape of a metadata rule: one spec sentence, the error code it earns, and a check that
 * finds every problem or nothing. Rules see the effective metadata (defaults applied) and the
 * service's policy; a problem names the member (and item) it is in, which resolve.ts turns
 * into a JSON pointer into the request as sent.
 */
import type { ClientMetadata, METADATA_ERROR_CODES } from '../../wire/index.js'
import type { RegistrationPolicy } from '../policy.js'

/** The codes a metadata problem can earn (RFC 7591 §3.2.2). */
export type MetadataErrorCode = (typeof METADATA_ERROR_CODES)[number]

/** One problem a rule finds: where it is in the effective metadata, and what it is. */
export interface Problem {
  /** The member at fault, or the member that is missing. */
  member: string
  /** The item at fault of a list member, by its index in the effective metadata. */
  index?: number
  /** What is wrong, naming the member. */
  description: string
}

/** @see RFC 7591 §3.2.2 */
export interface Rule {
  /** Where the requirement comes from, e.g. `RFC 7591 §2`. */
  spec: string
  code: MetadataErrorCode
  /**
   * Every problem, in the order of the metadata; undefined when satisfied, so that a
   * satisfied rule allocates nothing.
   */
  check: (metadata: ClientMetadata, policy: RegistrationPolicy) => Problem[] | undefined
}

/** The problems of a rule that finds one problem at a member. */
export function problemAt(member: string, description: string): Problem[] {
  return [{ member, description }]
}

/** Adds a problem to a list created with the first one. */
export function withProblem(problems: Problem[] | undefined, problem: Problem): Problem[] {
  if (problems === undefined) return [problem]
  problems.push(problem)
  return problems
}

/**
 * The problems `describe` finds with the items of a list member, one per item. `context` is
 * handed to `describe`, so rules pass module-level functions rather than a new closure per call.
 */
export function itemProblems<C>(
  member: string,
  items: readonly string[],
  describe: (item: string, context: C) => string | undefined,
  context: C,
): Problem[] | undefined {
  let problems: Problem[] | undefined
  for (let index = 0; index < items.length; index++) {
    const description = describe(items[index] as string, context)
    if (description !== undefined) problems = withProblem(problems, { member, index, description })
  }
  return problems
}
