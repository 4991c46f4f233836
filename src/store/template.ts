/**
 * A statement compiled once with its arguments as named placeholders, as plain data: it
 * can be bound, with new values each time, wherever it runs, another thread included
 * (audit-seal.ts). precompiled.ts makes them.
 */

export interface StatementTemplate {
  sql: string
  /** Each parameter's value when it is a constant of the statement. */
  constants: readonly unknown[]
  /** Each parameter's argument name, or null for a constant. */
  sources: readonly (string | null)[]
}

/** SQL text and values, as a driver runs them (the SQLite worker's WireStatement). */
export type BoundStatement = [sql: string, parameters: readonly unknown[]]

/** The template's parameters with `args` in the places of their names. */
export function bindParameters(
  template: StatementTemplate,
  args: Readonly<Record<string, unknown>>,
): unknown[] {
  return template.sources.map((name, index) =>
    name === null ? template.constants[index] : args[name],
  )
}

/** The template's SQL with its parameters bound (bindParameters). */
export function bindTemplate(
  template: StatementTemplate,
  args: Readonly<Record<string, unknown>>,
): BoundStatement {
  return [template.sql, bindParameters(template, args)]
}
