/**
 * A lock shared by processes through the file system: a directory (mkdir either creates
 * it or fails, atomically, on every local file system) whose mtime the holder refreshes.
 * A lock not refreshed for `staleMs` belongs to a holder that is gone (crashed, killed)
 * and is taken over. No process signal or exit handler is installed: a holder killed
 * mid-work leaves its lock for `staleMs`, then the next process takes it.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The file in the lock directory that names its holder, so a release removes only its own lock. */
const OWNER_FILE = 'owner'

/** Options of withFileLock. */
export interface FileLockOptions {
  /** A lock not refreshed for this long is taken over; the holder refreshes at a quarter. */
  staleMs: number
  /** Give up waiting after this long. */
  waitMs: number
}

/** Thrown when the lock stays held past `waitMs`. */
export class LockTimeoutError extends Error {
  readonly code = 'ELOCKED'
}

/**
 * Runs `work` holding the lock directory `lockPath`, waiting for it (25 ms, growing to
 * 500 ms, between tries) while another holder refreshes it.
 */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  const held = await acquire(lockPath, options)
  const refresh = setInterval(() => {
    const now = new Date()
    utimes(lockPath, now, now).catch(() => undefined)
  }, options.staleMs / 4)
  refresh.unref()
  try {
    return await work()
  } finally {
    clearInterval(refresh)
    await release(lockPath, held)
  }
}

/** Removes the lock unless it is no longer ours (taken over while we stalled). */
async function release(lockPath: string, owner: string): Promise<void> {
  const current = await readFile(join(lockPath, OWNER_FILE), 'utf8').catch(() => undefined)
  if (current === owner) await rm(lockPath, { recursive: true, force: true })
}

/** Takes the lock; the random owner token written in it, which identifies this holding. */
async function acquire(lockPath: string, { staleMs, waitMs }: FileLockOptions): Promise<string> {
  const deadline = Date.now() + waitMs
  for (let delay = 25; ; delay = Math.min(delay * 1.5, 500)) {
    try {
      await mkdir(lockPath)
      return await writeOwner(lockPath)
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause
    }
    if (await isStale(lockPath, staleMs)) {
      await takeOver(lockPath)
      continue
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(`${lockPath} stays held by another process`)
    }
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())))
  }
}

async function writeOwner(lockPath: string): Promise<string> {
  const owner = randomBytes(16).toString('hex')
  try {
    await writeFile(join(lockPath, OWNER_FILE), owner, { flag: 'wx' })
  } catch (cause) {
    await rm(lockPath, { recursive: true, force: true })
    throw cause
  }
  return owner
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > staleMs
  } catch (cause) {
    // Released between our mkdir and stat: free now, try again at once.
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw cause
  }
}

/**
 * Moves the stale lock aside before removing it: of several waiters that found it stale,
 * one rename succeeds and the others find the lock gone (or taken) when they retry.
 */
async function takeOver(lockPath: string): Promise<void> {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`
  try {
    await rename(lockPath, aside)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return
    throw cause
  }
  await rm(aside, { recursive: true, force: true })
}
