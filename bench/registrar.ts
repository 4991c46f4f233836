/**
 * Registrar as a contender: the command `npm start` runs (package.json's bin, built by
 * `npm run build`), started as CONTRACT.md says, with a service created through the API so
 * that its registration endpoint exists. Registrar's figures come from this process.
 *
 * Profiled runs start the unbundled tsc output instead: the same code, but a profile of it
 * names the package or src/ folder of every function (a bundle is one file).
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, type ServerProcess } from './server-process.js'

const ROOT = join(import.meta.dirname, '..')

/** The command `npm start` runs in the checkout at `root`: its package.json's bin. */
export function registrarBin(root = ROOT): string {
  const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin: Record<string, string>
  }
  return join(root, bin['registrar']!)
}
export const REGISTRAR_UNBUNDLED = join(ROOT, 'dist', 'src', 'cli', 'main.js')

const ADMIN_TOKEN = `bench-${randomBytes(16).toString('hex')}`

/**
 * The key client secrets are sealed with on PostgreSQL, which has no default one: fixed,
 * so every server a run starts on one database reads the others' secrets.
 */
const SECRET_KEYS = `bench:${Buffer.alloc(32, 1).toString('base64')}`

export interface RegistrarOptions {
  /** `--database`: a SQLite file or a postgres:// URL. */
  database: string
  /** A service to use; one is created when absent. */
  apiKey?: number
  /** The checkout to run; this one when absent. */
  root?: string
  /** Write a V8 CPU profile (node --cpu-prof) of the server into this folder. */
  profileDir?: string
  env?: NodeJS.ProcessEnv
}

export interface RegistrarProcess extends ServerProcess {
  apiKey: number
  registerPath: string
}

export async function startRegistrar(options: RegistrarOptions): Promise<RegistrarProcess> {
  const command =
    options.profileDir && !options.root
      ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, REGISTRAR_UNBUNDLED]
      : [registrarBin(options.root)]
  const server = await startServer(
    [...command, 'serve', '--port', '0', '--database', options.database],
    {
      ...(/^postgres(ql)?:/i.test(options.database) && { REGISTRAR_SECRET_KEYS: SECRET_KEYS }),
      ...options.env,
      REGISTRAR_ADMIN_TOKEN: ADMIN_TOKEN,
    },
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
