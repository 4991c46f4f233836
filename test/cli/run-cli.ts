/** Runs the built `registrar` command (dist/, so `npm run build` first) as a user would. */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { MAIN, serverEnv } from '../support/start-server.js'

export interface Outcome {
  code: number
  stdout: string
  stderr: string
}

/** The environment of a CLI run: the developer's own REGISTRAR_* settings never leak in. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = serverEnv(extra)
  for (const name of ['REGISTRAR_URL', 'REGISTRAR_CREDENTIALS', 'REGISTRAR_INITIAL_ACCESS_TOKEN']) {
    if (!(name in extra)) delete env[name]
  }
  return env
}

export function cli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: cliEnv(env), cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** The JSON a successful run printed. */
export function json<T = Record<string, unknown>>(outcome: Outcome): T {
  assert.equal(outcome.code, 0, `exit ${outcome.code}; stderr: ${outcome.stderr}`)
  return JSON.parse(outcome.stdout) as T
}
