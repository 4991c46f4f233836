import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { CompiledQuery } from 'kysely'
import { DuplicateClientIdError, InitialAccessTokenSpentError } from '../engine/store.js'
import { insertPlanner, type InsertPlan, type PlanResult } from './client-insert.js'
import { KyselyStore } from './kysely-store.js'
import { migrate } from './migrations.js'
import { openSqlite } from './sqlite.js'
import type { SqliteWriter } from './sqlite-writer.js'
import { newClient } from './store-contract.js'

const folder = mkdtempSync(join(tmpdir(), 'registrar-writer-'))
after(() => rmSync(folder, { recursive: true, force: true }))

async function openFile(name: string) {
  const { db, writer } = openSqlite(join(folder, name))
  assert.ok(writer, 'a file gets a writer thread')
  await migrate(db, 'sqlite')
  const store = new KyselyStore(db, { writer })
  const service = await store.insertService({
    apiKey: 7,
    apiSecret: 's',
    settings: { serviceName: 'written' },
    createdAt: 0,
    modifiedAt: 0,
  })
  return { db, writer, store, serviceApiKey: service.apiKey }
}

/** The worker is spawned on first use; until it is ready, run() answers undefined. */
async function runOnWorker(writer: SqliteWriter, plans: InsertPlan[]): Promise<PlanResult[]> {
  for (let waited = 0; waited < 10_000; waited += 10) {
    const running = writer.run(plans)
    if (running) return running
    await sleep(10)
  }
  assert.fail('the writer thread never became ready')
}

test('batches run on the writer thread: rows, refusals and the token given back', async () => {
  const { db, writer, store, serviceApiKey } = await openFile('plans.db')
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
  const results = await runOnWorker(writer, [
    plan(db, { record: first }),
    // The same id again: refused, and its token use given back.
    plan(db, { record: first, consume: { id: 'iat-once', now: 1 } }),
    plan(db, { record: newClient(serviceApiKey), consume: { id: 'iat-once', now: 1 } }),
    plan(db, { record: newClient(serviceApiKey), consume: { id: 'iat-once', now: 1 } }),
  ])
  assert.equal(results.length, 4)
  assert.ok('number' in results[0] && results[0].number > 0)
  assert.deepEqual(results[1], { refused: 'id-taken' })
  assert.ok('number' in results[2], 'the token was given back, so it had one use left')
  assert.deepEqual(results[3], { refused: 'token-spent' })

  // What the worker committed, the main connection reads.
  const stored = await store.getClient(serviceApiKey, first.clientId)
  assert.deepEqual(stored?.metadata, first.metadata)
  assert.equal((await store.getInitialAccessToken('iat-once'))?.usesLeft, 0)
  await store.close()
})

test('a failing batch rejects with its error, nothing of it is kept, and the thread goes on', async () => {
  const { db, writer, store, serviceApiKey } = await openFile('failing.db')
  const plan = insertPlanner()
  const kept = newClient(serviceApiKey)
  const broken: InsertPlan = { insert: CompiledQuery.raw('insert into nowhere values (1)') }
  await assert.rejects(
    runOnWorker(writer, [plan(db, { record: kept }), broken]),
    /no such table: nowhere/,
  )
  assert.equal(await store.getClient(serviceApiKey, kept.clientId), undefined)
  const [result] = await runOnWorker(writer, [plan(db, { record: kept })])
  assert.ok('number' in result)
  await store.close()
})

test('the store commits through the thread: concurrent registrations all land, refused ones fail', async () => {
  const { writer, store, serviceApiKey } = await openFile('store.db')
  await runOnWorker(writer, [])
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
  const { db, writer, serviceApiKey } = await openFile('stopped.db')
  await runOnWorker(writer, [])
  await writer.stop()
  assert.equal(writer.run([]), undefined)
  const store = new KyselyStore(db, { writer })
  const client = await store.insertClient(newClient(serviceApiKey))
  assert.deepEqual(await store.getClient(serviceApiKey, client.clientId), client)
  await store.close()
})
