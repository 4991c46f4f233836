import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { sql } from 'kysely'
import { connect, openStore } from '../index.js'
import { migrate } from '../migrations.js'

const folder = mkdtempSync(join(tmpdir(), 'registrar-store-'))
after(() => rmSync(folder, { recursive: true, force: true }))

test('opens a file in folders it creates, by path or sqlite: URL, and :memory:', async () => {
  const path = join(folder, 'a', 'b', 'registrar.db')
  for (const url of [path, `sqlite:${path}`, ':memory:', 'sqlite::memory:']) {
    const store = await openStore(url)
    await store.putSetting('k', url)
    assert.equal(await store.getSetting('k'), url)
    await store.close()
  }
  assert.ok(existsSync(path))
})

test('runs in WAL mode with full fsync and foreign keys on; migrations run once', async () => {
  const path = join(folder, 'pragmas.db')
  const { db } = await connect(path)
  try {
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0]
    assert.equal(await pragma('journal_mode'), 'wal')
    assert.equal(await pragma('synchronous'), 2) // FULL
    assert.equal(await pragma('foreign_keys'), 1)
    assert.deepEqual(await migrate(db, 'sqlite'), [])
  } finally {
    await db.destroy()
  }
})

test('a database that cannot be opened rejects', async () => {
  await assert.rejects(openStore(folder))
})

test('migration 2 gives the services of a version 1 database an empty policy', async () => {
  const path = join(folder, 'version-1.db')
  const { db } = await connect(path)
  try {
    // Back to version 1: the policy column and its migration record go.
    await sql`alter table services drop column policy`.execute(db)
    await sql`delete from registrar_migrations where version = 2`.execute(db)
    await sql`insert into services (api_key, api_secret, settings, created_at, modified_at)
      values (7, 's', '{"serviceName":"old"}', 0, 0)`.execute(db)
    assert.deepEqual(await migrate(db, 'sqlite'), [2])
  } finally {
    await db.destroy()
  }
  const store = await openStore(path)
  const service = await store.getService(7)
  await store.close()
  assert.deepEqual(service?.policy, {})
  assert.equal(service?.settings.serviceName, 'old')
})
