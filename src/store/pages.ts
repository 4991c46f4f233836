/**
 * Listings answer a page of rows (`start` inclusive, `end` exclusive, as Authlete's list
 * APIs) with the count of all of them: two statements over one filtered query.
 */
import { sql, type SelectQueryBuilder } from 'kysely'
import type { Page, PageRequest } from '../engine/index.js'
import type { Database } from './schema.js'

/** `count(*) as "count"`, the SQL Kysely's countAll writes, for any table. */
const COUNT_ALL = sql<number>`count(*)`.as('count')

interface OrderedRows<Row> {
  limit(count: number): OrderedRows<Row>
  offset(start: number): OrderedRows<Row>
  execute(): Promise<Row[]>
}

/**
 * The page `page` asks of `rows` (the filtered `query`, ordered), with the count of all
 * the rows `query` finds. `toRecord` gets the row alone, never map's index.
 */
export async function readPage<Table extends keyof Database, Row, R>(
  page: PageRequest,
  query: SelectQueryBuilder<Database, Table, object>,
  rows: OrderedRows<Row>,
  toRecord: (row: Row) => R,
): Promise<Page<R>> {
  const { count } = await query.select(COUNT_ALL).executeTakeFirstOrThrow()
  const start = Math.max(0, Math.floor(page.start))
  const found = await rows
    .limit(Math.max(0, Math.floor(page.end) - start))
    .offset(start)
    .execute()
  return {
    start: page.start,
    end: page.end,
    totalCount: Number(count),
    items: found.map((row) => toRecord(row)),
  }
}
