/**
 * Upgrades, rollbacks and backups as an operator meets them (README, Upgrades and backups):
 * `registrar serve` refuses a database a newer Registrar migrated, on SQLite and
 * PostgreSQL; `registrar backup` copies a SQLite file while a server keeps registering, and
 * a server started on the copy reads every client back; `serve` on a PostgreSQL that checks
 * passwords and offers TLS, and its connection errors, which never show the password.
 * Needs `npm run build` (dist/registrar.mjs).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import pg from 'pg'
import { connect } from '../../src/store/index.js'
import { MIGRATION_VERSIONS, SCHEMA_VERSION } from '../../src/store/migrations.js'
import { Api, call, type Answer } from '../support/http.js'
import { POSTGRES_URL, TEST_SECRET_KEYS_TEXT } from '../support/postgres.js'
import { startPrivatePostgres } from '../support/private-postgres.js'
import { MAIN, serverEnv, startServer } from '../support/start-server.js'

const folder = mkdtempSync(join(tmpdir(), 'registrar-upgrade-'))
after(() => rmSync(folder, { recursive: true, force: true }))

const CLIENT = { redirect_uris: ['https://app.example/cb'] }

interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `registrar ARGS` to its end (a server that starts is killed after 30 s). */
function registrar(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: serverEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Records a migration this Registrar does not know, as a newer one would. */
async function migrateFromTheFuture(database: string): Promise<void> {
  const { db } = await connect(database)
  await db
    .insertInto('registrar_migrations')
    .values({ version: SCHEMA_VERSION + 1, name: 'a newer release', applied_at: Date.now() })
    .execute()
  await db.destroy()
}

function assertRefusedAsNewer(run: Finished, prefix = 'cannot open the database: '): void {
  assert.equal(run.code, 1, run.stderr)
  assert.match(
    run.stderr,
    new RegExp(
      `${prefix}the database schema is at version ${SCHEMA_VERSION + 1}, ` +
        `newer than this Registrar knows \\(version ${SCHEMA_VERSION}\\)`,
    ),
  )
}

describe('a database a newer Registrar migrated', () => {
  test('serve on SQLite exits 1 naming both schema versions, and leaves the file as it was', async () => {
    const database = join(folder, 'newer.db')
    await migrateFromTheFuture(database)
    const before = statSync(database).size
    assertRefusedAsNewer(await registrar(['serve', '--port', '0', '--database', database]))
    assert.equal(statSync(database).size, before)
  })

  test('serve on PostgreSQL exits 1 naming both schema versions', async () => {
    const schema = `registrar_newer_${randomBytes(5).toString('hex')}`
    const url = `${POSTGRES_URL}?schema=${schema}`
    try {
      await migrateFromTheFuture(url)
      assertRefusedAsNewer(
        await registrar(['serve', '--port', '0', '--database', url], {
          REGISTRAR_SECRET_KEYS: TEST_SECRET_KEYS_TEXT,
        }),
      )
    } finally {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      await client.query(`drop schema if exists ${schema} cascade`)
      await client.end()
    }
  })
})

describe('migrations at start', () => {
  test('two servers starting at once on one fresh PostgreSQL schema both start, and each migration is recorded once with its time', async () => {
    const schema = `registrar_twice_${randomBytes(5).toString('hex')}`
    const database = `${POSTGRES_URL}?schema=${schema}`
    const started = Date.now()
    const servers = await Promise.all([startServer({ database }), startServer({ database })])
    await Promise.all(servers.map((server) => server.stop()))
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    try {
      const { rows } = await client.query<{ version: number; applied_at: string }>(
        `select version, applied_at from ${schema}.registrar_migrations order by version`,
      )
      assert.deepEqual(
        rows.map((row) => row.version),
        MIGRATION_VERSIONS,
      )
      for (const row of rows) {
        assert.ok(Number(row.applied_at) >= started && Number(row.applied_at) <= Date.now())
      }
    } finally {
      await client.query(`drop schema if exists ${schema} cascade`)
      await client.end()
    }
  })
})

describe('registrar migrate', () => {
  test('it migrates a database and exits, and says so when there is nothing left to apply', async () => {
    const database = join(folder, 'migrate.db')
    const first = await registrar(['migrate', '--database', database])
    assert.equal(first.code, 0, first.stderr)
    assert.equal(
      first.stdout,
      `migrated the schema to version ${SCHEMA_VERSION} (applied ${MIGRATION_VERSIONS.join(', ')})\n`,
    )
    const again = await registrar(['migrate'], { DATABASE_URL: database })
    assert.equal(again.stdout, `the schema is at version ${SCHEMA_VERSION} already\n`)
    await migrateFromTheFuture(database)
    assertRefusedAsNewer(await registrar(['migrate', '--database', database]), '')
  })
})

describe('registrar backup', () => {
  test('a copy taken while a server registers holds every client acknowledged before, each read back with its secret by a server on the copy', async () => {
    const database = join(folder, 'live.db')
    const output = join(folder, 'live-copy.db')
    const server = await startServer({ database })
    const api = new Api(server.url, server.adminToken)
    const id = await api.createService()
    const register = () => call(`${server.url}/${id}/register`, { body: CLIENT })
    const before: Answer[] = []
    for (let i = 0; i < 30; i++) before.push(await register())
    const during: Answer[] = []
    let writing = true
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) during.push(await register())
    })
    let backup: Finished
    try {
      await new Promise((resolve) => setTimeout(resolve, 50))
      backup = await registrar(['backup', '--database', database, '--output', output, '--with-key'])
    } finally {
      writing = false
      await Promise.all(writers)
      await server.stop()
    }
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, /^backed up \d+ clients to .*live-copy\.db \(\d+ bytes\)$/m)
    assert.ok(during.length > 0, 'the server registered while the backup ran')
    assert.equal(statSync(output).mode & 0o777, 0o600)
    assert.equal(statSync(`${output}.key`).mode & 0o777, 0o600)

    const restored = await startServer({ database: output, adminToken: server.adminToken })
    try {
      for (const answer of before) {
        assert.equal(answer.status, 201, answer.text)
        const read = await call(`${restored.url}/${id}/register/${answer.json.client_id}`, {
          token: answer.json.registration_access_token,
        })
        assert.equal(read.status, 200, read.text)
        assert.equal(read.json.client_secret, answer.json.client_secret)
      }
      // Those registered during the backup are in the copy whole, or not at all.
      const copied = Number(/backed up (\d+) clients/.exec(backup.stdout)![1])
      let found = 0
      for (const answer of during.filter((each) => each.status === 201)) {
        const read = await call(`${restored.url}/${id}/register/${answer.json.client_id}`, {
          token: answer.json.registration_access_token,
        })
        if (read.status === 401) continue
        assert.equal(read.status, 200, read.text)
        assert.equal(read.json.client_secret, answer.json.client_secret)
        found++
      }
      assert.equal(before.length + found, copied)
    } finally {
      await restored.stop()
    }
  })

  test('without --with-key it reminds that the key file must be kept too; it never overwrites a file', async () => {
    const database = join(folder, 'plain.db')
    await (await startServer({ database })).stop()
    const output = join(folder, 'plain-copy.db')
    const first = await registrar(['backup', '--database', database, '--output', output])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /sealed with the keys in .*plain\.db\.key: back that file up too/)
    const again = await registrar(['backup', '--database', database, '--output', output])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /exists: a backup never overwrites a file/)
    const missing = await registrar([
      'backup',
      '--database',
      join(folder, 'none.db'),
      '--output',
      join(folder, 'x.db'),
    ])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /there is no database at/)
  })

  test('for PostgreSQL it says to use pg_dump and exits 2, never echoing the URL', async () => {
    const url = 'postgres://app:hidden-password@127.0.0.1:5432/test'
    const run = await registrar(['backup', '--output', join(folder, 'pg.db')], {
      DATABASE_URL: url,
    })
    assert.equal(run.code, 2)
    assert.match(run.stderr, /back a PostgreSQL database up with pg_dump/)
    assert.ok(!run.stderr.includes('hidden-password'))
  })
})

describe('serve on PostgreSQL as deployed', () => {
  test('a password file, sslmode=verify-full with the CA, a schema of its own and a pool size: the server starts and registers', async () => {
    const server = await startPrivatePostgres()
    try {
      server.sql('create role registrar login password $$deploy-pw$$')
      server.sql('create schema registrar authorization registrar')
      const passwordFile = join(folder, 'db-password')
      writeFileSync(passwordFile, 'deploy-pw\n', { mode: 0o600 })
      const query = `?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.caFile)}&schema=registrar`
      const running = await startServer({
        database: server.url('registrar', undefined, query),
        args: ['--database-pool-size', '3'],
        env: { REGISTRAR_DATABASE_PASSWORD_FILE: passwordFile },
      })
      try {
        const id = await new Api(running.url, running.adminToken).createService()
        const answer = await call(`${running.url}/${id}/register`, { body: CLIENT })
        assert.equal(answer.status, 201, answer.text)
      } finally {
        await running.stop()
      }
    } finally {
      server.stop()
    }
  })

  test('a server it cannot connect to: exit 1 with the reason, never the password', async () => {
    const secret = `pw-${randomBytes(6).toString('hex')}`
    const url = new URL(POSTGRES_URL)
    url.password = secret
    for (const database of [
      `${url.toString()}?sslmode=require`,
      url.toString().replace(/:\d+\//, ':1/'),
    ]) {
      const run = await registrar(['serve', '--port', '0', '--database', database], {
        REGISTRAR_SECRET_KEYS: TEST_SECRET_KEYS_TEXT,
        REGISTRAR_DATABASE_CONNECT_TIMEOUT: '5',
      })
      assert.equal(run.code, 1, run.stderr)
      assert.match(run.stderr, /cannot open the database: (.*SSL|.*ECONNREFUSED)/)
      assert.ok(!run.stderr.includes(secret), run.stderr)
    }
  })
})
