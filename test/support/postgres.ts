/**
 * A fresh schema on the test PostgreSQL server for each run, and a database URL whose
 * connections use it. An unreachable server fails the caller; nothing skips.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { parseKeyring, type OpenStoreOptions } from '../../src/store/index.js'

export const POSTGRES_URL =
  process.env['TEST_POSTGRES_URL'] ?? 'postgres://root@127.0.0.1:5432/test'

export interface TestSchema {
  url: string
  drop(): Promise<void>
}

async function run(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export async function createTestSchema(): Promise<TestSchema> {
  const schema = `registrar_http_${randomBytes(6).toString('hex')}`
  await run(`create schema ${schema}`)
  return {
    url: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => run(`drop schema ${schema} cascade`),
  }
}

/** How many tables the schema of a test database URL holds (none before it is first opened). */
export async function countTables(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    const { rows } = await client.query<{ tables: number }>(
      'select count(*)::int as tables from information_schema.tables where table_schema = current_schema()',
    )
    return rows[0]!.tables
  } finally {
    await client.end()
  }
}

/**
 * The keyring client secrets are sealed with on the test PostgreSQL server, which has no
 * default one: the servers startServer starts on it and the stores tests open on it share it.
 */
export const TEST_SECRET_KEYS_TEXT = `test:${Buffer.alloc(32, 7).toString('base64')}`

/** The store options that read the secrets of a test database: the keyring on PostgreSQL. */
export function testStoreOptions(url: string): OpenStoreOptions {
  return /^postgres(ql)?:/i.test(url) ? { secretKeys: parseKeyring(TEST_SECRET_KEYS_TEXT) } : {}
}
