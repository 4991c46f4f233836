import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import SqliteDatabase from 'better-sqlite3'
import { sql } from 'kysely'
import {
  WRITER_AUTOCHECKPOINT_PAGES,
  startCheckpointer,
  type CheckpointResult,
} from './checkpointer.js'
import { openStore } from './index.js'
import { KyselyStore } from './kysely-store.js'
import { migrate } from './migrations.js'
import { openSqlite } from './sqlite.js'
import { newClient } from './store-contract.js'

const folder = mkdtempSync(join(tmpdir(), 'registrar-checkpoint-'))
after(() => rmSync(folder, { recursive: true, force: true }))

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) assert.fail(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** A store whose checkpointer runs every 20 ms and reports each result. */
async function openReporting(path: string) {
  const results: CheckpointResult[] = []
  const { db, writer } = openSqlite(path, {
    checkpoint: { intervalMilliseconds: 20, onCheckpoint: (result) => results.push(result) },
  })
  await migrate(db, 'sqlite')
  return { db, store: new KyselyStore(db, { writer }), results }
}

test('the WAL is copied into the database file in the background, and close() stops the worker and leaves no WAL', async () => {
  const path = join(folder, 'background.db')
  const { db, store, results } = await openReporting(path)
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0]
  assert.equal(await pragma('wal_autocheckpoint'), WRITER_AUTOCHECKPOINT_PAGES)

  const service = await store.insertService({
    apiKey: 7,
    apiSecret: 's',
    settings: { serviceName: 'checkpointed' },
    createdAt: 0,
    modifiedAt: 0,
  })
  const clients = await Promise.all(
    Array.from({ length: 50 }, () => store.insertClient(newClient(service.apiKey))),
  )
  // Far below the writer's threshold: only the worker can have checkpointed this.
  await waitFor(
    () => results.some((result) => result.log > 0 && result.checkpointed === result.log),
    'a complete checkpoint',
  )

  // The database file alone, without its WAL, holds what was committed.
  const copy = join(folder, 'background-copy.db')
  copyFileSync(path, copy)
  const alone = new SqliteDatabase(copy, { readonly: true })
  try {
    const count = alone.prepare('select count(*) from clients').pluck().get()
    assert.equal(count, clients.length)
  } finally {
    alone.close()
  }

  await store.close()
  assert.equal(existsSync(`${path}-wal`), false)
  const reported = results.length
  await sleep(100)
  assert.equal(results.length, reported, 'no checkpoint after close()')

  const reopened = await openStore(path)
  try {
    assert.deepEqual(await reopened.getService(service.apiKey), service)
    for (const client of clients) {
      assert.deepEqual(await reopened.getClient(service.apiKey, client.clientId), client)
    }
  } finally {
    await reopened.close()
  }
})

test('a store closed before its first checkpoint is due never starts the worker', async () => {
  const { store, results } = await openReporting(join(folder, 'short.db'))
  await store.close()
  await sleep(60)
  assert.deepEqual(results, [])
})

test(':memory: has no WAL and no checkpointer', async () => {
  const results: CheckpointResult[] = []
  const { db } = openSqlite(':memory:', {
    checkpoint: { intervalMilliseconds: 10, onCheckpoint: (result) => results.push(result) },
  })
  await migrate(db, 'sqlite')
  await sleep(60)
  await db.destroy()
  assert.deepEqual(results, [])
})

test('when the worker fails, the writer checkpoints again at SQLite’s default threshold', async () => {
  const database = new SqliteDatabase(join(folder, 'failing.db'))
  database.pragma('journal_mode = WAL')
  // The worker cannot open a file that does not exist, and exits with an error.
  const checkpointer = startCheckpointer(database, join(folder, 'missing.db'), {
    intervalMilliseconds: 10,
  })
  const threshold = () => database.pragma('wal_autocheckpoint', { simple: true })
  assert.equal(threshold(), WRITER_AUTOCHECKPOINT_PAGES)
  await waitFor(() => threshold() === 1000, 'the default threshold')
  await checkpointer.stop()
  database.close()
})
