/**
 * A fresh PostgreSQL schema per run, so each run starts from an empty database and leaves
 * nothing behind. Registrar is pointed at it with libpq's `options=-c search_path=...`,
 * which pg passes in its startup packet.
 */
import { userInfo } from 'node:os'
import pg from 'pg'

export const DEFAULT_POSTGRES_URL = 'postgres://127.0.0.1:5432/test'

export interface Schema {
  url: string
  drop(): Promise<void>
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresUnreachable(url: string): Promise<string | undefined> {
  try {
    await withClient(url, (client) => client.query('select 1'))
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

export async function createSchema(url: string, name: string): Promise<Schema> {
  await withClient(url, (client) => client.query(`create schema "${name}"`))
  const separator = url.includes('?') ? '&' : '?'
  return {
    url: `${url}${separator}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    drop: async () => {
      await withClient(url, (client) => client.query(`drop schema if exists "${name}" cascade`))
    },
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withUser(url), connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** pg takes a missing user from PGUSER or USER; fall back to the login name, as libpq does. */
function withUser(url: string): string {
  const parsed = new URL(url)
  if (!parsed.username) parsed.username = process.env['PGUSER'] || userInfo().username
  return parsed.toString()
}
