/**
 * The SQLite database, its WAL and SHM files are readable by their owner only, and the
 * folders Registrar creates for them are too (CONTRACT.md, "Bad input").
 */
import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { Api, call } from '../support/http.js'
import { startServer } from '../support/start-server.js'

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-modes-'))
})
after(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function mode(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8)
}

async function registerOne(url: string, adminToken: string): Promise<void> {
  const serviceId = await new Api(url, adminToken).createService()
  const answer = await call(`${url}/${serviceId}/register`, {
    body: { redirect_uris: ['https://app.example/cb'] },
  })
  assert.equal(answer.status, 201)
}

test('a new database: its folders are 0700, the database, WAL and SHM files 0600', async () => {
  const data = join(folder, 'fresh', 'data')
  const database = join(data, 'registrar.db')
  const server = await startServer({ database })
  try {
    await registerOne(server.url, server.adminToken)
    assert.equal(await mode(join(folder, 'fresh')), '700')
    assert.equal(await mode(data), '700')
    for (const file of [database, `${database}-wal`, `${database}-shm`]) {
      assert.equal(await mode(file), '600', file)
    }
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

test('an existing database file readable by others is made 0600 when opened', async () => {
  const database = join(folder, 'existing.db')
  await writeFile(database, '')
  await chmod(database, 0o644)
  const server = await startServer({ database })
  try {
    await registerOne(server.url, server.adminToken)
    for (const file of [database, `${database}-wal`, `${database}-shm`]) {
      assert.equal(await mode(file), '600', file)
    }
  } finally {
    await server.stop()
  }
})
