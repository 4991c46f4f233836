/**
 * A redis-server of the test's own, on a free port, with nothing written to disk: stopping,
 * pausing or restarting it affects no other test. Fails (never skips) when redis-server is
 * missing (.ci/run installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from './free-port.js'

export interface RunningRedis {
  url: string
  /** Stops it (SIGTERM); its data is gone. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>
  /** SIGSTOP: the connection stays open, nothing answers. */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    )
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`cannot run redis-server: ${error.message}`))
    })
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  return child
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGCONT')
  child.kill('SIGTERM')
  await exited
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  let child = await launch(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => terminate(child),
    async restart() {
      await terminate(child)
      child = await launch(port)
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  }
}
