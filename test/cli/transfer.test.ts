/**
 * Moving 100,000 clients from SQLite to PostgreSQL with the real `registrar export` and
 * `registrar import` (dist/, so `npm run build` first): every client reads back from the
 * PostgreSQL store with its secret and its old registration access token, and a sample
 * works over HTTP against `registrar serve` on the imported database (RFC 7592 §2.1 read,
 * client/authenticate), with the audit chain whole. The clients are copies of one
 * Registrar registered, written straight into the SQLite file (as bench/seed.ts does).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { createEngine, hashSecret } from '../../src/engine/index.js'
import {
  keyFileOf,
  openStore,
  readKeyFile,
  secretBox,
  type KyselyStore,
} from '../../src/store/index.js'
import {
  countTables,
  createTestSchema,
  TEST_SECRET_KEYS_TEXT,
  type TestSchema,
} from '../support/postgres.js'
import { MAIN, serverEnv, startServer } from '../support/start-server.js'

const CLIENTS = 100_000
const SAMPLE = 40
const FIRST_CLIENT_ID = 99_000_000_000_000
const ROWS_PER_TRANSACTION = 20_000

/** A 43-character secret derived from the client's index, as bench/seed.ts derives them. */
const derive = (kind: string, i: number) =>
  createHash('sha256').update(`transfer:${kind}:${i}`).digest('base64url')

/** The service's apiKey: one registered client, then CLIENTS copies of it with their own secrets. */
async function seed(path: string): Promise<number> {
  const store = await openStore(path)
  let apiKey: number
  let templateId: number
  try {
    const engine = createEngine({ store, baseUrl: 'http://seed.invalid', audit: store.audit })
    const service = await engine.createService({ serviceName: 'Moving AS' })
    const decision = await engine.register(service, {
      json: JSON.stringify({ client_name: 'Template', redirect_uris: ['https://app.example/cb'] }),
    })
    assert.equal(decision.status, 201)
    apiKey = service.apiKey
    templateId = decision.client!.clientId
  } finally {
    await store.close()
  }
  const box = secretBox(readKeyFile(keyFileOf(path)))
  const database = new SqliteDatabase(path)
  try {
    const { number: _number, ...template } = database
      .prepare('select * from clients where client_id = ?')
      .get(templateId) as Record<string, unknown>
    const columns = Object.keys(template)
    const insert = database.prepare(
      `insert into clients (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
    )
    const insertMany = database.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const clientId = FIRST_CLIENT_ID + i
        insert.run({
          ...template,
          client_id: clientId,
          client_secret: box.seal(derive('secret', i), apiKey, clientId),
          rat_hash: hashSecret(derive('token', i)),
        })
      }
    })
    for (let from = 0; from < CLIENTS; from += ROWS_PER_TRANSACTION) {
      insertMany(from, Math.min(CLIENTS, from + ROWS_PER_TRANSACTION))
    }
    database.prepare('update services set client_count = client_count + ?').run(CLIENTS)
  } finally {
    database.close()
  }
  return apiKey
}

function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: serverEnv(env), timeout: 300_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout + stderr),
    )
  })
}

describe(`moving ${CLIENTS} clients from SQLite to PostgreSQL`, () => {
  let dir: string
  let schema: TestSchema
  let apiKey: number
  const timings: Record<string, number> = {}

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registrar-transfer-'))
    schema = await createTestSchema()
    let start = performance.now()
    apiKey = await seed(join(dir, 'source.db'))
    timings['seed'] = performance.now() - start
    await writeFile(join(dir, 'export.key'), 'a passphrase of the move, long enough\n', {
      mode: 0o600,
    })
    start = performance.now()
    await cli([
      'export',
      '--database',
      join(dir, 'source.db'),
      '--export-key-file',
      join(dir, 'export.key'),
      '--output',
      join(dir, 'export.jsonl'),
    ])
    timings['export'] = performance.now() - start
    timings['export bytes'] = (await stat(join(dir, 'export.jsonl'))).size
    start = performance.now()
    const imported = await cli(
      [
        'import',
        '--database',
        schema.url,
        '--export-key-file',
        join(dir, 'export.key'),
        '--input',
        join(dir, 'export.jsonl'),
      ],
      { REGISTRAR_SECRET_KEYS: TEST_SECRET_KEYS_TEXT },
    )
    timings['import'] = performance.now() - start
    assert.match(imported, new RegExp(`imported 1 services, ${CLIENTS + 1} clients`))
  })
  after(async () => {
    console.log(
      `# figures (milliseconds, and the export's size in bytes): ${JSON.stringify(timings, (_, value: unknown) => (typeof value === 'number' ? Math.round(value) : value))}`,
    )
    await schema.drop()
    await rm(dir, { recursive: true, force: true })
  })

  test('every client reads back from the PostgreSQL store with its secret and its old token', async () => {
    const start = performance.now()
    const store: KyselyStore = await openStore(schema.url, {
      secretKeys: (await import('../../src/store/index.js')).parseKeyring(TEST_SECRET_KEYS_TEXT),
    })
    try {
      const seen = new Set<number>()
      const pageSize = 2000
      for (let start = 0; ; start += pageSize) {
        const page = await store.listClients(apiKey, { start, end: start + pageSize })
        for (const client of page.items) {
          const i = client.clientId - FIRST_CLIENT_ID
          if (i < 0) continue
          assert.equal(client.clientSecret, derive('secret', i))
          assert.equal(client.registrationAccessTokenHash, hashSecret(derive('token', i)))
          seen.add(i)
        }
        if (page.items.length < pageSize) break
      }
      assert.equal(seen.size, CLIENTS)
    } finally {
      await store.close()
      timings['read back'] = performance.now() - start
    }
  })

  test('registrar import with another key exits 1 saying so, and creates nothing', async () => {
    await writeFile(join(dir, 'other.key'), 'another passphrase, long enough\n', { mode: 0o600 })
    const target = await createTestSchema()
    try {
      await assert.rejects(
        cli(
          ['import', '--database', target.url, '--export-key-file', join(dir, 'other.key')].concat([
            '--input',
            join(dir, 'export.jsonl'),
          ]),
          { REGISTRAR_SECRET_KEYS: TEST_SECRET_KEYS_TEXT },
        ),
        (error: Error) =>
          /Command failed/.test(error.message) &&
          /registrar: the export key does not open this export/.test(error.message),
      )
      assert.equal(await countTables(target.url), 0)
    } finally {
      await target.drop()
    }
  })

  test('a sample works over HTTP against registrar serve on the imported database, and the audit chain is whole', async () => {
    const server = await startServer({ database: schema.url })
    try {
      for (let k = 0; k < SAMPLE; k++) {
        const i = Math.floor((k * CLIENTS) / SAMPLE) + (k % 7)
        const clientId = FIRST_CLIENT_ID + i
        const read = await fetch(`${server.url}/${apiKey}/register/${clientId}`, {
          headers: { authorization: `Bearer ${derive('token', i)}` },
        })
        assert.equal(
          read.status,
          200,
          `client ${clientId} reads with its old token (RFC 7592 §2.1)`,
        )
        assert.equal(
          ((await read.json()) as { client_secret: string }).client_secret,
          derive('secret', i),
        )
        const authenticated = await fetch(`${server.url}/api/${apiKey}/client/authenticate`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${server.adminToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ client_id: String(clientId), client_secret: derive('secret', i) }),
        })
        assert.equal(authenticated.status, 200, `client ${clientId} authenticates with its secret`)
      }
      const verified = await cli([
        'audit',
        'verify',
        '--url',
        server.url,
        '--token',
        server.adminToken,
      ])
      assert.match(verified, /the audit chain is whole/)
    } finally {
      await server.stop()
    }
  })
})
