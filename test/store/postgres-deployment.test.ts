/**
 * PostgreSQL as a deployment has it: roles with passwords, TLS, a schema of Registrar's own
 * and roles that may only read and write rows. The shared test server trusts every
 * connection and has no TLS, so passwords and TLS are checked on a server of the test's own
 * (private-postgres.ts); schemas and privileges on the shared one.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { connect, openStore } from '../../src/store/index.js'
import { SCHEMA_VERSION, SchemaTooNewError } from '../../src/store/migrations.js'
import { POSTGRES_URL, testStoreOptions } from '../support/postgres.js'
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js'
import { createTestCa } from '../support/tls.js'
import { newClient } from './records.js'

/** Runs statements as the shared server's superuser. */
async function admin(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

/** The shared server's URL for `user` (trust: any password is accepted), with `query`. */
function sharedUrl(user: string, query: string, password?: string): string {
  const url = new URL(POSTGRES_URL)
  url.username = user
  if (password !== undefined) url.password = password
  return `${url.toString()}${query}`
}

const unique = () => randomBytes(5).toString('hex')

/** Whether the connection the query ran on is encrypted. */
async function encrypted(url: string, password?: string): Promise<boolean> {
  const { db } = await connect(url, { password })
  try {
    const { rows } = await sql<{
      ssl: boolean
    }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(db)
    return rows[0]!.ssl
  } finally {
    await db.destroy()
  }
}

/** The error connect() fails with. */
async function connectError(url: string, options = {}): Promise<Error> {
  try {
    const { db } = await connect(url, options)
    await db.destroy()
  } catch (error) {
    return error as Error
  }
  assert.fail('connected')
}

describe('PostgreSQL with passwords and TLS (a server of the test’s own)', () => {
  let server: PrivatePostgres
  const role = `registrar_${unique()}`
  const password = `pw-${unique()}:/@?#%`
  before(async () => {
    server = await startPrivatePostgres()
    server.sql(`create role ${role} login password '${password}'`)
    server.sql(`create schema ${role} authorization ${role}`)
  })
  after(() => server?.stop())

  test('a role connects with the password in the URL, percent-encoded, and migrates its schema', async () => {
    const store = await openStore(
      server.url(role, password, `?schema=${role}`),
      testStoreOptions('postgres:'),
    )
    await store.close()
  })

  test('a wrong password fails naming the role, never the password given', async () => {
    const wrong = `wrong-${unique()}`
    const error = await connectError(server.url(role, wrong))
    assert.match(error.message, /password authentication failed/)
    assert.ok(!error.message.includes(wrong), error.message)
    assert.ok(!(error.stack ?? '').includes(wrong))
  })

  test('the password file’s password is used for a URL without one, over TCP and the Unix socket', async () => {
    const url = server.url(role, undefined, `?schema=${role}`)
    await connect(url, { password }).then(({ db }) => db.destroy())
    const socket = `${server.url(role, undefined)}?host=${encodeURIComponent(server.socketDir)}&schema=${role}`
    await connect(socket, { password }).then(({ db }) => db.destroy())
    const error = await connectError(socket, { password: 'not-it' })
    assert.match(error.message, /password authentication failed/)
  })

  test('a server that asks for a password when none was given says where one may be put', async () => {
    const error = await connectError(server.url(role, undefined))
    assert.match(error.message, /asks for a password and none was given: put it in the URL/)
  })

  test('PGPASSWORD is used for a URL without a password, as libpq does', async () => {
    process.env['PGPASSWORD'] = password
    try {
      await connect(server.url(role, undefined, `?schema=${role}`)).then(({ db }) => db.destroy())
    } finally {
      delete process.env['PGPASSWORD']
    }
  })

  test('a passfile (PGPASSFILE, ~/.pgpass) is read for a URL without a password, as libpq does', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'registrar-pgpass-'))
    const passfile = join(folder, 'pgpass')
    writeFileSync(passfile, `127.0.0.1:${server.port}:postgres:${role}:${password}\n`, {
      mode: 0o600,
    })
    process.env['PGPASSFILE'] = passfile
    try {
      await connect(server.url(role, undefined, `?schema=${role}`)).then(({ db }) => db.destroy())
    } finally {
      delete process.env['PGPASSFILE']
      rmSync(folder, { recursive: true, force: true })
    }
  })

  test('sslmode=verify-full with the CA as sslrootcert connects encrypted', async () => {
    const query = `?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.caFile)}&schema=${role}`
    assert.equal(await encrypted(server.url(role, password, query)), true)
  })

  test('sslmode=verify-full without the CA refuses the server’s certificate, naming no password', async () => {
    const error = await connectError(server.url(role, password, '?sslmode=verify-full'))
    assert.match(error.message, /certificate/)
    assert.ok(!error.message.includes(password))
  })

  test('sslmode=verify-ca checks the chain against sslrootcert; so does require given one, as libpq does', async () => {
    const ca = `&sslrootcert=${encodeURIComponent(server.caFile)}&schema=${role}`
    assert.equal(await encrypted(server.url(role, password, `?sslmode=verify-ca${ca}`)), true)
    assert.equal(await encrypted(server.url(role, password, `?sslmode=require${ca}`)), true)
    const other = createTestCa()
    try {
      const wrong = `&sslrootcert=${encodeURIComponent(other.caFile)}`
      for (const mode of ['verify-ca', 'require', 'verify-full']) {
        const error = await connectError(server.url(role, password, `?sslmode=${mode}${wrong}`))
        assert.match(error.message, /certificate/, mode)
      }
    } finally {
      other.remove()
    }
  })

  test('sslmode=require encrypts without checking the certificate, as libpq does; disable does not encrypt', async () => {
    assert.equal(
      await encrypted(server.url(role, password, `?sslmode=require&schema=${role}`)),
      true,
    )
    assert.equal(
      await encrypted(server.url(role, password, `?sslmode=disable&schema=${role}`)),
      false,
    )
    assert.equal(await encrypted(server.url(role, password, `?schema=${role}`)), false)
  })
})

describe('PostgreSQL TLS and URL mistakes on the shared server (which has no TLS)', () => {
  test('sslmode=require against a server without TLS fails naming SSL, never the password', async () => {
    const secret = `pw-${unique()}`
    const url = sharedUrl('root', '?sslmode=require', secret)
    const error = await connectError(url)
    assert.match(error.message, /does not support SSL connections: the URL's sslmode asks for TLS/)
    assert.ok(!error.message.includes(secret), error.message)
  })

  test('sslmode values that would fall back to plain text, ssl= and a verify-ca without CA are refused before connecting', async () => {
    for (const [query, message] of [
      ['?sslmode=prefer', /sslmode=prefer is not supported/],
      ['?sslmode=allow', /sslmode=allow is not supported/],
      ['?ssl=true', /use sslmode/],
      ['?sslmode=verify-ca', /needs the CA file/],
      [
        '?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem',
        /sslrootcert \/nonexistent\/ca.pem: ENOENT/,
      ],
      ['?schema=Mixed-Case', /not a lower-case name/],
      ['?schema=s&options=-c%20search_path%3Dt', /both schema and options/],
    ] as const) {
      const error = await connectError(sharedUrl('root', query, 'hidden-password'))
      assert.match(error.message, message, query)
      assert.ok(!error.message.includes('hidden-password'))
    }
  })

  test('a URL that does not parse is refused without echoing it', async () => {
    const error = await connectError('postgres://root:hidden-password@[bad/test')
    assert.equal(error.message, 'the database URL is not a valid postgres:// URL')
  })
})

describe('PostgreSQL schemas and privileges (the shared server)', () => {
  const owner = `registrar_owner_${unique()}`
  const app = `registrar_app_${unique()}`
  const schema = owner
  // The README's recipe: the application role gets rights on what the owner's migrations create.
  before(() =>
    admin(
      `create role ${owner} login`,
      `create role ${app} login`,
      `create schema ${schema} authorization ${owner}`,
      `grant usage on schema ${schema} to ${app}`,
      `alter default privileges for role ${owner} in schema ${schema} grant select, insert, update, delete on tables to ${app}`,
      `alter default privileges for role ${owner} in schema ${schema} grant usage, select on sequences to ${app}`,
    ),
  )
  after(() =>
    admin(
      `drop schema if exists ${schema} cascade`,
      `drop owned by ${app}`,
      `drop owned by ${owner}`,
      `drop role ${app}`,
      `drop role ${owner}`,
    ),
  )

  test('a role that owns only its schema migrates into it and creates nothing elsewhere', async () => {
    const store = await openStore(
      sharedUrl(owner, `?schema=${schema}`),
      testStoreOptions('postgres:'),
    )
    await store.close()
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    const { rows } = await client.query<{ schemaname: string; count: string }>(
      'select schemaname, count(*) from pg_tables where tableowner = $1 group by schemaname',
      [owner],
    )
    await client.end()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.schemaname, schema)
    assert.ok(Number(rows[0]!.count) >= 10)
  })

  test('a role with only SELECT, INSERT, UPDATE and DELETE (granted by default privileges of the owner) runs a migrated schema', async () => {
    const store = await openStore(
      sharedUrl(app, `?schema=${schema}`),
      testStoreOptions('postgres:'),
    )
    try {
      const service = await store.insertService({
        apiKey: 7,
        apiSecretHash: 's',
        settings: {},
        policy: {},
        createdAt: 0,
        modifiedAt: 0,
      })
      const client = await store.insertClient(newClient(service.apiKey))
      assert.equal(
        (await store.getClient(service.apiKey, client.clientId))?.clientId,
        client.clientId,
      )
    } finally {
      await store.close()
    }
  })

  test('that role, on a schema not yet migrated, fails saying it lacks the privilege', async () => {
    const empty = `registrar_empty_${unique()}`
    await admin(`create schema ${empty}`, `grant usage on schema ${empty} to ${app}`)
    try {
      const error = await connectError(sharedUrl(app, `?schema=${empty}`))
      assert.match(error.message, /permission denied for schema/)
    } finally {
      await admin(`drop schema ${empty} cascade`)
    }
  })

  test('a schema that does not exist yet is created by the first start', async () => {
    const fresh = `registrar_fresh_${unique()}`
    try {
      const [first, second] = await Promise.all([
        connect(sharedUrl('root', `?schema=${fresh}`)),
        connect(sharedUrl('root', `?schema=${fresh}`)),
      ])
      await Promise.all([first.db.destroy(), second.db.destroy()])
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      const { rows } = await client.query(
        `select 1 from pg_tables where schemaname = $1 and tablename = 'registrar_migrations'`,
        [fresh],
      )
      await client.end()
      assert.equal(rows.length, 1)
    } finally {
      await admin(`drop schema if exists ${fresh} cascade`)
    }
  })

  test('a database migrated by a newer Registrar is refused, naming both versions', async () => {
    const newer = `registrar_newer_${unique()}`
    const url = sharedUrl('root', `?schema=${newer}`)
    try {
      const { db } = await connect(url)
      await db
        .insertInto('registrar_migrations')
        .values({ version: SCHEMA_VERSION + 1, name: 'from the future', applied_at: 0 })
        .execute()
      await db.destroy()
      const error = await connectError(url)
      assert.ok(error instanceof SchemaTooNewError)
      assert.match(error.message, new RegExp(`version ${SCHEMA_VERSION + 1}, newer`))
      assert.match(error.message, new RegExp(`\\(version ${SCHEMA_VERSION}\\)`))
    } finally {
      await admin(`drop schema if exists ${newer} cascade`)
    }
  })

  test('the pool never opens more connections than its size', async () => {
    const fresh = `registrar_pool_${unique()}`
    const { db, use } = await connect(sharedUrl('root', `?schema=${fresh}`), {
      maxConnections: 2,
    })
    try {
      await Promise.all(Array.from({ length: 8 }, () => sql`select pg_sleep(0.05)`.execute(db)))
      assert.equal(use().pool?.total, 2)
    } finally {
      await db.destroy()
      await admin(`drop schema if exists ${fresh} cascade`)
    }
  })
})
