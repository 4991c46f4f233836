/**
 * Registrar as a contender: the built CLI (`npm run build` makes dist/), started exactly as
 * CONTRACT.md says, with a service created through the API so that its registration
 * endpoint exists. Registrar's figures come from this process.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { startServer, type ServerProcess } from './server-process.js'

export const REGISTRAR_MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js')

const ADMIN_TOKEN = `bench-${randomBytes(16).toString('hex')}`

export interface RegistrarOptions {
  /** `--database`: a SQLite file or a postgres:// URL. */
  database: string
  /** A service to use; one is created when absent. */
  apiKey?: number
  /** Write a V8 CPU profile (node --cpu-prof) of the server into this folder. */
  profileDir?: string
  env?: NodeJS.ProcessEnv
}

export interface RegistrarProcess extends ServerProcess {
  apiKey: number
  registerPath: string
}

export async function startRegistrar(options: RegistrarOptions): Promise<RegistrarProcess> {
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []
  const server = await startServer(
    [...profile, REGISTRAR_MAIN, 'serve', '--port', '0', '--database', options.database],
    { ...options.env, REGISTRAR_ADMIN_TOKEN: ADMIN_TOKEN },
  )
  try {
    const apiKey = options.apiKey ?? (await createService(server.url))
    return { ...server, apiKey, registerPath: `/${apiKey}/register` }
  } catch (error) {
    await server.stop()
    throw error
  }
}

async function createService(url: string): Promise<number> {
  const response = await fetch(`${url}/api/service/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  })
  const body = (await response.json()) as { apiKey?: unknown }
  if (response.status !== 200 || !Number.isSafeInteger(body.apiKey)) {
    throw new Error(`service create answered ${response.status}: ${JSON.stringify(body)}`)
  }
  return body.apiKey as number
}
