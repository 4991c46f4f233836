/**
 * Queries built and compiled once, then run with new values. Building a Kysely query
 * makes a tree of frozen nodes and compiling walks it again, on every call; for a
 * short lookup that is several microseconds, as much as SQLite's own work. Yet a hot
 * query's SQL never changes, only its parameters, so:
 *
 *   const getThing = precompile((db, args: { id: number }) =>
 *     db.selectFrom('things').selectAll().where('id', '=', args.id))
 *   const { rows } = await getThing(db, { id: 7 })
 *
 * The first run builds the query with a placeholder in place of each argument and
 * compiles it for its database; Kysely lists the placeholders among the compiled
 * parameters, in the order the SQL binds them. Every run then binds its own values in
 * their places. The same code serves SQLite and PostgreSQL: only the compiled text
 * differs, and each store compiles its own.
 *
 * The builder must use each argument as a value only (never look into it, as its
 * value is a placeholder then), and a query's arguments must always have the same
 * members (taken from the first run).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely'
import { bindParameters, type StatementTemplate } from './template.js'

/** Stands in for the argument `name` while the query is compiled. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** Runs the query on `executor` (a database or a transaction) with `args` bound. */
export type PrecompiledQuery<D, A, R> = (executor: Kysely<D>, args: A) => Promise<QueryResult<R>>

/** The query compiled for `executor`'s database, with `args` bound: SQL text and values. */
export type BoundQuery<D, A, R> = (executor: Kysely<D>, args: A) => CompiledQuery<R>

export function precompile<D, A extends Record<string, unknown>, R>(
  build: (db: Kysely<D>, args: A) => Compilable<R>,
): PrecompiledQuery<D, A, R> {
  const bind = compileOnce(build)
  // The executor may be a transaction: it runs the SQL on its own connection.
  return (executor, args) => executor.executeQuery(bind(executor, args))
}

/** As precompile, for a caller that runs the compiled query elsewhere (another thread). */
export function compileOnce<D, A extends Record<string, unknown>, R>(
  build: (db: Kysely<D>, args: A) => Compilable<R>,
): BoundQuery<D, A, R> {
  let compiled: { query: CompiledQuery<R>; template: StatementTemplate } | undefined
  return (executor, args) => {
    compiled ??= compileTemplate(executor, build, Object.keys(args))
    return { ...compiled.query, parameters: bindParameters(compiled.template, args) }
  }
}

/**
 * The query `build` makes, compiled for `executor`'s database with a placeholder for each
 * argument in `names`: the compiled query, and its template (template.ts) to bind anywhere.
 */
export function compileTemplate<D, A extends Record<string, unknown>, R>(
  executor: Kysely<D>,
  build: (db: Kysely<D>, args: A) => Compilable<R>,
  names: readonly string[],
): { query: CompiledQuery<R>; template: StatementTemplate } {
  const placeholders = Object.fromEntries(names.map((name) => [name, new Placeholder(name)]))
  const query = build(executor, placeholders as A).compile()
  const sources = query.parameters.map((value) =>
    value instanceof Placeholder ? value.name : null,
  )
  // An argument the builder looked into, or left out, would be bound wrongly or not at all.
  const unbound = names.filter((name) => !sources.includes(name))
  if (unbound.length > 0) throw new Error(`arguments not bound: ${unbound.join(', ')}`)
  return { query, template: { sql: query.sql, constants: query.parameters, sources } }
}
