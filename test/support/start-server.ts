/**
 * Starts the real `registrar serve` (dist/registrar.mjs, so `npm run build` first) on a
 * free port, waits for its `listening on` line and hands back its URL. The developer's
 * AUTHLETE_BEARER never reaches it (spec/authlete-sdk-smoke.md).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { TEST_SECRET_KEYS_TEXT } from './postgres.js'

export const MAIN = fileURLToPath(new URL('../../dist/registrar.mjs', import.meta.url))

export interface StartOptions {
  /** The `registrar` command to run. @default MAIN, this checkout's build */
  main?: string
  /** `--database`. @default ':memory:' */
  database?: string
  /** REGISTRAR_ADMIN_TOKEN; null leaves it unset. @default a random token */
  adminToken?: string | null
  /** Further flags for `serve`. */
  args?: string[]
  /** Further environment variables. */
  env?: Record<string, string>
  /** @default 60 s: the test machine is shared and slow */
  timeoutMilliseconds?: number
}

export interface RunningServer {
  url: string
  adminToken: string
  /** Every stdout line so far. */
  stdout: string[]
  stderr(): string
  child: ChildProcess
  /** Sends the signal (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra }
  for (const name of [
    'AUTHLETE_BEARER',
    'REGISTRAR_ADMIN_TOKEN',
    'PORT',
    'HOST',
    'DATABASE_URL',
    'REGISTRAR_BASE_URL',
    'REGISTRAR_SECRET_KEYS',
    'REGISTRAR_SECRET_KEY_FILE',
  ]) {
    if (!(name in extra)) delete env[name]
  }
  return env
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const adminToken =
    options.adminToken === undefined
      ? `admin-${randomBytes(16).toString('hex')}`
      : options.adminToken
  const env = serverEnv(options.env)
  if (adminToken !== null) env['REGISTRAR_ADMIN_TOKEN'] = adminToken
  // PostgreSQL has no default key: servers on it share the tests' (options.env may unset it).
  const keyGiven =
    'REGISTRAR_SECRET_KEYS' in env ||
    'REGISTRAR_SECRET_KEY_FILE' in env ||
    (options.args ?? []).includes('--secret-key-file')
  if (/^postgres(ql)?:/i.test(options.database ?? '') && !keyGiven) {
    env['REGISTRAR_SECRET_KEYS'] = TEST_SECRET_KEYS_TEXT
  }
  const child = spawn(
    process.execPath,
    [
      options.main ?? MAIN,
      'serve',
      '--port',
      '0',
      '--database',
      options.database ?? ':memory:',
      ...(options.args ?? []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const stdout: string[] = []
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in time; stderr:\n${stderr}`)),
      options.timeoutMilliseconds ?? 60_000,
    )
    let partial = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk
      const lines = partial.split('\n')
      partial = lines.pop()!
      for (const line of lines) {
        stdout.push(line)
        const match = /^listening on (http:\/\/\S+)$/.exec(line)
        if (match) {
          clearTimeout(timer)
          resolve(match[1])
        }
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening; stderr:\n${stderr}`))
    })
  })

  return {
    url,
    adminToken: adminToken ?? '',
    stdout,
    stderr: () => stderr,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
