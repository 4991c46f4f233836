/**
 * An export as JSON lines: a header (the format and its version, Registrar's version, the
 * source's schema version, the time, how the export key was derived), then one line per
 * row, table by table in the order of MOVED_TABLES, and a last line with the count of
 * each table's rows, so that an import sees an export cut short. Rows are read in pages
 * by their key (keyset paging), all in one read transaction: a server writing meanwhile
 * changes nothing the export sees, and never more than a page is held in memory.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { SCHEMA_VERSION } from '../migrations.js'
import type { Database, Flavor } from '../schema.js'
import type { SecretBox } from '../secret-box.js'
import type { ExportCipher, ExportKeyHeader } from './export-key.js'
import { MOVED_TABLES, SKIPPED_TABLES, withSecrets, type MovedTable } from './tables.js'

export const EXPORT_FORMAT = 'registrar-export'
/** Raised when a change to the lines means an older import would misread them. */
export const EXPORT_FORMAT_VERSION = 1

export interface ExportHeader {
  format: typeof EXPORT_FORMAT
  formatVersion: number
  registrarVersion: string | null
  schemaVersion: number
  exportedAt: string
  key: ExportKeyHeader
  tables: string[]
  skipped: Record<string, string>
}

export type Row = Record<string, unknown>

/** One line of an export, parsed. */
export type ExportLine = { table: string; row: Row } | { end: { rows: Record<string, number> } }

const PAGE_ROWS = 1000

/** A table's rows as Kysely's untyped builder reads them: table names are data here. */
export type AnyDatabase = Kysely<Record<string, Row>>

export interface ExportSource {
  db: Kysely<Database>
  flavor: Flavor
  /** Opens the sealed secrets of the source. */
  secrets: SecretBox
  cipher: ExportCipher
  registrarVersion?: string
  now?: Date
}

/** The lines of an export of `source`, each a JSON text without its newline. */
export async function* exportLines(source: ExportSource): AsyncGenerator<string> {
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    registrarVersion: source.registrarVersion ?? null,
    schemaVersion: SCHEMA_VERSION,
    exportedAt: (source.now ?? new Date()).toISOString(),
    key: source.cipher.header,
    tables: MOVED_TABLES.map(({ name }) => name),
    skipped: { ...SKIPPED_TABLES },
  }
  yield JSON.stringify(header)
  const counts: Record<string, number> = {}
  for await (const [table, row] of readSnapshot(source)) {
    counts[table.name] = (counts[table.name] ?? 0) + 1
    yield JSON.stringify({ table: table.name, row: exportedRow(table, row, source) })
  }
  yield JSON.stringify({ end: { rows: counts } })
}

/** Every row of every moved table, in one read transaction held open while they are read. */
async function* readSnapshot(source: ExportSource): AsyncGenerator<[MovedTable, Row]> {
  let transaction = source.db.transaction()
  if (source.flavor === 'postgres') {
    transaction = transaction.setIsolationLevel('repeatable read').setAccessMode('read only')
  }
  // Kysely's transaction is a callback; the generator holds it open through a promise.
  let release!: () => void
  const done = new Promise<void>((resolve) => (release = resolve))
  let handed!: (trx: Transaction<Database>) => void
  const opened = new Promise<Transaction<Database>>((resolve) => (handed = resolve))
  const finished = transaction.execute(async (trx) => {
    handed(trx)
    await done
  })
  const trx = await Promise.race([opened, finished.then(() => undefined as never)])
  try {
    for (const table of MOVED_TABLES) {
      for await (const row of pagesOf(trx as unknown as AnyDatabase, table)) yield [table, row]
    }
  } finally {
    release()
    await finished
  }
}

/** A table's rows in key order, a page at a time. */
async function* pagesOf(db: AnyDatabase, table: MovedTable): AsyncGenerator<Row> {
  const key = table.key.map((column) => sql.ref(column))
  let after: unknown[] | undefined
  for (;;) {
    let query = db.selectFrom(table.name).selectAll()
    if (after) {
      const values = after.map((value) => sql.val(value))
      query = query.where(sql<boolean>`(${sql.join(key)}) > (${sql.join(values)})`)
    }
    for (const column of table.key) query = query.orderBy(sql.ref(column))
    const rows = await query.limit(PAGE_ROWS).execute()
    yield* rows
    if (rows.length < PAGE_ROWS) return
    const last = rows[rows.length - 1]!
    after = table.key.map((column) => last[column])
  }
}

/** The row as exported: each reversible secret opened and encrypted under the export key. */
function exportedRow(table: MovedTable, row: Row, source: ExportSource): Row {
  return withSecrets(table, row, (stored, { sealed, serviceApiKey, clientId, owner }) =>
    source.cipher.encrypt(
      sealed ? source.secrets.open(stored, serviceApiKey, clientId) : stored,
      owner,
    ),
  )
}
