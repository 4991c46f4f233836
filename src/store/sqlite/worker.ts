/**
 * The SQLite file's helper thread: it commits registration batches and checkpoints the
 * WAL, on a connection of its own, so that neither runs on the event loop.
 *
 * Commits. A commit with synchronous=FULL writes the WAL frames and waits for fsync; on
 * the event loop that was the largest single cost of a registration, and every request
 * behind it waited too. The worker runs each group-commit batch (the statements of
 * batch-plan.ts: SQL compiled by the query builder on the main thread) in one
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
import { Worker } from 'node:worker_threads'
import type { Database as BetterSqlite3Database } from 'better-sqlite3'
import type { CompiledQuery, QueryResult } from 'kysely'
import type { SealScript } from '../audit-seal.js'
import { mapBatch, type BatchPlan, type BatchResults } from '../batch-plan.js'

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

/** What the thread is started with (worker-thread.ts). */
export interface WorkerData {
  path: string
  busyTimeoutMilliseconds: number
  intervalMilliseconds: number
  autocheckpointPages: number
  /** Whether to post each checkpoint's result; idle, nobody wakes to hear it otherwise. */
  report: boolean
}

/** A statement as the thread gets it: SQL text and values only, not the query tree. */
export type WireStatement = [sql: string, parameters: readonly unknown[]]
const wire = ({ sql, parameters }: CompiledQuery): WireStatement => [sql, parameters]
/** What one statement came to on the thread: rows, or for a plain write the rows it changed. */
export interface StatementResult {
  rows: unknown[]
  changes?: number
}
export type Request =
  | { batch: BatchPlan<WireStatement> }
  | { statement: WireStatement }
  | { chain: WireStatement[] }
  | { seal: SealScript }
  | 'stop'
/** A reply that answers a request. */
type Answer =
  | { results: BatchResults }
  | { result: StatementResult }
  | { chained: StatementResult[] }
  | { sealed: number }
export type Reply = 'ready' | Answer | { failure: string } | { checkpoint: CheckpointResult }

/**
 * The thread's module, worker-thread beside this file with this file's extension: .js
 * compiled (dist/src), .mjs in the bundle (scripts/bundle.mjs puts it beside the chunk
 * that holds this code), .ts from the sources under tsx. Node 20 does not carry tsx's
 * loader into a worker thread, so TypeScript starts through tsx-worker.mjs, which
 * registers tsx first.
 */
function workerModule(): URL {
  const extension = import.meta.url.slice(import.meta.url.lastIndexOf('.'))
  const file = extension === '.ts' ? './tsx-worker.mjs' : `./worker-thread${extension}`
  return new URL(file, import.meta.url)
}

export interface SqliteWorker {
  /**
   * Runs `batch` in one transaction on the worker; undefined while the worker is not
   * (yet, or any longer) running, when the caller runs it itself.
   */
  run(batch: BatchPlan): Promise<BatchResults> | undefined
  /** Runs one write statement on the worker, answering as Kysely would; undefined as run(). */
  execute(query: CompiledQuery): Promise<QueryResult<unknown>> | undefined
  /**
   * Runs the statements in order in one transaction, each only while the one before it
   * answered rows; the results of those that ran, as execute() answers. Undefined as run().
   */
  executeChain(queries: CompiledQuery[]): Promise<QueryResult<unknown>[]> | undefined
  /** Seals the audit chain on the worker (audit-seal.ts); how many events. Undefined as run(). */
  seal(script: SealScript): Promise<number> | undefined
  /** Batches and statements sent and not yet answered. */
  queued(): number
  /** Stops the worker after one last checkpoint; resolves once its connection is closed. */
  stop(): Promise<void>
}

/** A statement's result as Kysely's own SQLite connection answers a write. */
function asKyselyResult({ rows, changes }: StatementResult): QueryResult<unknown> {
  return changes === undefined ? { rows } : { rows, numAffectedRows: BigInt(changes) }
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
    const workerData: WorkerData = {
      path,
      busyTimeoutMilliseconds: options.busyTimeoutMilliseconds,
      intervalMilliseconds,
      autocheckpointPages: WRITER_AUTOCHECKPOINT_PAGES,
      report: onCheckpoint !== undefined,
    }
    // No --cpu-prof file of its own in a profile, and no loader it does not need.
    worker = new Worker(workerModule(), { execArgv: [], workerData })
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
  const send = (message: Exclude<Request, 'stop'>) =>
    new Promise<Answer>((resolve, reject) => {
      waiting.push({ resolve, reject })
      worker!.ref()
      worker!.postMessage(message)
    })

  return {
    run(batch) {
      if (!ready) return undefined
      const message = { batch: mapBatch(batch, wire) }
      return send(message).then((answer) => (answer as { results: BatchResults }).results)
    },
    execute(query) {
      if (!ready) return undefined
      return send({ statement: wire(query) }).then((answer) =>
        asKyselyResult((answer as { result: StatementResult }).result),
      )
    },
    executeChain(queries) {
      if (!ready) return undefined
      return send({ chain: queries.map(wire) }).then((answer) =>
        (answer as { chained: StatementResult[] }).chained.map(asKyselyResult),
      )
    },
    seal(script) {
      if (!ready) return undefined
      return send({ seal: script }).then((answer) => (answer as { sealed: number }).sealed)
    },
    queued: () => waiting.length,
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
