/**
 * The README's walk-through runs when pasted: its shell block is run by bash at the root of
 * this checkout (`npm start` and all), on a free port and a database of its own, and what it
 * prints matches the output the README shows, ids aside.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { freePort } from './support/free-port.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const heading = '### A walk through with curl'

async function walkThrough(): Promise<{ script: string; printed: string }> {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf(heading))
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1]
  const printed = /```text\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(script && printed, 'the walk-through has a sh block and a text block')
  return { script, printed }
}

/** Runs a script in bash in its own process group, which is killed once bash is done. */
function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd: root, env, detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // the group has already gone
      }
      resolve({ code, stdout, stderr })
    })
  })
}

/** What `npm start &` prints itself: npm's banner, the first start's key notice, the listening line. */
const serverLines = ['> ', 'client secrets are sealed with a new key', 'listening on ']

/** The README's sample output as a pattern: its ids and elided values match any. */
function patternOf(printed: string, port: number): RegExp {
  const escaped = printed
    .trim()
    .replaceAll('8080', String(port))
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replaceAll('56257828489323', '\\d+')
    .replaceAll('…', '[^"\\n]+')
  return new RegExp(`^${escaped}$`)
}

test('the walk-through of the README runs when pasted, and prints what the README shows', async () => {
  const { script, printed } = await walkThrough()
  const port = await freePort()
  const folder = await mkdtemp(join(tmpdir(), 'registrar-walk-'))
  try {
    const result = await runBash(script.replaceAll('8080', String(port)), {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: join(folder, 'registrar.db'),
      LOG_LEVEL: 'warn',
    })
    assert.equal(result.code, 0, result.stderr)
    const output = result.stdout
      .split('\n')
      .filter((line) => line !== '' && !serverLines.some((start) => line.startsWith(start)))
      .join('\n')
    assert.match(output, patternOf(printed, port))
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
})
