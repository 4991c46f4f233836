/**
 * Client secrets encrypted at rest, through the real server: the database file (and its
 * WAL) never holds a registered secret, the PostgreSQL row neither, while the API still
 * answers `clientSecret` (Authlete's client/get does) and client/authenticate accepts it.
 * Keys: a SQLite key file created 0600 on first start, a keyring in REGISTRAR_SECRET_KEYS
 * rotated (new key first, `registrar secrets rekey` beside the running server, old key
 * removed), a missing key that refuses the start, PostgreSQL without a key refused.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { Api, call } from '../support/http.js'
import { createTestSchema, type TestSchema } from '../support/postgres.js'
import { MAIN, serverEnv, startServer, type RunningServer } from '../support/start-server.js'

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`
const A = keyText('a')
const B = keyText('b')

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-sealed-'))
})
after(async () => {
  await rm(folder, { recursive: true, force: true })
})

interface Registered {
  serviceId: string
  clientId: string
  secret: string
}

async function registerOne(server: RunningServer, serviceId?: string): Promise<Registered> {
  const service = serviceId ?? (await new Api(server.url, server.adminToken).createService())
  const answer = await call(`${server.url}/${service}/register`, {
    body: { redirect_uris: ['https://app.example/cb'] },
  })
  assert.equal(answer.status, 201, answer.text)
  assert.equal(typeof answer.json.client_secret, 'string')
  return { serviceId: service, clientId: answer.json.client_id, secret: answer.json.client_secret }
}

/** client/get answers the secret, and client/authenticate accepts it. */
async function assertSecretWorks(server: RunningServer, client: Registered): Promise<void> {
  const api = new Api(server.url, server.adminToken)
  const got = await api.call(`/api/${client.serviceId}/client/get/${client.clientId}`)
  assert.equal(got.status, 200, got.text)
  assert.equal(got.json.clientSecret, client.secret)
  const authenticated = await api.call(`/api/${client.serviceId}/client/authenticate`, {
    body: { client_id: client.clientId, client_secret: client.secret },
  })
  assert.equal(authenticated.status, 200, authenticated.text)
}

/** The client_secret column of a client, read from the SQLite file itself. */
function storedInFile(database: string, clientId: string): string {
  const db = new SqliteDatabase(database, { readonly: true, fileMustExist: true })
  try {
    const row = db
      .prepare('select client_secret from clients where client_id = ?')
      .get(Number(clientId)) as { client_secret: string }
    return row.client_secret
  } finally {
    db.close()
  }
}

/** Whether any byte of the database file or its WAL holds `text`. */
async function fileHolds(database: string, text: string): Promise<boolean> {
  for (const file of [database, `${database}-wal`]) {
    if (existsSync(file) && (await readFile(file)).includes(text)) return true
  }
  return false
}

const runCli = promisify(execFile)

describe('on SQLite', () => {
  test('with no key given, a key file is created 0600 on first start and the file holds no secret', async () => {
    const database = join(folder, 'default', 'registrar.db')
    let server = await startServer({ database })
    let client: Registered
    try {
      client = await registerOne(server)
      assert.equal(((await stat(`${database}.key`)).mode & 0o777).toString(8), '600')
      const told = server.stdout.filter((line) => line.includes(`${database}.key`))
      assert.match(told.join('\n'), /sealed with a new key in .*: back it up with the database/)
      assert.match(storedInFile(database, client.clientId), /^enc1\.k[0-9a-f]{8}\./)
      assert.equal(await fileHolds(database, client.secret), false)
      assert.equal(await fileHolds(database, 'https://app.example/cb'), true, 'the row is read')
      await assertSecretWorks(server, client)
    } finally {
      assert.equal(await server.stop(), 0)
    }
    const keyFile = await readFile(`${database}.key`, 'utf8')
    server = await startServer({ database })
    try {
      await assertSecretWorks(server, client)
      assert.equal(await readFile(`${database}.key`, 'utf8'), keyFile, 'the key file is kept')
      assert.ok(!server.stdout.some((line) => line.includes('new key')))
    } finally {
      await server.stop()
    }
  })

  test('key rotation: A, then B before A, rekey beside the running server, then B alone', async () => {
    const database = join(folder, 'rotation.db')
    const withKeys = (keys: string) => ({ database, env: { REGISTRAR_SECRET_KEYS: keys } })
    let server = await startServer(withKeys(A))
    const first = await registerOne(server).finally(() => server.stop())
    assert.match(storedInFile(database, first.clientId), /^enc1\.a\./)

    server = await startServer(withKeys(`${B},${A}`))
    try {
      await assertSecretWorks(server, first)
      const second = await registerOne(server, first.serviceId)
      assert.match(storedInFile(database, second.clientId), /^enc1\.b\./)
      const { stdout } = await runCli(
        process.execPath,
        [MAIN, 'secrets', 'rekey', '--database', database],
        { env: serverEnv({ REGISTRAR_SECRET_KEYS: `${B},${A}` }) },
      )
      assert.equal(stdout, '1 client secret sealed again under key "b"\n')
      assert.match(storedInFile(database, first.clientId), /^enc1\.b\./)
      // The running server reads what was sealed again beside it.
      await assertSecretWorks(server, first)
    } finally {
      await server.stop()
    }

    server = await startServer(withKeys(B))
    await assertSecretWorks(server, first).finally(() => server.stop())

    await assert.rejects(
      startServer(withKeys(A)),
      /exited with 1[\s\S]*sealed with key "b", which the secret keyring lacks/,
    )
  })

  test('a key file others may read is refused; a malformed keyring is refused without its keys', async () => {
    const keyFile = join(folder, 'shared.key')
    await writeFile(keyFile, `${A}\n`, { mode: 0o644 })
    await chmod(keyFile, 0o644)
    await assert.rejects(
      startServer({ database: join(folder, 'shared.db'), args: ['--secret-key-file', keyFile] }),
      /exited with 2[\s\S]*--secret-key-file[\s\S]*mode 644/,
    )
    const short = randomBytes(16).toString('base64')
    await assert.rejects(
      startServer({ database: ':memory:', env: { REGISTRAR_SECRET_KEYS: `a:${short}` } }),
      (error: Error) =>
        /exited with 2[\s\S]*REGISTRAR_SECRET_KEYS[\s\S]*32 bytes/.test(error.message) &&
        !error.message.includes(short),
    )
  })
})

describe('on PostgreSQL', () => {
  let schema: TestSchema
  before(async () => {
    schema = await createTestSchema()
  })
  after(() => schema.drop())

  test('the row holds the secret sealed; the API answers it and accepts it', async () => {
    // startServer gives servers on PostgreSQL the tests' keyring.
    const server = await startServer({ database: schema.url })
    try {
      const client = await registerOne(server)
      const connection = new pg.Client({ connectionString: schema.url })
      await connection.connect()
      try {
        const { rows } = await connection.query(
          'select client_secret from clients where client_id = $1',
          [Number(client.clientId)],
        )
        assert.match(rows[0].client_secret, /^enc1\.test\./)
        assert.ok(!rows[0].client_secret.includes(client.secret))
        const { rows: anywhere } = await connection.query(
          'select count(*) as found from clients where position($1 in client_secret) > 0',
          [client.secret],
        )
        assert.equal(Number(anywhere[0].found), 0)
      } finally {
        await connection.end()
      }
      await assertSecretWorks(server, client)
    } finally {
      await server.stop()
    }
  })

  test('without a key the server refuses to start, naming the settings', async () => {
    await assert.rejects(
      startServer({ database: schema.url, env: { REGISTRAR_SECRET_KEYS: '' } }),
      /exited with 1[\s\S]*PostgreSQL needs the key[\s\S]*REGISTRAR_SECRET_KEYS or --secret-key-file/,
    )
  })
})
