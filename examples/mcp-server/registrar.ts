/**
 * Registrar, the built server (dist/registrar.mjs, so `npm run build` first), run as a
 * child process on a SQLite file, and the one service the authorization server hands
 * registration to. What must survive a restart sits in the state folder: the database,
 * and registrar.json with the admin token, the service's id and the service API token
 * the oidc-provider adapter reads clients with.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Registrar } from '../../src/sdk/index.js'

const MAIN = fileURLToPath(new URL('../../dist/registrar.mjs', import.meta.url))
const START_TIMEOUT_MILLISECONDS = 30_000

/** What the example keeps of Registrar between runs (registrar.json). */
export interface RegistrarState {
  adminToken: string
  serviceId?: string
  /** A token of the service (`POST /api/{S}/token/create`): it reads the service's clients. */
  serviceToken?: string
}

export interface RunningRegistrar {
  url: string
  port: number
  state: Required<RegistrarState>
  /** An SDK client with the admin token. */
  admin: Registrar
  stop(): Promise<void>
}

/** The endpoints of the authorization server, as the service's settings name them. */
export interface AuthorizationServerEndpoints {
  issuer: string
  authorizationEndpoint: string
  tokenEndpoint: string
  jwksUri: string
}

async function loadState(path: string): Promise<RegistrarState> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RegistrarState
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    return { adminToken: randomBytes(32).toString('hex') }
  }
}

/** The environment of the child: ours, less what would override its flags' meaning. */
function registrarEnv(adminToken: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, REGISTRAR_ADMIN_TOKEN: adminToken }
  for (const name of ['REGISTRAR_BASE_URL', 'HOST', 'AUTHLETE_BEARER']) delete env[name]
  env['LOG_LEVEL'] ??= 'warn'
  return env
}

/** Spawns `registrar serve` and resolves with its URL once it prints `listening on`. */
function spawnRegistrar(port: number, database: string, adminToken: string) {
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--port', String(port), '--database', database],
    {
      env: registrarEnv(adminToken),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('Registrar did not start in time')),
      START_TIMEOUT_MILLISECONDS,
    )
    let seen = ''
    const stdout = child.stdout!.setEncoding('utf8')
    const read = (chunk: string) => {
      seen += chunk
      const match = /^listening on (http:\/\/\S+)$/m.exec(seen)
      if (match === null) return
      clearTimeout(timer)
      // The rest of its stdout is read and dropped, so the child never blocks on a full pipe.
      stdout.off('data', read).resume()
      resolve(match[1]!)
    }
    stdout.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Registrar exited with ${code} before listening (is dist/ built?)`))
    })
  })
  return { child, url }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  return exited
}

/**
 * Starts Registrar on 127.0.0.1:`port` (0 picks a free one) with the database and
 * registrar.json in `stateFolder`, creating the service and its token on the first run.
 */
export async function startRegistrar(stateFolder: string, port: number): Promise<RunningRegistrar> {
  const statePath = join(stateFolder, 'registrar.json')
  const state = await loadState(statePath)
  const { child, url: listening } = spawnRegistrar(
    port,
    join(stateFolder, 'registrar.db'),
    state.adminToken,
  )
  const url = await listening.catch(async (error: unknown) => {
    await stopChild(child)
    throw error
  })
  const admin = new Registrar({ baseUrl: url, token: state.adminToken })
  if (state.serviceId === undefined || state.serviceToken === undefined) {
    const service = await admin.services.create({ serviceName: 'MCP example' })
    state.serviceId = String(service.apiKey)
    state.serviceToken = (
      await admin.tokens.create(state.serviceId, { description: 'oidc-provider adapter' })
    ).token
    await writeFile(statePath, JSON.stringify(state, null, 2), { mode: 0o600 })
  }
  return {
    url,
    port: Number(new URL(url).port),
    state: state as Required<RegistrarState>,
    admin,
    stop: () => stopChild(child),
  }
}

/**
 * Names the authorization server's endpoints in the service's settings, so Registrar's
 * own metadata (RFC 8414) describes the server its clients are for. Run on every start:
 * the ports may have changed.
 */
export async function describeAuthorizationServer(
  registrar: RunningRegistrar,
  endpoints: AuthorizationServerEndpoints,
): Promise<void> {
  const { admin, state } = registrar
  const service = await admin.services.get(state.serviceId)
  await admin.services.update(state.serviceId, { ...service, ...endpoints })
}
