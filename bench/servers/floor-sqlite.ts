/**
 * The durable floors: the floor plus SQLite, under the settings Registrar uses (WAL,
 * synchronous=FULL: a commit is fsynced before the 201). Reads are one primary-key select.
 * argv[2] names the file.
 *
 * By default each registration is its own transaction, so each pays an fsync. With
 * `--group-commit` (the floor-sqlite-batch contender), the inserts that arrive together
 * share one transaction, as in Registrar's store (src/store/group-commit.ts): they wait
 * for the next turn of the event loop, at most 256 commit at once, and each is answered
 * after its transaction has committed. The commit runs on the event loop, where Registrar
 * runs it on a worker thread: the floor does the least work and keeps no second thread.
 */
import { createServer } from 'node:http'
import SqliteDatabase from 'better-sqlite3'
import { floorHandler, type FloorStorage } from './floor-handler.js'
import { listen } from './listen.js'

/** Registrar's group commit's default batch size. */
const MAX_BATCH_SIZE = 256

type Row = [clientId: string, token: string, answer: string]

const database = new SqliteDatabase(process.argv[2])
database.pragma('journal_mode = WAL')
database.pragma('synchronous = FULL')
database.exec(
  'create table if not exists clients (client_id text primary key, token text not null, answer text not null)',
)
const insert = database.prepare<Row>(
  'insert into clients (client_id, token, answer) values (?, ?, ?)',
)
const select = database.prepare<[string], { token: string; answer: string }>(
  'select token, answer from clients where client_id = ?',
)
const get: FloorStorage['get'] = (clientId) => select.get(clientId)

const storage: FloorStorage = process.argv.includes('--group-commit')
  ? { put: groupCommit(), get }
  : { put: (...row) => void insert.run(...row), get }

await listen(createServer(floorHandler(storage)))

function groupCommit(): FloorStorage['put'] {
  const insertAll = database.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(...row)
  })
  const waiting: { row: Row; resolve(): void; reject(error: unknown): void }[] = []
  const commit = () => {
    const batch = waiting.splice(0, MAX_BATCH_SIZE)
    if (waiting.length > 0) setImmediate(commit)
    try {
      insertAll(batch.map((item) => item.row))
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    for (const item of batch) item.resolve()
  }
  return (...row) =>
    new Promise<void>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(commit)
      waiting.push({ row, resolve, reject })
    })
}
