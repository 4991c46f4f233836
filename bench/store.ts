/**
 * Store throughput at small and large sizes: registrations per second one at a time
 * (every one its own fsync) and 64 at a time (group commit), and getClient lookups of
 * random stored ids, for SQLite (a temporary file) and PostgreSQL (a fresh schema).
 * The bulk of each size is loaded by one INSERT ... SELECT per 100,000 rows, which
 * generates the rows inside the database.
 *
 *   npm run bench:store [-- --sizes 1000,100000] [--backends sqlite,postgres]
 *                       [--postgres postgres://root@127.0.0.1:5432/test] [--seconds 3]
 */
import { randomBytes, randomInt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import type { NewClientRecord } from '../src/engine/records.js'
import {
  connect,
  newSecretKey,
  openStore,
  type Database,
  type Flavor,
  type KyselyStore,
} from '../src/store/index.js'

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,1000000' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    postgres: { type: 'string', default: 'postgres://root@127.0.0.1:5432/test' },
    seconds: { type: 'string', default: '3' },
  },
})
const sizes = args.sizes
  .split(',')
  .map(Number)
  .sort((a, b) => a - b)
const seconds = Number(args.seconds)
const SERVICE = 1
const LOAD_CHUNK = 100_000
const METADATA = JSON.stringify({
  client_name: 'Bench client',
  redirect_uris: ['https://app.example.com/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  application_type: 'web',
})

/** The id of the i-th bulk-loaded client: a bijection on [0, 2^40), so ids spread. */
const bulkId = (i: number) => (i * 2654435761) % 2 ** 40

interface Row {
  backend: string
  clients: number
  serial: number
  grouped: number
  batch: number
  lookups: number
}

async function bulkLoad(db: Kysely<Database>, flavor: Flavor, from: number, to: number) {
  for (let start = from; start <= to; start += LOAD_CHUNK) {
    const end = Math.min(to, start + LOAD_CHUNK - 1)
    const rows =
      flavor === 'sqlite'
        ? sql`with recursive s(i) as (select ${start} union all select i + 1 from s where i < ${end})`
        : sql`with s(i) as (select generate_series(${start}::bigint, ${end}::bigint))`
    await sql`${rows}
      insert into clients (service_api_key, client_id, client_secret, client_secret_expires_at,
        metadata, extras, rat_hash, dynamically_registered, developer, software_id, created_at,
        modified_at, version)
      select ${SERVICE}, (i * 2654435761) % 1099511627776, 'bench-secret', 0, ${METADATA}, '{}',
        'bench-rat-hash', 1, 'bench', null, 0, 0, 1 from s`.execute(db)
  }
  if (flavor === 'postgres') await sql`analyze clients`.execute(db)
}

function newClient(): NewClientRecord {
  return {
    serviceApiKey: SERVICE,
    clientId: randomInt(2 ** 41, 2 ** 47),
    clientSecret: randomBytes(32).toString('base64url'),
    clientSecretExpiresAt: 0,
    metadata: JSON.parse(METADATA),
    extras: {},
    registrationAccessTokenHash: randomBytes(32).toString('base64url'),
    dynamicallyRegistered: true,
    developer: 'bench',
    createdAt: Date.now(),
    modifiedAt: Date.now(),
  }
}

/** Operations per second of `operation` run by `concurrency` loops for `seconds`. */
async function rate(concurrency: number, operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  const deadline = started + seconds * 1000
  let done = 0
  const loop = async () => {
    while (performance.now() < deadline) {
      await operation()
      done++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  return done / ((performance.now() - started) / 1000)
}

async function measure(
  store: KyselyStore,
  backend: string,
  loaded: number,
  stored: number,
): Promise<Row> {
  const serial = await rate(1, () => store.insertClient(newClient()))
  const before = store.stats
  const grouped = await rate(64, () => store.insertClient(newClient()))
  const after = store.stats
  const batch =
    (after.clientInserts - before.clientInserts) /
    (after.clientInsertTransactions - before.clientInsertTransactions)
  const lookups = await rate(16, async () => {
    const found = await store.getClient(SERVICE, bulkId(randomInt(1, loaded + 1)))
    if (!found) throw new Error('a loaded client is missing')
  })
  return { backend, clients: stored, serial, grouped, batch, lookups }
}

async function benchBackend(backend: Flavor): Promise<Row[]> {
  const { url, cleanUp } = backend === 'sqlite' ? sqliteDatabase() : await postgresSchema()
  const { db, flavor } = await connect(url)
  // A fresh key: PostgreSQL has no default one, and the database is new.
  const store = await openStore(url, { secretKeys: [newSecretKey()] })
  const rows: Row[] = []
  try {
    await store.insertService({
      apiKey: SERVICE,
      apiSecretHash: 's',
      settings: {},
      policy: {},
      createdAt: 0,
      modifiedAt: 0,
    })
    let loaded = 0
    let stored = 0
    for (const size of sizes) {
      const started = performance.now()
      if (size > stored) await bulkLoad(db, flavor, loaded + 1, loaded + size - stored)
      loaded += Math.max(0, size - stored)
      stored = Math.max(size, stored)
      const loadSeconds = (performance.now() - started) / 1000
      console.error(
        `${backend}: ${stored} clients stored (load ${loadSeconds.toFixed(1)} s), measuring`,
      )
      const row = await measure(store, backend, loaded, stored)
      rows.push(row)
      stored += Math.round((row.serial + row.grouped) * seconds)
    }
  } finally {
    await store.close()
    await db.destroy()
    await cleanUp()
  }
  return rows
}

function sqliteDatabase() {
  const folder = mkdtempSync(join(tmpdir(), 'registrar-bench-'))
  return { url: join(folder, 'bench.db'), cleanUp: async () => rmSync(folder, { recursive: true }) }
}

async function postgresSchema() {
  const schema = `registrar_bench_${randomBytes(6).toString('hex')}`
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: args.postgres })
    await client.connect()
    await client.query(statement)
    await client.end()
  }
  await admin(`create schema ${schema}`)
  const separator = args.postgres.includes('?') ? '&' : '?'
  return {
    url: `${args.postgres}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    cleanUp: () => admin(`drop schema ${schema} cascade`),
  }
}

const rows: Row[] = []
for (const backend of args.backends.split(',') as Flavor[])
  rows.push(...(await benchBackend(backend)))

const format = (n: number) => Math.round(n).toLocaleString('en-US')
console.log(
  '| backend | clients stored | inserts/s, 1 at a time | inserts/s, 64 at a time | inserts per transaction | lookups/s, 16 at a time |',
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
for (const row of rows) {
  console.log(
    `| ${row.backend} | ${format(row.clients)} | ${format(row.serial)} | ${format(row.grouped)} | ${row.batch.toFixed(1)} | ${format(row.lookups)} |`,
  )
}
