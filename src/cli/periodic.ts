/**
 * A job `registrar serve` runs every so often (the expired-client sweep, the audit sealer):
 * a run still going when the next tick comes is not doubled, and the timer alone never keeps
 * the process alive. The task handles its own failures (it logs them and tries again at the
 * next tick).
 */
export interface PeriodicJob {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>
}

export function runEvery(intervalMilliseconds: number, task: () => Promise<void>): PeriodicJob {
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    running ??= task().finally(() => (running = undefined))
  }, intervalMilliseconds)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
