/**
 * Fills a Registrar SQLite file with clients straight through SQL, so the size scenario
 * can start a server on a million clients without a million HTTP registrations. The
 * schema is the store's own: every row is a copy of a client Registrar itself registered
 * (the template), with a fresh client_id, name, secret and registration access token.
 * Tokens are derived from a seed, so any row can be read with its token (RFC 7592 §2.1);
 * only their SHA-256 is stored, as Registrar does (src/engine/secrets.ts).
 */
import { createHash } from 'node:crypto'
import SqliteDatabase from 'better-sqlite3'
import type { ReadTarget } from './scenarios.js'

/** Far from the ids Registrar draws at random (10^13 + a 6-byte draw), yet the same shape. */
const FIRST_SEEDED_CLIENT_ID = 99_000_000_000_000
const ROWS_PER_TRANSACTION = 20_000

export interface SeedOptions {
  path: string
  apiKey: number
  templateClientId: number
  /** Clients to add. */
  count: number
  /** How many of them to hand back, chosen at random, as read targets. */
  sample: number
}

export function seedClients(options: SeedOptions): ReadTarget[] {
  const database = new SqliteDatabase(options.path)
  try {
    // Loading only: a crash here loses nothing anyone was told is stored.
    database.pragma('synchronous = OFF')
    database.pragma('cache_size = -262144')
    const template = database
      .prepare('select * from clients where service_api_key = ? and client_id = ?')
      .get(options.apiKey, options.templateClientId) as Record<string, unknown> | undefined
    if (!template) throw new Error('the template client is not in the database')
    const columns = Object.keys(template).filter((column) => column !== 'number')
    const insert = database.prepare(
      `insert into clients (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
    )
    const metadata = JSON.parse(String(template['metadata'])) as Record<string, unknown>
    const insertMany = database.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert.run(seededRow(template, metadata, i))
    })
    for (let from = 0; from < options.count; from += ROWS_PER_TRANSACTION) {
      insertMany(from, Math.min(options.count, from + ROWS_PER_TRANSACTION))
    }
    database.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    database.close()
  }
  return sampleIndexes(options.count, options.sample).map((i) => ({
    path: `/${options.apiKey}/register/${FIRST_SEEDED_CLIENT_ID + i}`,
    token: derive('token', i),
  }))
}

function seededRow(
  template: Record<string, unknown>,
  metadata: Record<string, unknown>,
  i: number,
): Record<string, unknown> {
  const { number: _number, ...row } = template
  return {
    ...row,
    client_id: FIRST_SEEDED_CLIENT_ID + i,
    client_secret: template['client_secret'] === null ? null : derive('secret', i),
    metadata: JSON.stringify({
      ...metadata,
      client_name: `Seeded Agent ${i}`,
      redirect_uris: [`http://127.0.0.1:${1024 + (i % 60_000)}/callback`],
    }),
    rat_hash: createHash('sha256').update(derive('token', i)).digest('base64url'),
  }
}

/** A 43-character base64url secret, like the ones Registrar mints, derived from i. */
function derive(kind: string, i: number): string {
  return createHash('sha256').update(`bench-seed:${kind}:${i}`).digest('base64url')
}

function sampleIndexes(count: number, sample: number): number[] {
  if (count <= sample) return Array.from({ length: count }, (_, i) => i)
  const chosen = new Set<number>()
  while (chosen.size < sample) chosen.add(Math.floor(Math.random() * count))
  return [...chosen]
}
