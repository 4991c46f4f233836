/**
 * The SQLite file's helper thread: it commits registration batches and checkpoints the
 * WAL, on a connection of its own, so that neither runs on the event loop.
 *
 * Commits. A commit with synchronous=FULL writes the WAL frames and waits for fsync; on
 * the event loop that was the largest single cost of a registration, and every request
 * behind it waited too. The worker runs each group-commit batch (the plans of
 * client-insert.ts: SQL compiled by the query builder on the main thread) in one
 * IMMEDIATE transaction, and the client writes of RFC 7592 (update, delete) as single
 * statements. A caller is answered only after the worker's COMMIT has returned, so
 * durability is unchanged. The API's rarer writes (services, tokens, settings) stay on
 * the main connection: SQLite's write lock and busy timeout order them with the worker's.
 *
 * Checkpoints. By default SQLite checkpoints inside the commit that grows the WAL past
 * 1000 pages: it copies the pages into the database file and fsyncs it (the 150-250 ms
 * p99.9 stalls under load). The worker runs a PASSIVE checkpoint every interval instead;
 * PASSIVE never waits for, nor blocks, a writer. Both connections' auto-checkpoints stay
 * on with a high threshold, as a bound on the WAL should the timer fall behind.
 * The worker fsyncs what it copies (synchronous=FULL), so the WAL is only reused once
 * the database file holds its pages durably.
 *
 * The worker is spawned when its first checkpoint is due, not at start-up (cold start
 * counts). Until it is ready, or for good should it fail, batches run on the main
 * connection and the main connection checkpoints at SQLite's default threshold again.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Database as BetterSqlite3Database } from 'better-sqlite3'
import type { CompiledQuery, QueryResult } from 'kysely'
import type { InsertPlan, PlanResult } from '../client-insert.js'

/** How often the worker checkpoints. Idle, a checkpoint is a look at the WAL index. */
export const DEFAULT_CHECKPOINT_INTERVAL_MILLISECONDS = 200

/** The connections' fallback threshold in pages (4 KiB each): far above one interval's. */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000

/** SQLite's own default, restored when the worker is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000

/** PRAGMA wal_checkpoint's answer: busy flag, pages in the WAL, pages copied so far. */
export interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
}

export interface SqliteWorkerOptions {
  /** How long the worker waits for the main connection's write lock. */
  busyTimeoutMilliseconds: number
  checkpoint?: {
    intervalMilliseconds?: number
    /** Told each checkpoint's result (tests, diagnostics). */
    onCheckpoint?: (result: CheckpointResult) => void
  }
}

// The worker runs this as a script (eval), so the command's one-file bundle needs no
// second file beside it. It loads the same better-sqlite3 the caller resolved; runPlan
// takes the steps of client-insert.ts's runPlan.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeout })
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
// The timer checkpoints; the threshold only bounds the WAL should it fall behind.
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpointPages)
const statements = new Map()
function execute([sql, parameters]) {
  let statement = statements.get(sql)
  if (!statement) statements.set(sql, (statement = db.prepare(sql)))
  if (statement.reader) return { rows: statement.all(parameters) }
  return { rows: [], changes: statement.run(parameters).changes }
}
const rows = (query) => execute(query).rows
function runPlan([useToken, insert, giveBack]) {
  if (useToken && rows(useToken).length === 0) return { refused: 'token-spent' }
  const [row] = rows(insert)
  if (row) return { number: row.number }
  if (giveBack) rows(giveBack)
  return { refused: 'id-taken' }
}
const runPlans = db.transaction((plans) => plans.map(runPlan))
const checkpoint = () => {
  const result = db.pragma('wal_checkpoint(PASSIVE)')[0]
  if (workerData.report) parentPort.postMessage({ checkpoint: result })
}
const timer = setInterval(checkpoint, workerData.intervalMilliseconds)
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer)
    checkpoint()
    db.close()
    return parentPort.close()
  }
  try {
    if (Array.isArray(message)) parentPort.postMessage({ results: runPlans.immediate(message) })
    else parentPort.postMessage({ result: execute(message.statement) })
  } catch (error) {
    parentPort.postMessage({ failure: String(error && error.message) })
  }
})
checkpoint()
parentPort.postMessage('ready')
`

/** A statement as the worker gets it: SQL text and values only, not the query tree. */
type WireStatement = [sql: string, parameters: readonly unknown[]]
const wire = ({ sql, parameters }: CompiledQuery): WireStatement => [sql, parameters]
type WirePlan = [WireStatement | undefined, WireStatement, WireStatement | undefined]
/** What one statement came to on the worker: rows, or for a plain write the rows it changed. */
interface StatementResult {
  rows: unknown[]
  changes?: number
}
/** A reply that answers a message. */
type Answer = { results: PlanResult[] } | { result: StatementResult }
type Reply = 'ready' | Answer | { failure: string } | { checkpoint: CheckpointResult }

export interface SqliteWorker {
  /**
   * Runs `plans` in one transaction on the worker; undefined while the worker is not
   * (yet, or any longer) running, when the caller runs them itself.
   */
  run(plans: InsertPlan[]): Promise<PlanResult[]> | undefined
  /** Runs one write statement on the worker, answering as Kysely would; undefined as run(). */
  execute(query: CompiledQuery): Promise<QueryResult<unknown>> | undefined
  /** Stops the worker after one last checkpoint; resolves once its connection is closed. */
  stop(): Promise<void>
}

/** Starts the helper thread of the WAL database `database` has open at `path`. */
export function startSqliteWorker(
  database: BetterSqlite3Database,
  path: string,
  options: SqliteWorkerOptions,
): SqliteWorker {
  const intervalMilliseconds =
    options.checkpoint?.intervalMilliseconds ?? DEFAULT_CHECKPOINT_INTERVAL_MILLISECONDS
  const onCheckpoint = options.checkpoint?.onCheckpoint
  database.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`)
  let worker: Worker | undefined
  let exited: Promise<void> = Promise.resolve()
  let ready = false
  let stopping = false
  /** Messages sent, oldest first: the worker answers them in order. */
  const waiting: { resolve(answer: Answer): void; reject(error: Error): void }[] = []

  const spawn = () => {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Plain JavaScript: no TypeScript loader, and no --cpu-prof file of its own in a profile.
      execArgv: [],
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        busyTimeout: options.busyTimeoutMilliseconds,
        intervalMilliseconds,
        autocheckpointPages: WRITER_AUTOCHECKPOINT_PAGES,
        // Idle, the main thread is not woken to hear results nobody listens to.
        report: onCheckpoint !== undefined,
      },
    })
    // Idle, it keeps nothing alive; while batches are out, it keeps their callers waiting.
    worker.unref()
    worker.on('message', (reply: Reply) => {
      if (reply === 'ready') return void (ready = true)
      if ('checkpoint' in reply) return onCheckpoint?.(reply.checkpoint)
      const sent = waiting.shift()
      if (waiting.length === 0 && !stopping) worker!.unref()
      if ('failure' in reply) sent?.reject(new Error(reply.failure))
      else sent?.resolve(reply)
    })
    // A failed worker must not take the process down: the main connection takes over.
    worker.on('error', () => {})
    exited = new Promise((resolve) =>
      worker!.once('exit', () => {
        ready = false
        for (const sent of waiting.splice(0)) sent.reject(new Error('SQLite worker stopped'))
        if (!stopping && database.open) {
          database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`)
        }
        resolve()
      }),
    )
  }
  const spawnTimer = setTimeout(spawn, intervalMilliseconds).unref()

  /** Posts `message`; resolves to the worker's answer to it. */
  const send = (message: WirePlan[] | { statement: WireStatement }) =>
    new Promise<Answer>((resolve, reject) => {
      waiting.push({ resolve, reject })
      worker!.ref()
      worker!.postMessage(message)
    })

  return {
    run(plans) {
      if (!ready) return undefined
      const message: WirePlan[] = plans.map(({ useToken, insert, giveBack }) => [
        useToken && wire(useToken),
        wire(insert),
        giveBack && wire(giveBack),
      ])
      return send(message).then((answer) => (answer as { results: PlanResult[] }).results)
    },
    execute(query) {
      if (!ready) return undefined
      return send({ statement: wire(query) }).then((answer) => {
        const { rows, changes } = (answer as { result: StatementResult }).result
        // As Kysely's own SQLite connection answers a write.
        return changes === undefined ? { rows } : { rows, numAffectedRows: BigInt(changes) }
      })
    },
    async stop() {
      if (stopping) return exited
      stopping = true
      ready = false
      clearTimeout(spawnTimer)
      // Whoever awaits stop() is owed its end, even with nothing else keeping Node alive.
      worker?.ref()
      worker?.postMessage('stop')
      await exited
    },
  }
}
