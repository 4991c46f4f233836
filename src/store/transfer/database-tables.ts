/**
 * The tables and columns a database holds, as the database itself lists them: an import
 * takes only columns the destination has, and the transfer test checks that every table
 * is moved or knowingly left behind. PostgreSQL lists the schema the connection uses.
 */
import { sql, type Kysely } from 'kysely'
import type { Database, Flavor } from '../schema.js'

/** Each table's columns. */
export async function tableColumns(
  db: Kysely<Database>,
  flavor: Flavor,
): Promise<Map<string, Set<string>>> {
  const { rows } =
    flavor === 'postgres'
      ? await sql<{ table: string; column: string }>`select table_name as "table",
          column_name as "column" from information_schema.columns
          where table_schema = current_schema()`.execute(db)
      : await sql<{ table: string; column: string }>`select m.name as "table", c.name as "column"
          from sqlite_master m join pragma_table_info(m.name) c
          where m.type = 'table' and m.name not like 'sqlite_%'`.execute(db)
  const tables = new Map<string, Set<string>>()
  for (const { table, column } of rows) {
    const columns = tables.get(table) ?? new Set<string>()
    tables.set(table, columns.add(column))
  }
  return tables
}
