import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { after, before, describe, test } from 'node:test'
import { LockTimeoutError, withFileLock } from './file-lock.js'

const LOCK_MODULE = new URL('./file-lock.ts', import.meta.url).href

/** Holds the lock in a process of its own for `holdMs`, appending `in`/`out` lines to `log`. */
function holdInChildProcess(lockPath: string, log: string, name: string, holdMs: number) {
  const script = `
    const { appendFile } = await import('node:fs/promises')
    const { withFileLock } = await import(${JSON.stringify(LOCK_MODULE)})
    const [lockPath, log, name, holdMs] = process.argv.slice(1)
    await withFileLock(lockPath, async () => {
      await appendFile(log, name + ' in\\n')
      await new Promise((resolve) => setTimeout(resolve, Number(holdMs)))
      await appendFile(log, name + ' out\\n')
    }, { staleMs: 10000, waitMs: 60000 })
  `
  return new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, lockPath, log, name, String(holdMs)],
      { timeout: 60_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(stderr || String(error))) : resolve()),
    )
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('withFileLock', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registrar-lock-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('processes take turns: no two hold the lock at once, and none is left behind', async () => {
    const lockPath = join(dir, 'turns.lock')
    const log = join(dir, 'turns.log')
    await Promise.all(['a', 'b', 'c'].map((name) => holdInChildProcess(lockPath, log, name, 150)))
    const lines = (await readFile(log, 'utf8')).trim().split('\n')
    assert.equal(lines.length, 6)
    for (let i = 0; i < lines.length; i += 2) {
      assert.equal(lines[i + 1], lines[i].replace(' in', ' out'), lines.join(', '))
    }
    await assert.rejects(stat(lockPath), { code: 'ENOENT' })
  })

  test('takes over a lock not refreshed for staleMs (its holder is gone)', async () => {
    const lockPath = join(dir, 'stale.lock')
    await mkdir(lockPath)
    const longAgo = new Date(Date.now() - 60_000)
    await utimes(lockPath, longAgo, longAgo)
    const ran = await withFileLock(lockPath, async () => 'ran', { staleMs: 10_000, waitMs: 1000 })
    assert.equal(ran, 'ran')
    await assert.rejects(stat(lockPath), { code: 'ENOENT' })
  })

  test('a holder working longer than staleMs keeps its lock by refreshing it', async () => {
    const lockPath = join(dir, 'refreshed.lock')
    const options = { staleMs: 200, waitMs: 5000 }
    const order: string[] = []
    const long = withFileLock(
      lockPath,
      async () => {
        order.push('long in')
        await sleep(700)
        order.push('long out')
      },
      options,
    )
    await sleep(50)
    await withFileLock(lockPath, async () => void order.push('second in'), options)
    await long
    assert.deepEqual(order, ['long in', 'long out', 'second in'])
  })

  test('gives up after waitMs while the lock is held and refreshed', async () => {
    const lockPath = join(dir, 'held.lock')
    let release = () => {}
    const holding = withFileLock(lockPath, () => new Promise<void>((r) => (release = r)), {
      staleMs: 200,
      waitMs: 5000,
    })
    await sleep(20)
    await assert.rejects(
      withFileLock(lockPath, async () => undefined, { staleMs: 200, waitMs: 400 }),
      LockTimeoutError,
    )
    release()
    await holding
  })

  test('leaves alone a lock taken over from it while it stalled', async () => {
    const lockPath = join(dir, 'compromised.lock')
    await withFileLock(
      lockPath,
      async () => {
        // Another process decided we were gone and took the lock over.
        await rm(lockPath, { recursive: true })
        await mkdir(lockPath)
      },
      { staleMs: 10_000, waitMs: 1000 },
    )
    assert.ok((await stat(lockPath)).isDirectory())
  })

  test('adds no SIGINT, SIGTERM or exit listener to the process', async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'beforeExit'] as const
    const before = events.map((event) => process.listenerCount(event))
    await withFileLock(join(dir, 'listeners.lock'), async () => undefined, {
      staleMs: 10_000,
      waitMs: 1000,
    })
    assert.deepEqual(
      events.map((event) => process.listenerCount(event)),
      before,
    )
  })
})
