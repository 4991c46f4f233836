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

/** Throws UnstorableValueError for the first column value of `row` that cannot be stored. */
export function checkStorable(row: Readonly<Record<string, unknown>>): void {
  for (const [column, value] of Object.entries(row)) {
    if (typeof value === 'string') {
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
