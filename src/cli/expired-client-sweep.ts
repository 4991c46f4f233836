/**
 * Once a minute, `registrar serve` deletes the clients whose probation has run out
 * (wire/policy.ts). Expiry is checked whenever a client is read, so the sweep only frees the
 * rows and the service's client count (the caps); a failed sweep is logged and tried again
 * at the next tick, never stopping the server.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Engine } from '../engine/index.js'
import { runEvery, type PeriodicJob } from './periodic.js'

/** How often expired clients are deleted. */
const SWEEP_INTERVAL_MILLISECONDS = 60_000

export type ExpiredClientSweep = PeriodicJob

export function startExpiredClientSweep(
  engine: Pick<Engine, 'deleteExpiredClients'>,
  log: FastifyBaseLogger,
  intervalMilliseconds = SWEEP_INTERVAL_MILLISECONDS,
): ExpiredClientSweep {
  // A sweep still running when the next tick comes (a long backlog) is not doubled.
  return runEvery(intervalMilliseconds, async () => {
    try {
      const deleted = await engine.deleteExpiredClients()
      if (deleted > 0) log.info({ deleted }, 'expired clients deleted')
    } catch (error) {
      log.error({ err: error }, 'deleting expired clients failed; trying again in a minute')
    }
  })
}
