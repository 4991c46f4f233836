/**
 * Rows are checked before they are written, so a value no column can hold fails its own
 * write with UnstorableValueError, never the transaction (or group-commit batch) it would
 * share: PostgreSQL text cannot hold U+0000, a surrogate without its pair is not UTF-8,
 * `integer` columns hold 32 bits and ours read back as JS numbers (safe integers).
 */
import { UnstorableValueError } from '../engine/index.js'
import { MAX_INT32, textProblem } from '../wire/index.js'

/** The 32-bit integer columns (schema.ts); every other integer column is 64-bit. */
const INT32_COLUMNS = new Set(['max_uses', 'uses_left', 'dynamically_registered', 'version'])

/**
 * The columns holding JSON.stringify's text (rows.ts). That text is always storable: it
 * writes U+0000 as `\u0000` and an unpaired surrogate as a `\udxxx` escape (ES2019
 * well-formed JSON.stringify), so scanning it, a registration's longest strings, is skipped:
 * about 1 µs of the 1.3 µs a client row's check took over the corpus.
 */
const JSON_TEXT_COLUMNS = new Set(['metadata', 'extras', 'detail'])

/** Throws UnstorableValueError for the first column value of `row` that cannot be stored. */
export function checkStorable(row: Readonly<Record<string, unknown>>): void {
  for (const column of Object.keys(row)) {
    const value = row[column]
    if (typeof value === 'string') {
      if (JSON_TEXT_COLUMNS.has(column)) continue
      const problem = textProblem(value)
      if (problem !== undefined) throw new UnstorableValueError(column, problem)
    } else if (typeof value === 'number') {
      const limit = INT32_COLUMNS.has(column) ? MAX_INT32 : Number.MAX_SAFE_INTEGER
      if (!Number.isInteger(value) || Math.abs(value) > limit) {
        throw new UnstorableValueError(column, `must be an integer of at most ${limit}`)
      }
    }
  }
}

/**
 * The row `build` makes, checked: a JSON column whose value cannot be serialised (nested
 * too deep for JSON.stringify's recursion) is refused as that column's problem too.
 */
export function storableRow<Row extends Record<string, unknown>>(build: () => Row): Row {
  let row: Row
  try {
    row = build()
  } catch (error) {
    if (error instanceof RangeError) throw new UnstorableValueError('metadata', 'nests too deeply')
    throw error
  }
  checkStorable(row)
  return row
}
