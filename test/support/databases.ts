/**
 * The two databases a storage feature is tested on, each fresh for the caller: a SQLite
 * file in a folder of its own, and a schema of its own on the test PostgreSQL server.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestSchema, type TestSchema } from './postgres.js'

export interface TestDatabase {
  name: string
  /** A fresh database: its URL (or path), and how to remove it. */
  create(): Promise<TestSchema>
}

export const TEST_DATABASES: readonly TestDatabase[] = [
  {
    name: 'SQLite',
    create: async () => {
      const folder = mkdtempSync(join(tmpdir(), 'registrar-db-'))
      return {
        url: join(folder, 'registrar.db'),
        drop: async () => rmSync(folder, { recursive: true, force: true }),
      }
    },
  },
  { name: 'PostgreSQL', create: createTestSchema },
]
