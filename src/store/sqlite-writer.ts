/**
 * Registrations committed on a thread of their own. A commit with synchronous=FULL
 * writes the WAL frames and waits for fsync; on the event loop that is the largest
 * single cost of a registration, and every request waiting behind it waits too. Here a
 * worker thread with its own connection to the same file runs each group-commit batch
 * (the plans of client-insert.ts: SQL compiled by the query builder on the main thread)
 * in one IMMEDIATE transaction, while the event loop goes on serving. A caller is
 * answered only after the worker's COMMIT has returned, so durability is unchanged.
 *
 * The worker is spawned on first use, not at start-up (cold start counts), and batches
 * run on the main connection until it is ready, or for good should it fail. Other
 * writes stay on the main connection: SQLite's write lock and busy timeout order them
 * with the worker's.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { InsertPlan, PlanResult } from './client-insert.js'

// The worker runs this as a script (eval), so the command's one-file bundle needs no
// second file beside it. It loads the same better-sqlite3 the caller resolved, and runs
// the steps of client-insert.ts's runPlan.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeout })
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
const statements = new Map()
function rows([sql, parameters]) {
  let statement = statements.get(sql)
  if (!statement) statements.set(sql, (statement = db.prepare(sql)))
  if (statement.reader) return statement.all(parameters)
  statement.run(parameters)
  return []
}
function runPlan([useToken, insert, giveBack]) {
  if (useToken && rows(useToken).length === 0) return { refused: 'token-spent' }
  const [row] = rows(insert)
  if (row) return { number: row.number }
  if (giveBack) rows(giveBack)
  return { refused: 'id-taken' }
}
const runPlans = db.transaction((plans) => plans.map(runPlan))
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close()
    return parentPort.close()
  }
  try {
    parentPort.postMessage({ results: runPlans.immediate(message) })
  } catch (error) {
    parentPort.postMessage({ failure: String(error && error.message) })
  }
})
parentPort.postMessage('ready')
`

/** A statement as the worker gets it: SQL text and values only, not the query tree. */
type WireStatement = [sql: string, parameters: readonly unknown[]]
type WirePlan = [WireStatement | undefined, WireStatement, WireStatement | undefined]
type Reply = 'ready' | { results: PlanResult[] } | { failure: string }

export interface SqliteWriter {
  /**
   * Runs `plans` in one transaction on the worker; undefined while the worker is not
   * (yet, or any longer) running, when the caller runs them itself.
   */
  run(plans: InsertPlan[]): Promise<PlanResult[]> | undefined
  /** Stops the worker, closing its connection; resolves once it has exited. */
  stop(): Promise<void>
}

export interface SqliteWriterOptions {
  /** How long the worker waits for the main connection's write lock. */
  busyTimeoutMilliseconds: number
}

export function startSqliteWriter(path: string, options: SqliteWriterOptions): SqliteWriter {
  let worker: Worker | undefined
  let exited: Promise<void> = Promise.resolve()
  let ready = false
  let stopping = false
  /** Batches sent, oldest first: the worker answers them in order. */
  const waiting: { resolve(results: PlanResult[]): void; reject(error: Error): void }[] = []

  const spawn = () => {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        busyTimeout: options.busyTimeoutMilliseconds,
      },
    })
    // Idle, it keeps nothing alive; while batches are out, it keeps their callers waiting.
    worker.unref()
    worker.on('message', (reply: Reply) => {
      if (reply === 'ready') return void (ready = true)
      const batch = waiting.shift()
      if (waiting.length === 0 && !stopping) worker!.unref()
      if ('results' in reply) batch?.resolve(reply.results)
      else batch?.reject(new Error(reply.failure))
    })
    // A failed worker must not take the process down: the main connection takes over.
    worker.on('error', () => {})
    exited = new Promise((resolve) =>
      worker!.once('exit', () => {
        ready = false
        for (const batch of waiting.splice(0)) batch.reject(new Error('SQLite writer stopped'))
        resolve()
      }),
    )
  }

  return {
    run(plans) {
      if (!worker && !stopping) spawn()
      if (!ready) return undefined
      const message: WirePlan[] = plans.map(({ useToken, insert, giveBack }) => [
        useToken && [useToken.sql, useToken.parameters],
        [insert.sql, insert.parameters],
        giveBack && [giveBack.sql, giveBack.parameters],
      ])
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject })
        worker!.ref()
        worker!.postMessage(message)
      })
    },
    async stop() {
      stopping = true
      ready = false
      worker?.ref()
      worker?.postMessage('stop')
      await exited
    },
  }
}
