/**
 * Once a minute, `registrar serve` deletes the clients whose probation has run out
 * (wire/policy.ts). Expiry is checked whenever a client is read, so the sweep only frees the
 * rows and the service's client count (the caps); a failed sweep is logged and tried again
 * at the next tick, never stopping the server.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Engine } from '../engine/index.js'

/** How often expired clients are deleted. */
const SWEEP_INTERVAL_MILLISECONDS = 60_000

export interface ExpiredClientSweep {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>
}

export function startExpiredClientSweep(
  engine: Pick<Engine, 'deleteExpiredClients'>,
  log: FastifyBaseLogger,
  intervalMilliseconds = SWEEP_INTERVAL_MILLISECONDS,
): ExpiredClientSweep {
  let running: Promise<void> | undefined
  const sweep = async () => {
    try {
      const deleted = await engine.deleteExpiredClients()
      if (deleted > 0) log.info({ deleted }, 'expired clients deleted')
    } catch (error) {
      log.error({ err: error }, 'deleting expired clients failed; trying again in a minute')
    } finally {
      running = undefined
    }
  }
  // A sweep still running when the next tick comes (a long backlog) is not doubled.
  const timer = setInterval(() => (running ??= sweep()), intervalMilliseconds)
  // The timer alone never keeps the process alive.
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
