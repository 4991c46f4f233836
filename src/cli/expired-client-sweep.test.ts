import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createEngine, MemoryStore, type Store } from '../engine/index.js'
import { openStore } from '../store/index.js'
import { capturedLog, until } from '../../test/support/captured-log.js'
import { startExpiredClientSweep } from './expired-client-sweep.js'

function engineOver(store: Store, now: () => number) {
  return createEngine({ store, baseUrl: 'https://dcr.example.com', now })
}

test('the sweep deletes expired clients at each tick and logs how many', async () => {
  let now = Date.UTC(2026, 11, 5)
  const store = new MemoryStore()
  const engine = engineOver(store, () => now)
  const { apiKey } = await engine.createService({})
  const service = await engine.replacePolicy(apiKey, { probation: { lifetimeSeconds: 60 } })
  const decision = await engine.register(service, { json: '{"client_name":"agent"}' })
  const clientId = decision.client!.clientId
  const { log, lines } = capturedLog<{ level: number; msg: string; deleted?: number }>()
  const sweep = startExpiredClientSweep(engine, log, 10)
  await sleep(50)
  assert.ok(await store.getClient(apiKey, clientId))
  now += 60_000
  await until(async () => (await store.getClient(apiKey, clientId)) === undefined)
  await sweep.stop()
  assert.deepEqual(
    lines.map(({ msg, deleted }) => ({ msg, deleted })),
    [{ msg: 'expired clients deleted', deleted: 1 }],
  )
})

test('a failing sweep is logged and tried again; stop waits for the sweep in progress', async () => {
  const store = await openStore(':memory:')
  await store.close()
  const { log, lines } = capturedLog<{ level: number; msg: string; deleted?: number }>()
  const sweep = startExpiredClientSweep(engineOver(store, Date.now), log, 10)
  await until(() => lines.length >= 2)
  await sweep.stop()
  const count = lines.length
  await sleep(50)
  assert.equal(lines.length, count)
  for (const line of lines) {
    assert.equal(line.level, 50)
    assert.match(line.msg, /^deleting expired clients failed/)
  }
})
