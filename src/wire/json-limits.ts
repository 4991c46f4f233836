/**
 * What any JSON Registrar accepts must be: text that both stores keep exactly as sent.
 * Strings are Unicode text (RFC 8259 §8.1: no U+0000, which PostgreSQL's text cannot hold,
 * and no unpaired surrogate, which is not Unicode and would be stored as U+FFFD); nesting
 * is at most MAX_JSON_DEPTH levels (storing a deeper value overflows the stack); numbers
 * are those JSON.stringify writes back as they came (RFC 8259 §6: no `-0`, no value that
 * overflows to Infinity or underflows to zero, no integer beyond 2^53 that loses digits).
 * @see README, "Security"
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

/** A member name or index as a JSON pointer reference token (RFC 6901 §3, §4). */
export const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1')

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
 * This runs on every request: one pass over the text (plainlyStorable) clears nearly all of
 * it; only text it cannot clear is checked value by value, which also names the problem.
 */
export function parseStorableJson(text: string): unknown {
  const value: unknown = JSON.parse(text)
  if (plainlyStorable(text)) return value
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

const OPEN_BRACKET = 0x5b
const OPEN_BRACE = 0x7b
const CLOSE_BRACKET = 0x5d
const CLOSE_BRACE = 0x7d
const MINUS = 0x2d
const LETTER_U = 0x75

const isDigit = (code: number) => code >= 0x30 && code <= 0x39
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff

/** The value of a hexadecimal digit's char code (valid JSON holds only hex digits after \u). */
const hexValue = (code: number) => (code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57)

/** The code unit a `\uXXXX` escape starting at `index` (its backslash) stands for. */
function escapedUnit(text: string, index: number): number {
  return (
    (hexValue(text.charCodeAt(index + 2)) << 12) |
    (hexValue(text.charCodeAt(index + 3)) << 8) |
    (hexValue(text.charCodeAt(index + 4)) << 4) |
    hexValue(text.charCodeAt(index + 5))
  )
}

/**
 * A `\u` escape or a surrogate code unit: without one, no string of the text can hold U+0000
 * (RFC 8259 §7 allows it only escaped) or a surrogate, and strings need not be read.
 */
const ESCAPE_OR_SURROGATE = /\\u|[\ud800-\udfff]/

/** The index after the closing quote of the string whose content starts at `from`. */
function endOfString(text: string, from: number): number {
  let end = text.indexOf('"', from)
  for (;;) {
    if (end < 0) return text.length
    let backslashes = 0
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++
    // An odd run of backslashes escapes the quote.
    if (backslashes % 2 === 0) return end + 1
    end = text.indexOf('"', end + 1)
  }
}

/**
 * The index after the closing quote of the string whose content starts at `from`, or -1
 * when the string may hold U+0000 or an unpaired surrogate: one escaped, or a surrogate not
 * paired with one written the same way (a pair half escaped, half raw is left to jsonProblem).
 */
function endOfCheckedString(text: string, from: number): number {
  const length = text.length
  let index = from
  while (index < length) {
    const unit = text.charCodeAt(index)
    if (unit === QUOTE) return index + 1
    if (unit === BACKSLASH) {
      if (text.charCodeAt(index + 1) !== LETTER_U) {
        index += 2
        continue
      }
      const escaped = escapedUnit(text, index)
      index += 6
      if (escaped === 0 || isLowSurrogate(escaped)) return -1
      if (isHighSurrogate(escaped)) {
        if (
          text.charCodeAt(index) !== BACKSLASH ||
          text.charCodeAt(index + 1) !== LETTER_U ||
          !isLowSurrogate(escapedUnit(text, index))
        ) {
          return -1
        }
        index += 6
      }
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      if (!isHighSurrogate(unit) || !isLowSurrogate(text.charCodeAt(index + 1))) return -1
      index += 2
    } else {
      index++
    }
  }
  return length
}

/**
 * Whether one pass over valid JSON text proves that jsonProblem and lossyNumberToken find
 * nothing in it: true for text whose brackets nest at most MAX_JSON_DEPTH levels, whose
 * strings hold no U+0000 and no surrogate outside a pair written the same way (two raw code
 * units, or two escapes; RFC 8259 §7, §8.1), and whose numbers JSON.parse keeps exactly
 * (RFC 8259 §6). False means only "look closer": the text may still be storable (a lone
 * surrogate is refused, but a pair half escaped and half raw is a pair; a duplicate member
 * name drops a value, RFC 8259 §4). Text that is not JSON must not be given.
 */
export function plainlyStorable(text: string): boolean {
  const length = text.length
  const checkStrings = ESCAPE_OR_SURROGATE.test(text)
  let depth = 0
  let index = 0
  while (index < length) {
    const code = text.charCodeAt(index)
    if (code === QUOTE) {
      index = checkStrings ? endOfCheckedString(text, index + 1) : endOfString(text, index + 1)
      if (index < 0) return false
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > MAX_JSON_DEPTH) return false
      index++
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--
      index++
    } else if (code === MINUS || isDigit(code)) {
      const start = index
      let digits = 0
      let nonZero = false
      let plain = true
      for (; index < length; index++) {
        const unit = text.charCodeAt(index)
        if (isDigit(unit)) {
          digits++
          if (unit !== 0x30) nonZero = true
        } else if (unit === 0x65 || unit === 0x45) {
          plain = false
        } else if (unit !== 0x2e && unit !== MINUS && unit !== 0x2b) {
          break
        }
      }
      // Without an exponent, at most 15 digits: finite, and when not zero at least 1e-14,
      // a normal double that keeps them all. A negative zero is refused.
      if (plain && digits <= 15 && (nonZero || code !== MINUS)) continue
      if (!numberKept(text.slice(start, index))) return false
    } else {
      index++
    }
  }
  return true
}

/** Whether JSON.parse reads a number token as a finite double, not -0, keeping its digits. */
function numberKept(token: string): boolean {
  const value = Number(token)
  if (numberProblem(value) !== undefined) return false
  const digits = significantDigits(token)
  if (digits === '' || (digits.length <= 15 && Math.abs(value) >= MIN_NORMAL)) return true
  return significantDigits(String(value)) === digits
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
