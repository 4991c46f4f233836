import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createEngine } from '../engine/index.js'
import type { ClientInformation } from '../wire/index.js'
import { openStore } from '../store/index.js'
import { capturedLog, until } from '../../test/support/captured-log.js'
import { startClientLifecycleSweep } from './client-lifecycle-sweep.js'

const DAY = 86_400

/** What the sweep logs. */
type SweepLine = { level: number; msg: string; reaped?: number; purged?: number }

test('the sweep reaps an idle client on SQLite, records it, and the client can be restored', async () => {
  let now = Date.UTC(2026, 11, 5)
  const store = await openStore(':memory:')
  const engine = createEngine({
    store,
    baseUrl: 'https://dcr.example.com',
    now: () => now,
    audit: store.audit,
  })
  try {
    const service = await engine.createService({ clientIdleLifetime: DAY })
    const decision = await engine.register(service, { json: '{"client_name":"agent"}' })
    const client = decision.body as ClientInformation
    const read = () =>
      engine.read(service, { clientId: client.client_id, token: client.registration_access_token })
    const { log, lines } = capturedLog<SweepLine>()
    const sweep = startClientLifecycleSweep(engine, log, 10)
    now += (DAY + 1) * 1000
    await until(() => lines.length > 0)
    await sweep.stop()
    assert.deepEqual(
      lines.map(({ msg, reaped, purged }) => ({ msg, reaped, purged })),
      [{ msg: 'idle clients reaped, deleted purged', reaped: 1, purged: 0 }],
    )
    assert.equal((await read()).action, 'UNAUTHORIZED')
    const [event] = await engine.auditEvents(service, { kinds: ['client.reaped'], limit: 10 })
    assert.equal(event?.actor, 'system')
    assert.equal(event?.clientId, Number(client.client_id))
    await engine.restoreClient(service, client.client_id)
    assert.equal((await read()).action, 'OK')
    assert.equal((await store.getService(service.apiKey)) !== undefined, true)
  } finally {
    await store.close()
  }
})

test('a failing sweep is logged and tried again', async () => {
  const store = await openStore(':memory:')
  await store.close()
  const engine = createEngine({ store, baseUrl: 'https://dcr.example.com' })
  const { log, lines } = capturedLog<SweepLine>()
  const sweep = startClientLifecycleSweep(engine, log, 10)
  await until(() => lines.length >= 2)
  await sweep.stop()
  for (const line of lines) {
    assert.equal(line.level, 50)
    assert.match(line.msg, /^reaping idle clients failed/)
  }
})
