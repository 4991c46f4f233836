/**
 * Export and import (src/store/transfer/): a SQLite database moved to PostgreSQL and back
 * to SQLite is equal row by row, its secrets opened; the audit chain verifies after the
 * move; old registration access tokens and client secrets still work. A wrong key, a
 * newer format, an export cut short or a database not empty is refused with the
 * destination left as it was. Every table of the schema is moved or knowingly skipped.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Kysely } from 'kysely'
import { createEngine, type Engine, type ServiceRecord } from '../../src/engine/index.js'
import {
  connect,
  exportStore,
  importStore,
  MOVED_TABLES,
  openStore,
  parseKeyring,
  secretBox,
  SKIPPED_TABLES,
  WrongExportKeyError,
  type Database,
  type Flavor,
  type Keyring,
  type TransferOptions,
} from '../../src/store/index.js'
import { tableColumns } from '../../src/store/transfer/database-tables.js'
import { withSecrets } from '../../src/store/transfer/tables.js'
import { TEST_DATABASES } from '../support/databases.js'
import { countTables, TEST_SECRET_KEYS_TEXT } from '../support/postgres.js'

const EXPORT_KEY = randomBytes(32).toString('base64')
const SQLITE_KEYS = parseKeyring(`source:${randomBytes(32).toString('base64')}`)
const POSTGRES_KEYS = parseKeyring(TEST_SECRET_KEYS_TEXT)
const [SQLITE, POSTGRES] = TEST_DATABASES

/** What the source holds that must work after the move. */
interface Credentials {
  service: ServiceRecord
  clients: { clientId: number; token: string; secret: string }[]
}

/** Fills a store with one of everything an export carries, the audit chain sealed. */
async function populate(url: string, secretKeys: Keyring): Promise<Credentials> {
  const store = await openStore(url, { secretKeys })
  try {
    const engine = createEngine({ store, baseUrl: 'http://source.invalid', audit: store.audit })
    await engine.ensureAdminToken('admin-token-of-the-source')
    const created = await engine.createService({
      serviceName: 'Moved AS',
      clientSecretRotationOverlap: 3600,
      registrationAccessTokenRotation: 'on_update',
    })
    const service = await engine.replacePolicy(created.apiKey, { maxClients: 1000 })
    await engine.createApiToken(service.apiKey, { description: 'ci' })
    await engine.createInitialAccessToken(service.apiKey, { description: 'partners' })
    await engine.createWebhook(service.apiKey, { url: 'https://hooks.example/registrar' })
    const clients = []
    for (let i = 0; i < 6; i++) clients.push(await register(engine, service, i))
    // An update rotates the token (a lineage) and makes a version; a renewal a previous secret.
    const updated = await engine.update(service, {
      clientId: clients[0]!.clientId,
      token: clients[0]!.token,
      json: JSON.stringify({ client_name: 'Renamed', redirect_uris: ['https://app.example/cb'] }),
    })
    assert.equal(updated.status, 200)
    clients[0]!.token = (
      updated.body as { registration_access_token: string }
    ).registration_access_token
    const renewed = await engine.refreshClientSecret(service, clients[1]!.clientId)
    clients[1]!.secret = renewed.newClientSecret
    await store.recordClientUse(service.apiKey, clients[2]!.clientId, 1_750_000_000_000)
    await engine.deleteClient(service, clients[5]!.clientId)
    clients.pop()
    await store.pinMetadataDocument({
      serviceApiKey: service.apiKey,
      url: 'https://agent.example/client.json',
      document: '{"client_name":"Agent"}',
      fetchedAt: 1_750_000_000_000,
    })
    await store.approveMetadataDocument(service.apiKey, 'https://agent.example/client.json', 1)
    while ((await store.audit.seal()) > 0);
    return { service, clients }
  } finally {
    await store.close()
  }
}

async function register(engine: Engine, service: ServiceRecord, i: number) {
  const decision = await engine.register(service, {
    json: JSON.stringify({ client_name: `Client ${i}`, redirect_uris: ['https://app.example/cb'] }),
  })
  assert.equal(decision.status, 201)
  const body = decision.body as {
    client_id: string
    client_secret: string
    registration_access_token: string
  }
  return {
    clientId: Number(body.client_id),
    token: body.registration_access_token,
    secret: body.client_secret,
  }
}

/** Every moved row of a database, in key order, with its sealed secrets opened. */
async function rowsOf(url: string, secretKeys: Keyring) {
  const { db } = await connect(url)
  const box = secretBox(secretKeys)
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>
  try {
    const tables: Record<string, Record<string, unknown>[]> = {}
    for (const table of MOVED_TABLES) {
      let query = untyped.selectFrom(table.name).selectAll()
      for (const column of table.key) query = query.orderBy(column)
      tables[table.name] = (await query.execute()).map((row) =>
        withSecrets(table, row, (value, { sealed, serviceApiKey, clientId }) =>
          sealed ? box.open(value, serviceApiKey, clientId) : value,
        ),
      )
    }
    return tables
  } finally {
    await db.destroy()
  }
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = []
  for await (const line of lines) all.push(line)
  return all
}

async function* yieldAll(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines
}

const options = (secretKeys: Keyring, exportKey = EXPORT_KEY): TransferOptions => ({
  secretKeys,
  exportKey,
  registrarVersion: '0.0.0-test',
})

async function tablesOf(url: string, flavor: Flavor): Promise<Map<string, Set<string>>> {
  const { db } = await connect(url)
  try {
    return await tableColumns(db as Kysely<Database>, flavor)
  } finally {
    await db.destroy()
  }
}

describe('export and import', () => {
  const drops: (() => Promise<void>)[] = []
  const fresh = async (database = POSTGRES!) => {
    const created = await database.create()
    drops.push(created.drop)
    return created.url
  }
  let source: string
  let credentials: Credentials
  let exported: string[]

  before(async () => {
    source = await fresh(SQLITE)
    credentials = await populate(source, SQLITE_KEYS)
    exported = await collect(exportStore(source, options(SQLITE_KEYS)))
  })
  after(async () => {
    for (const drop of drops) await drop()
  })

  test('every table of the schema is either moved or skipped with a reason, on both databases', async () => {
    const covered = [...MOVED_TABLES.map(({ name }) => name), ...Object.keys(SKIPPED_TABLES)]
    for (const [url, flavor] of [
      [source, 'sqlite'],
      [await fresh(), 'postgres'],
    ] as const) {
      const tables = [...(await tablesOf(url, flavor)).keys()]
      assert.deepEqual(tables.sort(), [...covered].sort(), `the tables of ${flavor}`)
    }
  })

  test('the header names the format, the versions and the time, and no secret is in the clear', () => {
    const header = JSON.parse(exported[0]!)
    assert.equal(header.format, 'registrar-export')
    assert.equal(header.formatVersion, 1)
    assert.equal(header.registrarVersion, '0.0.0-test')
    assert.equal(typeof header.schemaVersion, 'number')
    assert.ok(!Number.isNaN(Date.parse(header.exportedAt)))
    const text = exported.join('\n')
    for (const { secret } of credentials.clients) assert.ok(!text.includes(secret))
    assert.ok(JSON.parse(exported.at(-1)!).end.rows.clients >= 5)
  })

  test('SQLite to PostgreSQL to SQLite keeps every row, secrets and numbers included', async () => {
    const postgres = await fresh()
    const report = await importStore(postgres, options(POSTGRES_KEYS), yieldAll(exported))
    assert.equal(report.rows['clients'], JSON.parse(exported.at(-1)!).end.rows.clients)
    const back = await fresh(SQLITE)
    await importStore(back, options(SQLITE_KEYS), exportStore(postgres, options(POSTGRES_KEYS)))
    const original = await rowsOf(source, SQLITE_KEYS)
    // The source holds what could be lost: every kind of row, and the columns a client
    // gains over its life.
    for (const table of MOVED_TABLES) {
      assert.ok(original[table.name]!.length > 0, `the source has ${table.name}`)
    }
    for (const column of [
      'previous_client_secret',
      'rat_previous_hash',
      'rat_retired',
      'last_used_at',
      'deleted_at',
    ]) {
      assert.ok(
        original['clients']!.some((row) => row[column] !== null),
        `a client has ${column}`,
      )
    }
    assert.deepEqual(await rowsOf(postgres, POSTGRES_KEYS), original)
    assert.deepEqual(await rowsOf(back, SQLITE_KEYS), original)
  })

  test('after the move the audit chain verifies, old tokens and secrets work, and new rows get new numbers', async () => {
    const postgres = await fresh()
    await importStore(postgres, options(POSTGRES_KEYS), yieldAll(exported))
    const store = await openStore(postgres, { secretKeys: POSTGRES_KEYS })
    try {
      const engine = createEngine({ store, baseUrl: 'http://target.invalid', audit: store.audit })
      const verification = await engine.verifyAudit()
      assert.deepEqual(verification.problems, [])
      assert.ok(verification.checked > 5)
      const service = await engine.requireService(credentials.service.apiKey)
      for (const { clientId, token, secret } of credentials.clients) {
        const read = await engine.read(service, { clientId, token })
        assert.equal(read.status, 200, `client ${clientId} reads with its old token`)
        assert.equal(read.client?.clientSecret, secret)
      }
      const versions = await engine.clientVersions(service, credentials.clients[0]!.clientId)
      assert.equal(versions.length, 2, 'the renamed client keeps both its versions')
      const added = await register(engine, service, 99)
      const record = await store.getClient(service.apiKey, added.clientId)
      const numbers = (await rowsOf(source, SQLITE_KEYS))['clients']!.map((row) => row['number'])
      assert.ok(record!.number > Math.max(...(numbers as number[])))
      while ((await store.audit.seal()) > 0);
      assert.deepEqual((await engine.verifyAudit()).problems, [])
    } finally {
      await store.close()
    }
  })

  test('a wrong export key is refused before the destination is touched', async () => {
    const postgres = await fresh()
    const wrong = randomBytes(32).toString('base64')
    await assert.rejects(
      importStore(postgres, options(POSTGRES_KEYS, wrong), yieldAll(exported)),
      WrongExportKeyError,
    )
    // Not even migrated: the key is checked before the database is opened.
    assert.equal(await countTables(postgres), 0)
  })

  test('a passphrase works as an export key, and another passphrase is refused', async () => {
    const passphrase = 'correct horse battery staple'
    const lines = await collect(exportStore(source, options(SQLITE_KEYS, passphrase)))
    assert.equal(JSON.parse(lines[0]!).key.derivation.kdf, 'scrypt')
    await assert.rejects(
      importStore(
        await fresh(),
        options(POSTGRES_KEYS, 'incorrect horse battery staple'),
        yieldAll(lines),
      ),
      WrongExportKeyError,
    )
    const postgres = await fresh()
    await importStore(postgres, options(POSTGRES_KEYS, passphrase), yieldAll(lines))
    assert.deepEqual(await rowsOf(postgres, POSTGRES_KEYS), await rowsOf(source, SQLITE_KEYS))
  })

  test('a newer format or schema, or an older schema, is refused with the version to use', async () => {
    const header = JSON.parse(exported[0]!)
    for (const [change, reason] of [
      [{ formatVersion: 2 }, /format 2, newer than this Registrar reads/],
      [{ schemaVersion: 10_000 }, /newer than this Registrar knows/],
      [{ schemaVersion: header.schemaVersion - 1 }, /older than this Registrar's .* export again/],
    ] as const) {
      const lines = [JSON.stringify({ ...header, ...change }), ...exported.slice(1)]
      const postgres = await fresh()
      await assert.rejects(importStore(postgres, options(POSTGRES_KEYS), yieldAll(lines)), reason)
      assert.equal(await countTables(postgres), 0)
    }
  })

  test('an export cut short, or with an altered secret, leaves the destination empty', async () => {
    const clientLine = exported.findIndex((line) => line.includes('"client_secret":"x1.'))
    const altered = exported.map((line, index) =>
      index === clientLine ? line.replace('"client_secret":"x1.', '"client_secret":"x1.A') : line,
    )
    for (const [lines, reason] of [
      [exported.slice(0, -1), /cut short/],
      [altered, /does not open|not a well-formed/],
    ] as const) {
      const postgres = await fresh()
      await assert.rejects(importStore(postgres, options(POSTGRES_KEYS), yieldAll(lines)), reason)
      const rows = await rowsOf(postgres, POSTGRES_KEYS)
      for (const table of MOVED_TABLES) {
        if (table.name === 'audit_chains') continue
        assert.deepEqual(rows[table.name], [], `${table.name} is empty`)
      }
    }
  })

  test('an import into a database that holds data is refused', async () => {
    const postgres = await fresh()
    await importStore(postgres, options(POSTGRES_KEYS), yieldAll(exported))
    await assert.rejects(
      importStore(postgres, options(POSTGRES_KEYS), yieldAll(exported)),
      /not empty \(it has services\)/,
    )
  })
})
