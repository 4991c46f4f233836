/**
 * Prepared statements kept for reuse. Kysely's SQLite driver calls `prepare(sql)` for
 * every query it runs, and compiling SQL is most of what a short lookup costs
 * (sqlite3_prepare parses, plans and allocates each time). The store's SQL texts are
 * few and fixed, so the database handed to Kysely returns the statement it prepared for
 * the same text before. The driver only runs a statement (reader / all / run / iterate)
 * and never changes its modes, and better-sqlite3 resets a statement and rebinds its
 * parameters on every run, so one statement serves any number of queries. SQLite
 * re-prepares a kept statement by itself when the schema changes under it.
 */
import type { Database as BetterSqlite3Database, Statement } from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** Enough for every query the store runs, with room for listing variants and migrations. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 256

export interface CachingDatabase extends SqliteDatabase {
  /** How many `prepare` calls a kept statement answered, and how many compiled SQL. */
  readonly stats: { hits: number; misses: number; size: number }
}

/**
 * `database` as Kysely's SqliteDialect wants it, with `prepare` answered from a cache
 * of at most `capacity` statements; the least recently used one is dropped first.
 */
export function cachingStatements(
  database: BetterSqlite3Database,
  capacity = DEFAULT_STATEMENT_CACHE_SIZE,
): CachingDatabase {
  // A Map iterates in insertion order; re-inserting on each hit keeps the oldest first.
  const statements = new Map<string, Statement<unknown[]>>()
  const stats = { hits: 0, misses: 0, size: 0 }
  return {
    get stats() {
      return { ...stats, size: statements.size }
    },
    prepare(sql: string): SqliteStatement {
      const kept = statements.get(sql)
      // A statement still being iterated (Kysely's stream()) cannot run a second query
      // at the same time; that rare caller gets a statement of its own.
      if (kept?.busy) return database.prepare(sql)
      if (kept) {
        stats.hits++
        statements.delete(sql)
        statements.set(sql, kept)
        return kept
      }
      stats.misses++
      const statement = database.prepare(sql)
      statements.set(sql, statement)
      if (statements.size > capacity) statements.delete(statements.keys().next().value!)
      return statement
    },
    close(): void {
      // Closing the database finalizes its statements.
      statements.clear()
      database.close()
    },
  }
}
