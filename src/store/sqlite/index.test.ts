import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { CompiledQuery, sql } from 'kysely'
import { hashSecret } from '../../engine/index.js'
import { purgeStatement, reapStatement } from '../client-lifecycle.js'
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

test('migration 2 gives the services of a version 1 database an empty policy and their client count', async () => {
  const path = join(folder, 'version-1.db')
  const { db } = await connect(path)
  try {
    // Back to version 1: migration 2's columns, index, trigger and record go, and migration
    // 10's trigger on the count with them.
    await sql`drop trigger clients_deleted_count`.execute(db)
    await sql`drop trigger clients_marked_count`.execute(db)
    await sql`drop index clients_initial_access_token`.execute(db)
    await sql`alter table clients drop column initial_access_token_id`.execute(db)
    await sql`alter table services drop column client_count`.execute(db)
    await sql`alter table services drop column policy`.execute(db)
    await sql`delete from registrar_migrations where version = 2`.execute(db)
    await sql`insert into services (api_key, api_secret_hash, settings, created_at, modified_at)
      values (7, 's', '{"serviceName":"old"}', 0, 0), (8, 's', '{}', 0, 0)`.execute(db)
    for (const clientId of [1, 2, 3]) {
      await sql`insert into clients (service_api_key, client_id, client_secret_expires_at,
        metadata, extras, dynamically_registered, developer, created_at, modified_at, version)
        values (7, ${clientId}, 0, '{}', '{}', 1, 'dev', 0, 0, 1)`.execute(db)
    }
    assert.deepEqual(await migrate(db, 'sqlite'), [2])
    const { rows } = await sql`select api_key, client_count from services order by api_key`.execute(
      db,
    )
    assert.deepEqual(rows, [
      { api_key: 7, client_count: 3 },
      { api_key: 8, client_count: 0 },
    ])
  } finally {
    await db.destroy()
  }
  const store = await openStore(path)
  const service = await store.getService(7)
  const client = await store.getClient(7, 1)
  // The count it was given holds the cap: three stored, a fourth is over 3.
  await assert.rejects(
    store.insertClient({ ...client!, clientId: 4 }, undefined, { maxClients: 3 }),
    { name: 'ClientCapReachedError', cap: 'maxClients', limit: 3 },
  )
  await store.close()
  assert.deepEqual(service?.policy, {})
  assert.equal(service?.settings.serviceName, 'old')
  assert.equal('initialAccessTokenId' in client!, false)
})

test('migration 4 gives clients an expiry column, NULL for those of a version 3 database, and a partial index for the sweep', async () => {
  const path = join(folder, 'version-3.db')
  const { db } = await connect(path)
  try {
    // Back to version 3: migration 4's index, column and record go.
    await sql`drop index clients_expires_at`.execute(db)
    await sql`alter table clients drop column expires_at`.execute(db)
    await sql`delete from registrar_migrations where version = 4`.execute(db)
    await sql`insert into services (api_key, api_secret_hash, settings, created_at, modified_at)
      values (7, 's', '{}', 0, 0)`.execute(db)
    await sql`insert into clients (service_api_key, client_id, client_secret_expires_at,
      metadata, extras, dynamically_registered, developer, created_at, modified_at, version)
      values (7, 1, 0, '{}', '{}', 1, 'dev', 0, 0, 1)`.execute(db)
    assert.deepEqual(await migrate(db, 'sqlite'), [4])
    const { rows } = await sql<{ detail: string }>`explain query plan
      delete from clients where expires_at <= 5`.execute(db)
    assert.match(
      rows.map((row) => row.detail).join('; '),
      /USING (COVERING )?INDEX clients_expires_at/,
    )
  } finally {
    await db.destroy()
  }
  const store = await openStore(path)
  try {
    const client = await store.getClient(7, 1)
    assert.equal('expiresAt' in client!, false)
    await store.insertClient({ ...client!, clientId: 2, expiresAt: 5 })
    assert.equal(await store.deleteExpiredClients(Date.now()), 1)
    assert.ok(await store.getClient(7, 1))
  } finally {
    await store.close()
  }
})

test('migration 13 replaces the plaintext apiSecret of a version 12 database by its SHA-256 hash', async () => {
  const path = join(folder, 'version-12.db')
  const { db } = await connect(path)
  try {
    // Back to version 12: the column held the secret itself.
    await sql`alter table services rename column api_secret_hash to api_secret`.execute(db)
    await sql`delete from registrar_migrations where version = 13`.execute(db)
    await sql`insert into services (api_key, api_secret, settings, created_at, modified_at)
      values (7, 'plain-secret', '{}', 0, 0)`.execute(db)
    assert.deepEqual(await migrate(db, 'sqlite'), [13])
  } finally {
    await db.destroy()
  }
  const store = await openStore(path)
  try {
    const service = await store.getService(7)
    assert.equal(service!.apiSecretHash, hashSecret('plain-secret'))
  } finally {
    await store.close()
  }
})

test('migration 10: the sweep reads idle and deleted clients of one service over their partial indexes', async () => {
  const { db } = await connect(join(folder, 'version-10.db'))
  try {
    const plan = async (statement: CompiledQuery) => {
      const { rows } = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
      )
      return rows.map((row) => row.detail).join('; ')
    }
    const reap = { idleBefore: 5, limit: 10 }
    assert.match(await plan(reapStatement(db, 7, reap)), /USING (COVERING )?INDEX clients_idle/)
    assert.match(
      await plan(reapStatement(db, 7, { ...reap, deleteAt: 6 })),
      /USING (COVERING )?INDEX clients_idle/,
    )
    assert.match(
      await plan(purgeStatement(db, 7, { deletedBefore: 5, limit: 10 })),
      /USING (COVERING )?INDEX clients_deleted/,
    )
  } finally {
    await db.destroy()
  }
})
