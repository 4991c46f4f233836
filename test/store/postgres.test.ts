/**
 * The Store contract against the real PostgreSQL, each run in a fresh schema of its own,
 * plus what only a shared server shows: nodes registering and migrating at once. An
 * unreachable server fails this suite; it never skips.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { ClientCapReachedError, type ClientCaps } from '../../src/engine/index.js'
import { connect, openStore } from '../../src/store/index.js'
import { MIGRATION_VERSIONS } from '../../src/store/migrations.js'
import { testStoreOptions } from '../support/postgres.js'
import { newClient } from './records.js'
import { describeStoreContract } from './store-contract.js'

const SERVER = 'postgres://root@127.0.0.1:5432/test'

/** A fresh, empty schema on the test server, and a URL whose connections use it. */
async function createSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `registrar_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: SERVER })
  await admin.connect()
  try {
    await admin.query(`create schema ${schema}`)
  } finally {
    await admin.end()
  }
  return {
    url: `${SERVER}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: SERVER })
      await client.connect()
      await client.query(`drop schema ${schema} cascade`)
      await client.end()
    },
  }
}

test('the PostgreSQL test server answers (start it; this suite never skips)', async () => {
  const client = new pg.Client({ connectionString: SERVER })
  await client.connect()
  await client.query('select 1')
  await client.end()
})

describeStoreContract('PostgreSQL', async () => {
  const { url, drop } = await createSchema()
  return { open: () => openStore(url, testStoreOptions(url)), destroy: drop }
})

describe('PostgreSQL with many nodes', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>
  before(async () => {
    schema = await createSchema()
  })
  after(async () => {
    await schema?.drop()
  })

  test('two stores migrating the same fresh schema at once both succeed', async () => {
    const [first, second] = await Promise.all([connect(schema.url), connect(schema.url)])
    const { rows } = await sql<{
      version: number
    }>`select version from registrar_migrations order by version`.execute(first.db)
    assert.deepEqual(
      rows,
      MIGRATION_VERSIONS.map((version) => ({ version })),
    )
    await Promise.all([first.db.destroy(), second.db.destroy()])
  })

  test('two processes registering 500 clients each over colliding ids store 1,000 distinct clients', async () => {
    const store = await openStore(schema.url, testStoreOptions(schema.url))
    const service = await store.insertService({
      apiKey: 42,
      apiSecretHash: 's',
      settings: {},
      policy: {},
      createdAt: 0,
      modifiedAt: 0,
    })
    const worker = fileURLToPath(new URL('./concurrency-worker.ts', import.meta.url))
    const run = () =>
      promisify(execFile)(
        'node',
        ['--import', 'tsx', worker, schema.url, String(service.apiKey), '500', '3000'],
        { timeout: 120_000 },
      )
    const outputs = await Promise.all([run(), run()])
    const reports = outputs.map((output) => JSON.parse(output.stdout) as { collisions: number })
    const page = await store.listClients(service.apiKey, { start: 0, end: 2000 })
    assert.equal(page.totalCount, 1000)
    assert.equal(new Set(page.items.map((client) => client.clientId)).size, 1000)
    assert.ok(
      reports.some((report) => report.collisions > 0),
      'nodes drew colliding ids',
    )
    await store.close()
  })

  test('two nodes registering at once never overshoot a cap: the service’s, nor one software_id’s', async () => {
    const nodes = [
      await openStore(schema.url, testStoreOptions(schema.url)),
      await openStore(schema.url, testStoreOptions(schema.url)),
    ]
    const service = await nodes[0].insertService({
      apiKey: 43,
      apiSecretHash: 's',
      settings: {},
      policy: {},
      createdAt: 0,
      modifiedAt: 0,
    })
    const registerAll = (caps: ClientCaps, metadata = {}) =>
      Promise.allSettled(
        nodes.flatMap((node) =>
          Array.from({ length: 60 }, () =>
            node.insertClient(newClient(service.apiKey, { metadata }), undefined, caps),
          ),
        ),
      )
    const landed = (results: PromiseSettledResult<unknown>[]) => {
      for (const result of results) {
        if (result.status === 'rejected') assert.ok(result.reason instanceof ClientCapReachedError)
      }
      return results.filter((result) => result.status === 'fulfilled').length
    }
    assert.equal(landed(await registerAll({ perSoftwareId: 7 }, { software_id: 'sw' })), 7)
    assert.equal(landed(await registerAll({ maxClients: 25 })), 18)
    const page = await nodes[1].listClients(service.apiKey, { start: 0, end: 0 })
    assert.equal(page.totalCount, 25)
    await Promise.all(nodes.map((node) => node.close()))
  })

  test('connections the server drops are reported, not thrown, and the next query reconnects', async () => {
    const errors: Error[] = []
    const name = `registrar_drop_${randomBytes(4).toString('hex')}`
    const url = `${schema.url}&application_name=${name}`
    const store = await openStore(url, {
      ...testStoreOptions(url),
      onError: (error) => errors.push(error),
    })
    await store.ping()
    const admin = new pg.Client({ connectionString: SERVER })
    await admin.connect()
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [name],
    )
    await admin.end()
    for (let waited = 0; errors.length === 0 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.ok(errors.length > 0, 'the pool reported the dropped connection')
    await store.ping()
    await store.close()
  })

  test('an unreachable server rejects the open', async () => {
    await assert.rejects(
      openStore('postgres://root@127.0.0.1:1/test', testStoreOptions('postgres:')),
    )
  })
})
