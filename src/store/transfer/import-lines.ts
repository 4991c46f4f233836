/**
 * Reads an export (export-lines.ts) into an empty database. The header is checked first,
 * the export key with it, before the database is opened: a newer format, another schema
 * version or a wrong key is refused with the database untouched. The rows then go in, in batches of
 * multi-row inserts, all in one transaction: an export cut short, a row the destination
 * cannot take or a secret that does not open rolls everything back. Each secret is opened
 * with the export key and, where the store seals it, sealed under the destination's
 * keyring. Numbers are kept, and PostgreSQL's sequences are moved past them.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { SCHEMA_VERSION } from '../migrations.js'
import type { Database, Flavor } from '../schema.js'
import type { SecretBox } from '../secret-box.js'
import { tableColumns } from './database-tables.js'
import { importCipher, type ExportCipher } from './export-key.js'
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  type AnyDatabase,
  type ExportHeader,
  type ExportLine,
  type Row,
} from './export-lines.js'
import {
  FRESH_CHAIN,
  MOVED_TABLES,
  NUMBERED_TABLES,
  withSecrets,
  type MovedTable,
} from './tables.js'

export interface ImportTarget {
  db: Kysely<Database>
  flavor: Flavor
  /** Seals client secrets under the destination's keyring. */
  secrets: SecretBox
}

export interface ImportReport {
  header: ExportHeader
  /** Rows imported, by table. */
  rows: Record<string, number>
}

/** Bound parameters one insert carries at most: under SQLite's 32766 and PostgreSQL's 65535. */
const MAX_PARAMETERS = 30_000
const MAX_BATCH_ROWS = 500

/** An export whose header was read and whose key opens it; `rest` yields its other lines. */
export interface OpenedExport {
  header: ExportHeader
  cipher: ExportCipher
  rest: AsyncIterable<string>
}

/**
 * Reads the header of the export `lines` yields (without their newlines) and checks the
 * export key against it: a refusal here has touched no database.
 */
export async function openExport(
  keyText: string,
  lines: AsyncIterable<string>,
): Promise<OpenedExport> {
  const iterator = lines[Symbol.asyncIterator]()
  const first = await iterator.next()
  if (first.done) throw new Error('the export is empty: it has no header line')
  const header = checkHeader(parseLine(first.value, 1))
  const cipher = importCipher(keyText, header.key)
  return { header, cipher, rest: { [Symbol.asyncIterator]: () => iterator } }
}

/** Imports the rows of an opened export into the empty database of `target`. */
export async function importLines(
  target: ImportTarget,
  { header, cipher, rest }: OpenedExport,
): Promise<ImportReport> {
  const columns = await tableColumns(target.db, target.flavor)
  const rows = await target.db.transaction().execute(async (trx) => {
    await refuseUnlessEmpty(trx)
    await trx.deleteFrom('audit_chains').execute()
    const loader = new BatchLoader(trx as unknown as AnyDatabase, columns, cipher, target.secrets)
    const counts = await loader.load(rest)
    if (target.flavor === 'postgres') await moveSequences(trx)
    return counts
  })
  return { header, rows }
}

function parseLine(text: string, number: number): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`line ${number} of the export is not JSON: the file is damaged`)
  }
}

function checkHeader(value: unknown): ExportHeader {
  const header = value as Partial<ExportHeader> | null
  if (
    header?.format !== EXPORT_FORMAT ||
    typeof header.formatVersion !== 'number' ||
    typeof header.key?.check !== 'string'
  ) {
    throw new Error('this is not a Registrar export: its first line is not the export header')
  }
  if (header.formatVersion > EXPORT_FORMAT_VERSION) {
    throw new Error(
      `the export is in format ${header.formatVersion}, newer than this Registrar reads ` +
        `(${EXPORT_FORMAT_VERSION}): import it with Registrar ${header.registrarVersion ?? 'of its version'} or newer`,
    )
  }
  const by = `Registrar ${header.registrarVersion ?? 'of its version'}`
  if (typeof header.schemaVersion !== 'number' || header.schemaVersion > SCHEMA_VERSION) {
    throw new Error(
      `the export comes from schema version ${header.schemaVersion}, newer than this Registrar ` +
        `knows (${SCHEMA_VERSION}): import it with ${by} or newer`,
    )
  }
  // Rows of an older schema would miss what the later migrations do to existing rows.
  if (header.schemaVersion < SCHEMA_VERSION) {
    throw new Error(
      `the export comes from schema version ${header.schemaVersion}, older than this ` +
        `Registrar's (${SCHEMA_VERSION}): export again with this version (an export brings ` +
        `the source's schema up to date first), or import with ${by} and then upgrade`,
    )
  }
  return header as ExportHeader
}

/** Throws unless every moved table is empty (the chain's row as a new database has it). */
async function refuseUnlessEmpty(trx: Transaction<Database>): Promise<void> {
  const db = trx as unknown as AnyDatabase
  for (const { name } of MOVED_TABLES) {
    let query = db.selectFrom(name).select(sql<number>`1`.as('one'))
    if (name === 'audit_chains') {
      query = query.where((eb) =>
        eb.or([
          eb('head_seq', '<>', FRESH_CHAIN.head_seq),
          eb('pruned_seq', '<>', FRESH_CHAIN.pruned_seq),
        ]),
      )
    }
    if (await query.limit(1).executeTakeFirst()) {
      throw new Error(
        `the destination database is not empty (it has ${name}): import into a new database`,
      )
    }
  }
}

/** Sets each sequence past the largest number imported, so new rows draw fresh numbers. */
async function moveSequences(trx: Transaction<Database>): Promise<void> {
  for (const table of NUMBERED_TABLES) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'number'),
      coalesce((select max(number) from ${sql.table(table)}), 0) + 1, false)`.execute(trx)
  }
}

/** Collects a table's rows into multi-row inserts, checking each line on its way. */
class BatchLoader {
  readonly #counts: Record<string, number> = {}
  readonly #tables = new Map(MOVED_TABLES.map((table) => [table.name as string, table]))
  #batch: Row[] = []
  #table: MovedTable | undefined
  #ended = false

  constructor(
    readonly db: AnyDatabase,
    readonly columns: Map<string, Set<string>>,
    readonly cipher: ExportCipher,
    readonly secrets: SecretBox,
  ) {}

  async load(lines: AsyncIterable<string>): Promise<Record<string, number>> {
    let number = 1
    for await (const text of lines) {
      number++
      if (text.trim() === '') continue
      if (this.#ended) throw new Error(`line ${number} follows the export's last line`)
      const line = parseLine(text, number) as ExportLine | null
      if (typeof line !== 'object' || line === null) {
        throw new Error(`line ${number} is not a row of a table an export holds`)
      }
      if ('end' in line) await this.#end(line.end.rows)
      else await this.#add(line, number)
    }
    if (!this.#ended) throw new Error('the export ends before its last line: it was cut short')
    return this.#counts
  }

  async #add(line: { table: string; row: Row }, number: number): Promise<void> {
    const table = this.#tables.get(line.table)
    if (!table || typeof line.row !== 'object' || line.row === null) {
      throw new Error(`line ${number} is not a row of a table an export holds`)
    }
    const known = this.columns.get(table.name)!
    const unknown = Object.keys(line.row).find((column) => !known.has(column))
    if (unknown !== undefined) {
      throw new Error(
        `line ${number} has column ${table.name}.${unknown}, which this Registrar does not know`,
      )
    }
    if (table !== this.#table) await this.#flush()
    this.#table = table
    this.#batch.push(this.#imported(table, line.row))
    this.#counts[table.name] = (this.#counts[table.name] ?? 0) + 1
    const perBatch = Math.floor(MAX_PARAMETERS / Object.keys(line.row).length)
    if (this.#batch.length >= Math.min(MAX_BATCH_ROWS, perBatch)) await this.#flush()
  }

  /** The row as stored here: each secret opened, sealed again where the store seals it. */
  #imported(table: MovedTable, row: Row): Row {
    return withSecrets(table, row, (value, { sealed, serviceApiKey, clientId, owner }) => {
      const secret = this.cipher.decrypt(value, owner)
      return sealed ? this.secrets.seal(secret, serviceApiKey, clientId) : secret
    })
  }

  async #flush(): Promise<void> {
    if (!this.#table || this.#batch.length === 0) return
    await this.db.insertInto(this.#table.name).values(this.#batch).execute()
    this.#batch = []
  }

  async #end(expected: Record<string, number>): Promise<void> {
    await this.#flush()
    for (const { name } of MOVED_TABLES) {
      if ((expected[name] ?? 0) !== (this.#counts[name] ?? 0)) {
        throw new Error(
          `the export lists ${expected[name] ?? 0} rows of ${name} but holds ${this.#counts[name] ?? 0}`,
        )
      }
    }
    this.#ended = true
  }
}
