/**
 * A pino logger whose lines the test reads back, and a wait for a condition: for the
 * periodic jobs of `registrar serve` (src/cli), which report through the log.
 */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'

/** A logger whose lines are kept, parsed. */
export function capturedLog<Line extends { level: number; msg: string }>() {
  const lines: Line[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { log: pino({ level: 'info' }, stream), lines }
}

/** Resolves once `condition` holds; fails the test after 5 s. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 5000) assert.fail('the condition did not hold within 5 s')
    await sleep(10)
  }
}
