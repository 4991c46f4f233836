/**
 * The durable floor: the floor plus one SQLite insert per registration, each its own
 * transaction, under the settings Registrar uses (WAL, synchronous=FULL: every commit is
 * fsynced before the 201). Reads are one primary-key select. argv[2] names the file.
 */
import { createServer } from 'node:http'
import SqliteDatabase from 'better-sqlite3'
import { floorHandler, type FloorStorage } from './floor-handler.js'
import { listen } from './listen.js'

const database = new SqliteDatabase(process.argv[2])
database.pragma('journal_mode = WAL')
database.pragma('synchronous = FULL')
database.exec(
  'create table if not exists clients (client_id text primary key, token text not null, answer text not null)',
)
const insert = database.prepare('insert into clients (client_id, token, answer) values (?, ?, ?)')
const select = database.prepare<[string], { token: string; answer: string }>(
  'select token, answer from clients where client_id = ?',
)
const storage: FloorStorage = {
  put: (clientId, token, answer) => void insert.run(clientId, token, answer),
  get: (clientId) => select.get(clientId),
}

await listen(createServer(floorHandler(storage)))
