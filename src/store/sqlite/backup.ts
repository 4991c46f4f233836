/**
 * An online backup of a SQLite database file, taken beside a server that keeps writing:
 * SQLite's backup API copies every page in one step, inside one read transaction, so the
 * copy is the database as of one commit (under WAL the server's writes go on meanwhile; a
 * copy in several steps would start again after each write of another connection).
 * The copy is created 0600, as the database is (sqlite/index.ts), never over an existing
 * file, and checked with `quick_check` before it is reported.
 */
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs'
import SqliteDatabase from 'better-sqlite3'

/** How long the backup waits for a lock another connection holds. */
const BUSY_TIMEOUT_MILLISECONDS = 10_000
/** Pages per backup step: all of them, so the copy is one snapshot. */
const EVERY_PAGE = 0x7fffffff

export interface SqliteBackup {
  /** The copy's size. */
  bytes: number
  /** Clients in the copy. */
  clients: number
}

export async function backupSqlite(path: string, output: string): Promise<SqliteBackup> {
  if (!existsSync(path)) throw new Error(`there is no database at ${path}`)
  // Created here, 0600 and exclusively: better-sqlite3 would create it with the umask's mode.
  try {
    closeSync(openSync(output, 'wx', 0o600))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(
      code === 'EEXIST'
        ? `${output} exists: a backup never overwrites a file, give another --output`
        : `cannot create ${output} (${code ?? (error as Error).message})`,
    )
  }
  const source = new SqliteDatabase(path, {
    fileMustExist: true,
    timeout: BUSY_TIMEOUT_MILLISECONDS,
  })
  try {
    await source.backup(output, { progress: () => EVERY_PAGE })
  } catch (error) {
    unlinkSync(output)
    throw error
  } finally {
    source.close()
  }
  const copy = new SqliteDatabase(output, { fileMustExist: true })
  try {
    const check = copy.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`the copy in ${output} fails its check: ${String(check)}`)
    const { clients } = copy.prepare('select count(*) as clients from clients').get() as {
      clients: number
    }
    return { bytes: statSync(output).size, clients }
  } finally {
    copy.close()
  }
}
