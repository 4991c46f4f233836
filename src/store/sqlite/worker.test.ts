import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import SqliteDatabase from 'better-sqlite3'
import { CompiledQuery, sql, type Kysely } from 'kysely'
import { DuplicateClientIdError, InitialAccessTokenSpentError } from '../../engine/index.js'
import type { BatchPlan, BatchResults, BatchStep } from '../batch-plan.js'
import { insertPlanner, type ClientInsert } from '../client-insert.js'
import { openStore } from '../index.js'
import { KyselyStore } from '../kysely-store.js'
import { migrate } from '../migrations.js'
import type { Database } from '../schema.js'
import { PLAINTEXT_SECRETS } from '../secret-box.js'
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
  const store = new KyselyStore(db, { flavor: 'sqlite', worker })
  const service = await store.insertService({
    apiKey: 7,
    apiSecretHash: 's',
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
  assert.equal(worker.run(NO_BATCH), undefined, 'batches run on the main connection')
  await worker.stop()
  database.close()
})

const NO_BATCH: BatchPlan = { size: 0, steps: [] }

/** The batch of `inserts` into `db`, in bulk where it can be, else each on its own plan. */
function planBatch(db: Kysely<Database>, inserts: ClientInsert[], bulk = false): BatchPlan {
  const planner = insertPlanner(db, 'sqlite', PLAINTEXT_SECRETS)
  const batch = inserts.map((insert) => planner.plan(insert))
  return bulk ? planner.batch(batch) : planner.oneByOne(batch, Object.keys(batch).map(Number))
}

/** Until the worker is ready, run() answers undefined. */
async function runOnWorker(worker: SqliteWorker, batch: BatchPlan): Promise<BatchResults> {
  for (let waited = 0; waited < 10_000; waited += 10) {
    const running = worker.run(batch)
    if (running) return running
    await sleep(10)
  }
  assert.fail('the worker never became ready')
}

test('batches run on the worker: rows, refusals and the token given back', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('plans.db')
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
  const consume = { id: 'iat-once', now: 1 }
  const results = await runOnWorker(
    worker,
    planBatch(db, [
      { record: first },
      // The same id again: refused, and its token use given back.
      { record: first, consume },
      { record: newClient(serviceApiKey), consume },
      { record: newClient(serviceApiKey), consume },
    ]),
  )
  assert.equal(results.length, 4)
  assert.ok(results[0] && 'inserted' in results[0])
  assert.deepEqual(results[1], { refused: 'id-taken' })
  assert.ok(results[2] && 'inserted' in results[2], 'the token was given back')
  assert.deepEqual(results[3], { refused: 'token-spent' })

  // What the worker committed, the main connection reads.
  const stored = await store.getClient(serviceApiKey, first.clientId)
  assert.deepEqual(stored?.metadata, first.metadata)
  assert.equal((await store.getInitialAccessToken('iat-once'))?.usesLeft, 0)
  await store.close()
})

test('caps are counted on the worker within one batch, and a refusal gives its count back', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('caps.db')
  const caps = { maxClients: 3, perSoftwareId: 1 }
  const client = (software_id?: string) => ({
    record: newClient(serviceApiKey, { metadata: software_id ? { software_id } : {} }),
    caps,
  })
  const results = await runOnWorker(
    worker,
    planBatch(db, [client('a'), client('a'), client(), client('b'), client('c')]),
  )
  assert.deepEqual(
    results.map((result) => (result && 'inserted' in result ? 'inserted' : result?.refused)),
    ['inserted', 'perSoftwareId', 'inserted', 'inserted', 'maxClients'],
  )
  const { rows } =
    await sql`select client_count from services where api_key = ${serviceApiKey}`.execute(db)
  assert.deepEqual(rows, [{ client_count: 3 }])
  const missing = planBatch(db, [{ record: newClient(serviceApiKey + 1) }])
  assert.deepEqual(await runOnWorker(worker, missing), [{ refused: 'no-service' }])
  await store.close()
})

test('a bulk insert on the worker: all in when they fit, a taken id refused; none when they would not fit', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('bulk.db')
  const taken = await store.insertClient(newClient(serviceApiKey))
  const caps = { maxClients: 4 }
  const records = [newClient(serviceApiKey, { clientId: taken.clientId }), newClient(serviceApiKey)]
  const fits = planBatch(
    db,
    records.map((record) => ({ record, caps })),
    true,
  )
  assert.equal(fits.steps.length, 1, 'one bulk insert')
  const [refused, inserted] = await runOnWorker(worker, fits)
  assert.deepEqual(refused, { refused: 'id-taken' })
  assert.ok(inserted && 'inserted' in inserted)
  const count = async () =>
    (await sql`select client_count from services where api_key = ${serviceApiKey}`.execute(db)).rows
  assert.deepEqual(await count(), [{ client_count: 2 }], 'the taken id is not counted')

  const over = Array.from({ length: 3 }, () => ({ record: newClient(serviceApiKey), caps }))
  assert.deepEqual(await runOnWorker(worker, planBatch(db, over, true)), [
    undefined,
    undefined,
    undefined,
  ])
  assert.deepEqual(await count(), [{ client_count: 2 }])
  await store.close()
})

test('a failing batch rejects with its error, nothing of it is kept, and the thread goes on', async () => {
  const { db, worker, store, serviceApiKey } = await openFile('failing.db')
  const kept = newClient(serviceApiKey)
  const batch = planBatch(db, [{ record: kept }, { record: newClient(serviceApiKey) }])
  const broken = batch.steps[1] as Extract<BatchStep, { plan: unknown }>
  broken.plan.insert = CompiledQuery.raw('insert into nowhere values (1)')
  await assert.rejects(runOnWorker(worker, batch), /no such table: nowhere/)
  assert.equal(await store.getClient(serviceApiKey, kept.clientId), undefined)
  const [result] = await runOnWorker(worker, planBatch(db, [{ record: kept }], true))
  assert.ok(result && 'inserted' in result)
  await store.close()
})

test('the store commits through the worker: concurrent registrations all land, refused ones fail', async () => {
  const { worker, store, serviceApiKey } = await openFile('store.db')
  await runOnWorker(worker, NO_BATCH)
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
  await runOnWorker(worker, NO_BATCH)
  await worker.stop()
  assert.equal(worker.run(NO_BATCH), undefined)
  const store = new KyselyStore(db, { flavor: 'sqlite', worker })
  const client = await store.insertClient(newClient(serviceApiKey))
  assert.deepEqual(await store.getClient(serviceApiKey, client.clientId), client)
  await store.close()
})

test('client updates and deletes run on the worker, with their events, answering as Kysely does', async () => {
  const { worker, store, serviceApiKey } = await openFile('writes.db')
  await runOnWorker(worker, NO_BATCH)
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

  // With their audit events: each in the change's transaction, only when the change happens.
  const other = await store.insertClient(newClient(serviceApiKey))
  const event = (kind: 'client.updated' | 'client.deleted') => ({
    kind,
    serviceApiKey,
    clientId: other.clientId,
    clientNumber: other.number,
    actor: 'admin',
    at: 1,
    detail: {},
  })
  const kinds = async () =>
    (await store.audit.list({ serviceApiKey, limit: 10 })).map((stored) => stored.kind)
  const recorded = await store.updateClient({ ...other, developer: 'x' }, event('client.updated'))
  assert.equal(recorded?.version, other.version + 1)
  assert.equal(
    await store.updateClient({ ...other, developer: 'y' }, event('client.updated')),
    undefined,
  )
  assert.deepEqual(await kinds(), ['client.updated'])
  await assert.rejects(
    store.updateClient(
      { ...recorded!, developer: 'z' },
      { ...event('client.updated'), kind: null as unknown as 'client.updated' },
    ),
  )
  assert.equal((await store.getClient(serviceApiKey, other.clientId))?.developer, 'x')
  assert.equal(
    await store.deleteClient(serviceApiKey, other.clientId, event('client.deleted')),
    true,
  )
  assert.equal(
    await store.deleteClient(serviceApiKey, other.clientId, event('client.deleted')),
    false,
  )
  assert.deepEqual(await kinds(), ['client.deleted', 'client.updated'])

  const failing = worker.execute(CompiledQuery.raw('delete from nowhere'))
  assert.ok(failing, 'the worker is running')
  await assert.rejects(failing, /no such table: nowhere/)
  await worker.stop()
  assert.equal(worker.execute(CompiledQuery.raw('delete from clients')), undefined)
  await store.close()
})
