import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import SqliteDatabase from 'better-sqlite3'
import { CompiledQuery, sql } from 'kysely'
import { DuplicateClientIdError, InitialAccessTokenSpentError } from '../../engine/index.js'
import { insertPlanner } from '../client-insert.js'
import type { InsertPlan, PlanResult } from '../insert-plan.js'
import { openStore } from '../index.js'
import { KyselyStore } from '../kysely-store.js'
import { migrate } from '../migrations.js'
import { openSqlite } from './index.js'
import {
  WRITER_AUTOCHECKPOINT_PAGES,
  startSqliteWorker,
  type CheckpointResult,
  type SqliteWorker,
} from './worker.js'
import { newClient } from '../../../test/store/records.js'

const folder = mkdtempSync(join(tmpdir(), 'registrar-sqlite-worker-'))
after(() => rmSync(folder, { recursive: true, force: true }))

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) assert.fail(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** A store on the file `name`, with a service; its worker checkpoints every 20 ms and
 * reports each result. */
async function openFile(name: string) {
  const path = join(folder, name)
  const results: CheckpointResult[] = []
  const { db, worker } = openSqlite(path, {
    checkpoint: { intervalMilliseconds: 20, onCheckpoint: (result) => results.push(result) },
  })
  assert.ok(worker, 'a file gets a worker thread')
  await migrate(db, 'sqlite')
  const store = new KyselyStore(db, { worker })
  const service = await store.insertService({
    apiKey: 7,
    apiSecret: 's',
    settings: { serviceName: 'stored' },
    policy: {},
    createdAt: 0,
    modifiedAt: 0,
  })
  return { path, db, worker, store, service, serviceApiKey: service.apiKey, results }
}

test('the WAL is copied into the database file in the background, and close() stops the worker and leaves no WAL', async () => {
  const { path, db, store, service, results } = await openFile('background.db')
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0]
  assert.equal(await pragma('wal_autocheckpoint'), WRITER_AUTOCHECKPOINT_PAGES)

  const clients = await Promise.all(
    Array.from({ length: 50 }, () => store.insertClient(newClient(service.apiKey))),
  )
  // Far below the auto-checkpoint threshold: only the timer can have checkpointed this.
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
  const results: CheckpointResult[] = []
  const { db } = openSqlite(join(folder, 'short.db'), {
    checkpoint: { intervalMilliseconds: 20, onCheckpoint: (result) => results.push(result) },
  })
  await migrate(db, 'sqlite')
  await db.destroy()
  await sleep(60)
  assert.deepEqual(results, [])
})

test(':memory: has no WAL and no worker', async () => {
  const results: CheckpointResult[] = []
  const { db } = openSqlite(':memory:', {
    checkpoint: { intervalMilliseconds: 10, onCheckpoint: (result) => results.push(result) },
  })
  await migrate(db, 'sqlite')
  await sleep(60)
  await db.destroy()
  assert.deepEqual(results, [])
})

test('when the worker fails, batches run and checkpoints happen on the main connection again', async () => {
  const database = new SqliteDatabase(join(folder, 'failing.db'))
  database.pragma('journal_mode = WAL')
  // The worker cannot open a file that does not exist, and exits with an error.
  const worker = startSqliteWorker(database, join(folder, 'missing.db'), {
    busyTimeoutMilliseconds: 1000,
    checkpoint: { intervalMilliseconds: 10 },
  })
  const threshold = () => database.pragma('wal_autocheckpoint', { simple: true })
  assert.equal(threshold(), WRITER_AUTOCHECKPOINT_PAGES)
  await waitFor(() => threshold() === 1000, 'the default threshold')
  assert.equal(worker.run([]), undefined, 'batches run on the main connection')
  await worker.stop()
  database.close()
})

/** Until the worker is ready, run() answers undefined. */
async function runOnWorker(worker: SqliteWorker, plans: InsertPlan[]): Promise<PlanResult[]> {
  for (let waited = 0; waited < 10_000; waited += 10) {
    const running = worker.run(plans)
    if (running) return running
    await sleep(10)
  }
  assert.fail('the worker never became ready')
}

test('batches run on the worker: rows, refusals and the token given back', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('plans.db')
  const plan = insertPlanner()
  await store.insertInitialAccessToken({
    id: 'iat-once',
    serviceApiKey,
    secretHash: 'hash',
    expiresAt: 0,
    maxUses: 1,
    usesLeft: 1,
    createdAt: 0,
  })
  const first = newClient(serviceApiKey)
  const results = await runOnWorker(worker, [
    plan(db, { record: first }).plan,
    // The same id again: refused, and its token use given back.
    plan(db, { record: first, consume: { id: 'iat-once', now: 1 } }).plan,
    plan(db, { record: newClient(serviceApiKey), consume: { id: 'iat-once', now: 1 } }).plan,
    plan(db, { record: newClient(serviceApiKey), consume: { id: 'iat-once', now: 1 } }).plan,
  ])
  assert.equal(results.length, 4)
  assert.ok('inserted' in results[0])
  assert.deepEqual(results[1], { refused: 'id-taken' })
  assert.ok('inserted' in results[2], 'the token was given back, so it had one use left')
  assert.deepEqual(results[3], { refused: 'token-spent' })

  // What the worker committed, the main connection reads.
  const stored = await store.getClient(serviceApiKey, first.clientId)
  assert.deepEqual(stored?.metadata, first.metadata)
  assert.equal((await store.getInitialAccessToken('iat-once'))?.usesLeft, 0)
  await store.close()
})

test('caps are counted on the worker within one batch, and a refusal gives its count back', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('caps.db')
  const plan = insertPlanner()
  const caps = { maxClients: 3, perSoftwareId: 1 }
  const client = (software_id?: string) =>
    plan(db, {
      record: newClient(serviceApiKey, { metadata: software_id ? { software_id } : {} }),
      caps,
    }).plan
  const results = await runOnWorker(worker, [
    client('a'),
    client('a'),
    client(),
    client('b'),
    client('c'),
  ])
  assert.deepEqual(
    results.map((result) => ('inserted' in result ? 'inserted' : result.refused)),
    ['inserted', 'perSoftwareId', 'inserted', 'inserted', 'maxClients'],
  )
  const { rows } =
    await sql`select client_count from services where api_key = ${serviceApiKey}`.execute(db)
  assert.deepEqual(rows, [{ client_count: 3 }])
  const missing = plan(db, { record: newClient(serviceApiKey + 1) }).plan
  assert.deepEqual(await runOnWorker(worker, [missing]), [{ refused: 'no-service' }])
  await store.close()
})

test('a failing batch rejects with its error, nothing of it is kept, and the thread goes on', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('failing.db')
  const plan = insertPlanner()
  const kept = newClient(serviceApiKey)
  const broken: InsertPlan = {
    ...plan(db, { record: newClient(serviceApiKey) }).plan,
    insert: CompiledQuery.raw('insert into nowhere values (1)'),
  }
  await assert.rejects(
    runOnWorker(worker, [plan(db, { record: kept }).plan, broken]),
    /no such table: nowhere/,
  )
  assert.equal(await store.getClient(serviceApiKey, kept.clientId), undefined)
  const [result] = await runOnWorker(worker, [plan(db, { record: kept }).plan])
  assert.ok('inserted' in result)
  await store.close()
})

test('the store commits through the worker: concurrent registrations all land, refused ones fail', async () => {
  const { worker, store, serviceApiKey } = await openFile('store.db')
  await runOnWorker(worker, [])
  const records = Array.from({ length: 300 }, () => newClient(serviceApiKey))
  const stored = await Promise.all(records.map((record) => store.insertClient(record)))
  assert.deepEqual(
    stored.map((client) => client.clientId),
    records.map((record) => record.clientId),
  )
  assert.ok(store.stats.clientInsertTransactions < 300)
  await assert.rejects(store.insertClient(records[0]), DuplicateClientIdError)
  await assert.rejects(
    store.insertClient(newClient(serviceApiKey), { id: 'no-such-token', now: 1 }),
    InitialAccessTokenSpentError,
  )
  const page = await store.listClients(serviceApiKey, { start: 0, end: 1000 })
  assert.equal(page.totalCount, 300)
  await store.close()
})

test('after stop, run() answers undefined and the store carries on on the main connection', async () => {
  const { db, worker, serviceApiKey } = await openFile('stopped.db')
  await runOnWorker(worker, [])
  await worker.stop()
  assert.equal(worker.run([]), undefined)
  const store = new KyselyStore(db, { worker })
  const client = await store.insertClient(newClient(serviceApiKey))
  assert.deepEqual(await store.getClient(serviceApiKey, client.clientId), client)
  await store.close()
})

test('client updates and deletes run on the worker, answering as Kysely does', async () => {
  const { worker, store, serviceApiKey } = await openFile('writes.db')
  await runOnWorker(worker, [])
  const stored = await store.insertClient(newClient(serviceApiKey))
  const changed = { ...stored, developer: 'changed' }
  const updated = await store.updateClient(changed)
  assert.equal(updated?.version, stored.version + 1)
  // A second update over the version first read finds no row (optimistic concurrency).
  assert.equal(await store.updateClient(changed), undefined)
  assert.equal((await store.getClient(serviceApiKey, stored.clientId))?.developer, 'changed')
  assert.equal(await store.deleteClient(serviceApiKey, stored.clientId), true)
  assert.equal(await store.deleteClient(serviceApiKey, stored.clientId), false)
  assert.equal(await store.getClient(serviceApiKey, stored.clientId), undefined)

  const failing = worker.execute(CompiledQuery.raw('delete from nowhere'))
  assert.ok(failing, 'the worker is running')
  await assert.rejects(failing, /no such table: nowhere/)
  await worker.stop()
  assert.equal(worker.execute(CompiledQuery.raw('delete from clients')), undefined)
  await store.close()
})
