/**
 * `registrar serve` delivers webhooks from the outbox as long as it runs: a step claims what
 * is due and posts it (engine dispatchWebhooks); a step that found work is followed by
 * another at once, an idle one by a pause. Every node runs one; the outbox's leases keep
 * them from sending one delivery twice. A failed step is logged and tried again, never
 * stopping the server; on shutdown the deliveries in flight are finished first.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Engine } from '../engine/index.js'

/** The pause after a step that found nothing due: how late a new event may start out. */
const IDLE_MILLISECONDS = 500
/** The pause after a step that failed (the database does not answer): one log line each. */
const FAILED_STEP_MILLISECONDS = 5_000

export interface WebhookDispatcher {
  /** Stops stepping and waits for the step in progress (its posts time out in seconds). */
  stop(): Promise<void>
}

export function startWebhookDispatcher(
  engine: Pick<Engine, 'dispatchWebhooks'>,
  log: FastifyBaseLogger,
  idleMilliseconds = IDLE_MILLISECONDS,
): WebhookDispatcher {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  const step = async () => {
    let pause = idleMilliseconds
    try {
      const { delivered, retried, failed } = await engine.dispatchWebhooks()
      if (delivered + retried + failed > 0) pause = 0
      if (retried > 0) log.debug({ retried }, 'webhook deliveries failed; retrying later')
      if (failed > 0) log.warn({ failed }, 'webhook deliveries failed every attempt; given up')
    } catch (error) {
      log.error({ err: error }, 'dispatching webhooks failed; trying again in 5 seconds')
      pause = FAILED_STEP_MILLISECONDS
    }
    schedule(pause)
  }
  const schedule = (milliseconds: number) => {
    if (stopped) return
    timer = setTimeout(() => (running = step()), milliseconds)
    // The timer alone never keeps the process alive.
    timer.unref()
  }

  schedule(idleMilliseconds)
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
