import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import type { WebhookDispatchReport } from '../engine/index.js'
import { startWebhookDispatcher } from './webhook-dispatcher.js'

function capturedLog() {
  const lines: { level: number; msg: string }[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { log: pino({ level: 'info' }, stream), lines }
}

const idle: WebhookDispatchReport = { delivered: 0, retried: 0, failed: 0 }

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) assert.fail('the condition did not hold within 5 s')
    await sleep(5)
  }
}

test('steps again at once while there is work, and pauses when there is none', async () => {
  const reports = [
    { ...idle, delivered: 3 },
    { ...idle, retried: 1 },
    { ...idle, failed: 1 },
  ]
  const stepsAt: number[] = []
  const { log, lines } = capturedLog()
  const pause = 300
  const dispatcher = startWebhookDispatcher(
    { dispatchWebhooks: async () => (stepsAt.push(performance.now()), reports.shift() ?? idle) },
    log,
    pause,
  )
  await until(() => stepsAt.length === 5)
  await dispatcher.stop()
  const gaps = stepsAt.slice(1).map((at, i) => at - stepsAt[i])
  assert.ok(
    gaps.slice(0, 3).every((gap) => gap < pause / 2),
    `three busy steps back to back: ${gaps}`,
  )
  assert.ok(gaps[3] >= pause - 20, `then a pause: ${gaps}`)
  assert.deepEqual(
    lines.map((line) => line.msg),
    ['webhook deliveries failed every attempt; given up'],
  )
})

test('a failed step is logged and tried again; stop waits for the step in flight', async () => {
  let calls = 0
  let finished = false
  const { log, lines } = capturedLog()
  const dispatcher = startWebhookDispatcher(
    {
      dispatchWebhooks: async () => {
        if (++calls === 1) throw new Error('database down')
        await sleep(100)
        finished = true
        return idle
      },
    },
    log,
    10,
  )
  await until(() => lines.length === 1)
  assert.match(lines[0].msg, /dispatching webhooks failed/)
  await dispatcher.stop()
  assert.equal(calls, 1, 'after a failure the next step waits 5 s; stop cancels it')
  assert.equal(finished, false)

  let inFlight = false
  const second = startWebhookDispatcher(
    {
      dispatchWebhooks: async () => {
        inFlight = true
        await sleep(100)
        inFlight = false
        return idle
      },
    },
    log,
    10,
  )
  await until(() => inFlight)
  await second.stop()
  assert.equal(inFlight, false, 'stop resolved only once the step finished')
})
