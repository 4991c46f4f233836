/**
 * Everyone who gets the same load: Registrar on each backend, the registration servers a
 * reader might otherwise pick, and four floors. Each starts in a process of its own.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createSchema } from './postgres.js'
import { startRegistrar } from './registrar.js'
import { startServer, type ServerProcess } from './server-process.js'

export const CONTENDER_NAMES = [
  'registrar-sqlite',
  'registrar-postgres',
  'oidc-provider',
  'mcp-sdk',
  'floor',
  'floor-fastify',
  'floor-sqlite',
  'floor-sqlite-batch',
] as const
/** The named contenders, and Registrar built from another checkout (`--before`). */
export type ContenderName = (typeof CONTENDER_NAMES)[number] | 'before-sqlite'

export interface Started extends ServerProcess {
  registerPath: string
}

/** What a contender's `read` is: RFC 7592 §2.1 where it has it, else a floor read. */
export const READ_KIND: Record<ContenderName, string> = {
  'registrar-sqlite': 'RFC 7592',
  'registrar-postgres': 'RFC 7592',
  'before-sqlite': 'RFC 7592',
  'oidc-provider': 'OIDC DCR read',
  'mcp-sdk': 'map lookup (no RFC 7592)',
  floor: 'map lookup',
  'floor-fastify': 'map lookup',
  'floor-sqlite': 'SQLite select',
  'floor-sqlite-batch': 'SQLite select',
}

export interface StartContext {
  /** Folder of the transpiled bench (see transpile.ts). */
  js: string
  /** Scratch folder for database files. */
  scratch: string
  postgresUrl: string
  /** Signing keys for node-oidc-provider, as JSON. */
  jwks: string
  /** Where Registrar writes CPU profiles, when asked. */
  profileDir?: string
  /** The checkout `before-sqlite` runs from. */
  before?: string
  /** A label unique to this run, for file and schema names. */
  label: string
}

/** Starts `name` on an empty store; the returned stop() also removes what it stored. */
export async function startContender(name: ContenderName, context: StartContext): Promise<Started> {
  const { profileDir } = context
  switch (name) {
    case 'registrar-sqlite':
    case 'before-sqlite': {
      const database = join(context.scratch, `${context.label}.db`)
      removeSqlite(database)
      const root = name === 'before-sqlite' ? context.before : undefined
      const server = await startRegistrar({ database, profileDir, root })
      return withCleanup(server, async () => removeSqlite(database))
    }
    case 'registrar-postgres': {
      const name = `bench_${context.label.replace(/\W/g, '_')}`
      const schema = await createSchema(context.postgresUrl, name)
      try {
        const server = await startRegistrar({ database: schema.url, profileDir })
        return withCleanup(server, schema.drop)
      } catch (error) {
        await schema.drop()
        throw error
      }
    }
    case 'oidc-provider': {
      const env = { BENCH_JWKS: context.jwks }
      return { ...(await startServer([script(context, name)], env)), registerPath: '/reg' }
    }
    case 'mcp-sdk':
    case 'floor':
    case 'floor-fastify':
      return { ...(await startServer([script(context, name)])), registerPath: '/register' }
    case 'floor-sqlite':
    case 'floor-sqlite-batch': {
      const database = join(context.scratch, `${context.label}.db`)
      removeSqlite(database)
      const groupCommit = name === 'floor-sqlite-batch' ? ['--group-commit'] : []
      const server = await startServer([script(context, 'floor-sqlite'), database, ...groupCommit])
      const started = { ...server, registerPath: '/register' }
      return withCleanup(started, async () => removeSqlite(database))
    }
  }
}

function script(context: StartContext, server: string): string {
  return join(context.js, 'servers', `${server}.js`)
}

function withCleanup<T extends Started>(server: T, cleanup: () => Promise<void>): T {
  return {
    ...server,
    stop: async () => {
      await server.stop()
      await cleanup()
    },
  }
}

export function removeSqlite(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
}
