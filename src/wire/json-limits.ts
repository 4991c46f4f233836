/**
 * What any JSON Registrar accepts must be: text that both stores keep exactly as sent.
 * Strings are Unicode text (RFC 8259 §8.1: no U+0000, which PostgreSQL's text cannot hold,
 * and no unpaired surrogate, which is not Unicode and would be stored as U+FFFD); nesting
 * is at most MAX_JSON_DEPTH levels (storing a deeper value overflows the stack); numbers
 * are those JSON.stringify writes back as they came (RFC 8259 §6: no `-0`, no value that
 * overflows to Infinity or underflows to zero, no integer beyond 2^53 that loses digits).
 * @see CONTRACT.md "Bad input"
 */

/** The deepest nesting of arrays and objects accepted anywhere: `{"a":[1]}` is 2 levels. */
export const MAX_JSON_DEPTH = 32

/** Largest value of a 32-bit integer column (PostgreSQL `integer`), and of API counts. */
export const MAX_INT32 = 2_147_483_647

/** Where in a JSON value a problem is, as a JSON pointer (RFC 6901), and what it is. */
export interface JsonProblem {
  pointer: string
  problem: string
}

/** U+0000, or a surrogate that is not half of a pair (in `u` mode a pair is one code point). */
const NOT_TEXT = /[\0\p{Cs}]/u

/** Why a string cannot be stored as sent, or undefined. */
export function textProblem(text: string): string | undefined {
  if (!NOT_TEXT.test(text)) return undefined
  return text.includes('\0') ? 'must not contain U+0000' : 'must not contain an unpaired surrogate'
}

/** Why a number cannot be stored as sent, or undefined. */
function numberProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) return 'is a number out of range'
  if (Object.is(value, -0)) return 'must not be -0'
  return undefined
}

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * The first string (member names included), number or nesting in `value` that cannot be
 * stored as sent, depth first; undefined when there is none. Never descends more than
 * MAX_JSON_DEPTH levels, so any depth of input is safe to check.
 */
export function jsonProblem(value: unknown): JsonProblem | undefined {
  const path: string[] = []
  const problem = problemAt(value, 0, path)
  if (problem === undefined) return undefined
  return { pointer: path.map((token) => `/${escapeToken(token)}`).join(''), problem }
}

/**
 * The problem in `value`, with `path` left holding its member names and indexes. Checked
 * in place, building no pointer until there is a problem: this runs on every request.
 */
function problemAt(value: unknown, depth: number, path: string[]): string | undefined {
  if (typeof value === 'string') return textProblem(value)
  if (typeof value === 'number') return numberProblem(value)
  if (typeof value !== 'object' || value === null) return undefined
  if (depth >= MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = problemAt(value[index], depth + 1, path)
      if (problem !== undefined) {
        path.unshift(String(index))
        return problem
      }
    }
    return undefined
  }
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue
    const nameProblem = textProblem(name)
    const problem =
      nameProblem === undefined
        ? problemAt((value as Record<string, unknown>)[name], depth + 1, path)
        : `(its name) ${nameProblem}`
    if (problem !== undefined) {
      path.unshift(name)
      return problem
    }
  }
  return undefined
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Whether a character can be part of a JSON number token (RFC 8259 §6). */
const isNumberChar = (code: number) =>
  (code >= 0x30 && code <= 0x39) ||
  code === 0x2d ||
  code === 0x2b ||
  code === 0x2e ||
  code === 0x65 ||
  code === 0x45

/**
 * The number tokens of valid JSON text, in order: the runs of number characters outside
 * strings (`true`, `false` and `null` hold no `e` run on their own). A loop over char
 * codes: a regular expression with a string alternative costs several times as much.
 */
function* numberTokens(text: string): Generator<string> {
  let index = 0
  while (index < text.length) {
    const code = text.charCodeAt(index)
    if (code === QUOTE) {
      index++
      while (index < text.length && text.charCodeAt(index) !== QUOTE) {
        index += text.charCodeAt(index) === BACKSLASH ? 2 : 1
      }
      index++
    } else if (isNumberChar(code) && code !== 0x65 && code !== 0x45) {
      const start = index
      while (index < text.length && isNumberChar(text.charCodeAt(index))) index++
      yield text.slice(start, index)
    } else {
      index++
    }
  }
}

/** The smallest normal double: below it (subnormals) fewer digits survive. */
const MIN_NORMAL = 2.2250738585072014e-308

/** The significant digits of a decimal number's text: no sign, point, exponent or edge zeros. */
function significantDigits(text: string): string {
  const mantissa = text.toLowerCase().split('e')[0]
  return mantissa.replace(/[-+.]/g, '').replace(/^0+/, '').replace(/0+$/, '')
}

/**
 * The first number token of JSON text whose value JSON.parse changes, so that
 * JSON.stringify would write other digits back: one that underflows to zero (`1e-400`),
 * an integer beyond 2^53 (`9007199254740993`), more digits than a double holds
 * (`1.00000000000000001`); undefined when there is none. Fifteen significant digits or
 * fewer always survive in a normal double (IEEE 754 binary64). Overflow to Infinity and `-0` are visible
 * after parsing: jsonProblem finds them.
 */
export function lossyNumberToken(text: string): string | undefined {
  for (const token of numberTokens(text)) {
    const digits = significantDigits(token)
    if (digits === '') continue // a zero, however written
    const value = Number(token)
    if (digits.length <= 15 && Math.abs(value) >= MIN_NORMAL) continue
    if (significantDigits(String(value)) !== digits) return token
  }
  return undefined
}

/** A JSON pointer as a member name in an ASCII error description (RFC 6749 §5.2). */
export function describePointer(pointer: string): string {
  const ascii = pointer.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  const shown = ascii.length > 80 ? `${ascii.slice(0, 80)}...` : ascii
  return shown === '' ? 'the value' : shown.slice(1)
}

/** "member problem", for an error description. */
export function describeJsonProblem({ pointer, problem }: JsonProblem): string {
  return `${describePointer(pointer)} ${problem}`
}

/**
 * Parses JSON text and checks that every value in it can be stored as sent. Throws
 * SyntaxError for text that is not JSON, UnstorableJsonError for JSON that cannot be kept.
 */
export function parseStorableJson(text: string): unknown {
  const value: unknown = JSON.parse(text)
  const problem = jsonProblem(value)
  if (problem !== undefined) throw new UnstorableJsonError(problem)
  const token = lossyNumberToken(text)
  if (token !== undefined) {
    const shown = token.length > 40 ? `${token.slice(0, 40)}...` : token
    throw new UnstorableJsonError({
      pointer: pointerOfNumber(value, Number(token)) ?? '',
      problem: `is a number (${shown}) that cannot be kept as sent`,
    })
  }
  return value
}

/** The pointer of the first number equal to `target`, for naming a lossy number's member. */
function pointerOfNumber(value: unknown, target: number, pointer = ''): string | undefined {
  if (value === target) return pointer
  if (typeof value !== 'object' || value === null) return undefined
  for (const [name, member] of Object.entries(value)) {
    const found = pointerOfNumber(member, target, `${pointer}/${escapeToken(name)}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** JSON that parses but cannot be stored as sent (see jsonProblem). */
export class UnstorableJsonError extends Error {
  constructor(readonly detail: JsonProblem) {
    super(describeJsonProblem(detail))
    this.name = 'UnstorableJsonError'
  }
}
