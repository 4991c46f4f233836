/**
 * What commands print: JSON for scripts (`--json`, the API's answer as it came, times as
 * its numbers), aligned tables and key/value lists for people, times as ISO 8601 (UTC).
 * Everything goes to stdout; errors go to stderr through run().
 */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value ?? null, null, 2)}\n`)
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** Rows as an aligned table under the given column headings. */
export function printTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  const cells = [columns, ...rows.map((row) => row.map(cell))]
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)))
  for (const row of cells) {
    printLine(
      row
        .map((text, i) => (i === row.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
  }
  if (rows.length === 0) printLine('(none)')
}

/**
 * An object's members as `key  value` lines; undefined members are skipped, and numeric
 * times are shown as ISO 8601 (timeOf).
 */
export function printFields(record: object, keys: readonly string[] = Object.keys(record)): void {
  const entries = keys
    .map((key) => [key, timeOf(key, (record as Record<string, unknown>)[key])] as const)
    .filter(([, value]) => value !== undefined)
  const width = Math.max(0, ...entries.map(([key]) => key.length))
  for (const [key, value] of entries) printLine(`${key.padEnd(width)}  ${cell(value)}`)
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value))
    return value.every((v) => typeof v !== 'object') ? value.join(' ') : JSON.stringify(value)
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * A member's value, as ISO 8601 when it is a time by its name: Authlete's camelCase `...At`
 * members are milliseconds, RFC 7591's snake_case `..._at` members seconds (RFC 7591
 * §3.2.1: client_id_issued_at, client_secret_expires_at, 0 = never).
 */
function timeOf(key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value
  if (/[a-z]At$/.test(key)) return formatMillis(value)
  if (/_at$/.test(key)) return formatMillis(value * 1000)
  return value
}

/** Milliseconds since the epoch as an ISO date; 0 reads as "never". */
export function formatMillis(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined
  return ms === 0 ? 'never' : new Date(ms).toISOString()
}
