/**
 * WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the
 * commit that grows the WAL past 1000 pages: that commit copies the pages into the
 * database file and fsyncs it, synchronously, on the event loop (the 150-250 ms p99.9
 * stalls under load). Here a worker thread with its own connection to the same file
 * runs a PASSIVE checkpoint every interval. PASSIVE never waits for, nor blocks, the
 * writer: it copies what was committed when it began, and the writer carries on
 * appending. The writer's own auto-checkpoint stays on with a high threshold, as a
 * bound on the WAL should this thread fall behind; when it runs, the worker has copied
 * nearly everything already, so it is short. Should the worker fail, the writer goes
 * back to SQLite's default threshold.
 *
 * Durability is the writer's business and unchanged (synchronous=FULL on its commits);
 * the worker fsyncs what it copies (synchronous=FULL on its connection too), so the WAL
 * is only reused once the database file holds its pages durably.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Database as BetterSqlite3Database } from 'better-sqlite3'

/** How often the worker checkpoints. Idle, a checkpoint is a look at the WAL index. */
export const DEFAULT_CHECKPOINT_INTERVAL_MILLISECONDS = 200

/** The writer's fallback threshold in pages (4 KiB each): far above what one interval adds. */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000

/** SQLite's own default, restored when the worker is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000

/** PRAGMA wal_checkpoint's answer: busy flag, pages in the WAL, pages copied so far. */
export interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
}

export interface CheckpointerOptions {
  intervalMilliseconds?: number
  /** Told each checkpoint's result (tests, diagnostics). */
  onCheckpoint?: (result: CheckpointResult) => void
}

// The worker runs this as a script (eval), so the command's one-file bundle needs no
// second file beside it. It loads the same better-sqlite3 the caller resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true })
db.pragma('synchronous = FULL')
const checkpoint = () => {
  const result = db.pragma('wal_checkpoint(PASSIVE)')[0]
  if (workerData.report) parentPort.postMessage(result)
}
const timer = setInterval(checkpoint, workerData.intervalMilliseconds)
checkpoint()
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export interface Checkpointer {
  /** Stops the worker after one last checkpoint; resolves once its connection is closed. */
  stop(): Promise<void>
}

/**
 * Checkpoints the WAL database `database` has open at `path` from a worker thread. The
 * worker neither keeps the process alive nor delays start-up: it is spawned after the
 * first interval, when its first checkpoint is due.
 */
export function startCheckpointer(
  database: BetterSqlite3Database,
  path: string,
  options: CheckpointerOptions = {},
): Checkpointer {
  const intervalMilliseconds =
    options.intervalMilliseconds ?? DEFAULT_CHECKPOINT_INTERVAL_MILLISECONDS
  database.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`)
  let worker: Worker | undefined
  let exited: Promise<void> | undefined
  let stopping = false

  const spawn = () => {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Plain JavaScript: no TypeScript loader, and no --cpu-prof file of its own in a profile.
      execArgv: [],
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        intervalMilliseconds,
        // Idle, the main thread is not woken to hear results nobody listens to.
        report: options.onCheckpoint !== undefined,
      },
    })
    worker.unref()
    worker.on('message', (result: CheckpointResult) => options.onCheckpoint?.(result))
    // A failed worker must not take the process down; the writer checkpoints again.
    worker.on('error', () => {})
    exited = new Promise((resolve) =>
      worker!.once('exit', () => {
        if (!stopping && database.open) {
          database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`)
        }
        resolve()
      }),
    )
  }
  const spawnTimer = setTimeout(spawn, intervalMilliseconds).unref()

  return {
    async stop() {
      if (stopping) return exited
      stopping = true
      clearTimeout(spawnTimer)
      // Whoever awaits stop() is owed its end, even with nothing else keeping Node alive.
      worker?.ref()
      worker?.postMessage('stop')
      await exited
    },
  }
}
