/**
 * Every ten minutes, `registrar serve` reaps the clients idle past their service's
 * `clientIdleLifetime` and purges deleted clients past their `clientRestoreWindow`
 * (engine/client-lifecycle.ts). Both are set in seconds and judged against uses kept to the
 * hour, so a finer tick would only add queries. A deleted or reaped client is unknown from
 * the moment it is marked: the sweep only frees rows. A failed sweep is logged and tried
 * again at the next tick, never stopping the server.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Engine } from '../engine/index.js'
import { runEvery, type PeriodicJob } from './periodic.js'

/** How often idle clients are reaped and deleted ones purged. */
const SWEEP_INTERVAL_MILLISECONDS = 600_000

export function startClientLifecycleSweep(
  engine: Pick<Engine, 'sweepClients'>,
  log: FastifyBaseLogger,
  intervalMilliseconds = SWEEP_INTERVAL_MILLISECONDS,
): PeriodicJob {
  return runEvery(intervalMilliseconds, async () => {
    try {
      const { reaped, purged } = await engine.sweepClients()
      if (reaped + purged > 0) log.info({ reaped, purged }, 'idle clients reaped, deleted purged')
    } catch (error) {
      log.error({ err: error }, 'reaping idle clients failed; trying again at the next tick')
    }
  })
}
