/**
 * Starts a server as a child process and times its cold start: from spawn to the
 * `listening on http://HOST:PORT` line on its stdout. The command is `node` itself (no
 * npm, no shell), so the pid we sample in /proc is the server's own. Servers run as
 * deployed, with NODE_ENV=production (express, for one, skips debug work then).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ServerProcess {
  url: string
  pid: number
  coldStartMs: number
  /** When it was spawned, milliseconds since the epoch (to line a profile up with a run). */
  spawnedAt: number
  /** SIGTERM, then wait for exit (a profile, if asked for, is written on the way out). */
  stop(): Promise<void>
}

const START_TIMEOUT_MILLISECONDS = 60_000
const STOP_TIMEOUT_MILLISECONDS = 20_000

export function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const spawnedAt = Date.now()
  const startedAt = performance.now()
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('no listening line'), START_TIMEOUT_MILLISECONDS)
    function fail(reason: string): void {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${args.join(' ')}: ${reason}\n${stderr}`))
    }
    const onEarlyExit = (code: number | null) => fail(`exited with ${code} before listening`)
    child.once('exit', onEarlyExit)
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      const match = /^listening on (http:\/\/\S+)/.exec(line)
      if (!match) return
      const coldStartMs = performance.now() - startedAt
      clearTimeout(timer)
      child.off('exit', onEarlyExit)
      resolve({
        url: match[1].replace(/\/$/, ''),
        pid: child.pid!,
        coldStartMs,
        spawnedAt,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return
          child.kill('SIGTERM')
          const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MILLISECONDS)
          await exited
          clearTimeout(killer)
        },
      })
    })
  })
}
