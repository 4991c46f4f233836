/**
 * Every second, `registrar serve` seals the audit events written since the last seal into
 * the chain (store/audit-chain.ts), which also queues them for webhooks; once an hour it
 * deletes those older than the retention, and once a minute it logs the chain's head: a
 * copy outside the database, against which `registrar audit verify --head` can check that
 * no one rewrote the chain whole. A failed round is logged and tried again, never
 * stopping the server; stopping seals what is left.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { AuditTrail } from '../engine/index.js'
import { runEvery, type PeriodicJob } from './periodic.js'

export interface AuditSealerOptions {
  /** @default 1000 */
  sealIntervalMilliseconds?: number
  /** How long events are kept; 0 = for ever. */
  retentionMilliseconds: number
  now?: () => number
}

const PRUNE_EVERY_ROUNDS = 3600
/** Seals one round makes at most: a seal takes up to 500 events (store/audit-chain.ts). */
const MAX_SEALS_PER_ROUND = 100
const LOG_HEAD_EVERY_ROUNDS = 60

export type AuditSealer = PeriodicJob

export function startAuditSealer(
  audit: AuditTrail,
  log: FastifyBaseLogger,
  options: AuditSealerOptions,
): AuditSealer {
  const now = options.now ?? Date.now
  let rounds = 0
  const job = runEvery(options.sealIntervalMilliseconds ?? 1000, async () => {
    try {
      // Seal by seal, each a short transaction of its own, until what was written is sealed
      // (bounded, so that under a flood the round still ends and retention still runs).
      for (let seals = 0; seals < MAX_SEALS_PER_ROUND && (await audit.seal()) > 0; seals++);
      rounds++
      if (options.retentionMilliseconds > 0 && rounds % PRUNE_EVERY_ROUNDS === 1) {
        const pruned = await audit.prune(now() - options.retentionMilliseconds)
        if (pruned > 0) log.info({ pruned }, 'audit events past their retention deleted')
      }
      if (rounds % LOG_HEAD_EVERY_ROUNDS === 1) {
        log.info({ auditHead: await audit.head() }, 'audit chain head')
      }
    } catch (error) {
      log.error({ err: error }, 'sealing audit events failed; trying again')
    }
  })
  return {
    async stop() {
      await job.stop()
      await audit.seal().catch((error: unknown) => {
        log.error({ err: error }, 'sealing the last audit events failed; the next start seals them')
      })
    },
  }
}
