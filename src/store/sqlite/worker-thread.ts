/**
 * The SQLite worker thread's own code (worker.ts starts it and explains why it exists): a
 * connection of its own to the WAL file, registration batches run each in one IMMEDIATE
 * transaction, single write statements and chains of them in one transaction, the
 * audit chain's seals, and a
 * PASSIVE checkpoint every interval.
 */
import { parentPort, workerData } from 'node:worker_threads'
import SqliteDatabase from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'
import { runStepsSync, sealSteps, type SealScript } from '../audit-seal.js'
import { runBatchSync, type BatchPlan } from '../batch-plan.js'
import type {
  CheckpointResult,
  Reply,
  Request,
  StatementResult,
  WireStatement,
  WorkerData,
} from './worker.js'

const settings = workerData as WorkerData
const port = parentPort!
const db = new SqliteDatabase(settings.path, {
  fileMustExist: true,
  timeout: settings.busyTimeoutMilliseconds,
})
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
// The timer checkpoints; the threshold only bounds the WAL should it fall behind.
db.pragma(`wal_autocheckpoint = ${settings.autocheckpointPages}`)

const statements = new Map<string, Statement<unknown[]>>()
function execute([sql, parameters]: WireStatement): StatementResult {
  let statement = statements.get(sql)
  if (!statement) statements.set(sql, (statement = db.prepare(sql)))
  if (statement.reader) return { rows: statement.all(parameters) }
  return { rows: [], changes: statement.run(parameters).changes }
}
const rows = (statement: WireStatement) => execute(statement).rows
const runBatch = db.transaction((batch: BatchPlan<WireStatement>) => runBatchSync(batch, rows))
const runSeal = db.transaction((script: SealScript) => runStepsSync(sealSteps(script), rows))
const runChain = db.transaction((statements: WireStatement[]) => {
  const results: StatementResult[] = []
  for (const statement of statements) {
    const result = execute(statement)
    results.push(result)
    if (result.rows.length === 0) break
  }
  return results
})

const reply = (message: Reply) => port.postMessage(message)
function checkpoint(): void {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[]
  if (settings.report) reply({ checkpoint: result! })
}
const timer = setInterval(checkpoint, settings.intervalMilliseconds)

port.on('message', (message: Request) => {
  if (message === 'stop') {
    clearInterval(timer)
    checkpoint()
    db.close()
    return port.close()
  }
  try {
    if ('batch' in message) reply({ results: runBatch.immediate(message.batch) })
    else if ('seal' in message) reply({ sealed: runSeal.immediate(message.seal) })
    else if ('chain' in message) reply({ chained: runChain.immediate(message.chain) })
    else reply({ result: execute(message.statement) })
  } catch (error) {
    reply({ failure: String((error as Error | undefined)?.message) })
  }
})
checkpoint()
reply('ready')
