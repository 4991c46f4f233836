import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AuditEvent, AuditTrail } from './audit.js'
import { REFUSAL_EVENTS_PER_MINUTE } from './audit-events.js'
import { createEngine, MemoryStore } from './index.js'

/** An audit trail that only keeps what is appended. */
function collectingTrail(): AuditTrail & { events: AuditEvent[] } {
  const events: AuditEvent[] = []
  const unused = () => Promise.reject(new Error('not used here'))
  return {
    events,
    append: async (appended) => void events.push(...appended),
    list: unused,
    seal: unused,
    head: unused,
    verify: unused,
    prune: unused,
    erase: unused,
  }
}

test('refusal events are kept up to a share a minute per network; the next one counts the rest', async () => {
  let now = 1_750_000_000_000
  const audit = collectingTrail()
  const engine = createEngine({
    store: new MemoryStore(),
    baseUrl: 'https://dcr.example.com',
    now: () => now,
    audit,
  })
  const service = await engine.createService({})
  const created = await engine.register(service, {
    json: JSON.stringify({ redirect_uris: ['https://app.example/cb'] }),
  })
  const { client_id: clientId } = created.body as Record<string, string>
  const wrongToken = (address: string) =>
    engine.read(service, { clientId, token: 'wrong', origin: { address } })
  const failures = (address: string) =>
    audit.events.filter(
      (event) => event.kind === 'authentication.failed' && event.detail.source === address,
    )

  for (let i = 0; i < 25; i++) assert.equal((await wrongToken('203.0.113.7')).status, 401)
  // Another address of the same /24 shares the share; another network has its own.
  assert.equal((await wrongToken('203.0.113.8')).status, 401)
  for (let i = 0; i < 3; i++) await wrongToken('198.51.100.1')
  assert.equal(failures('203.0.113.7').length, REFUSAL_EVENTS_PER_MINUTE)
  assert.equal(failures('203.0.113.8').length, 0)
  assert.equal(failures('198.51.100.1').length, 3)

  now += 60_000
  await wrongToken('203.0.113.7')
  const [next] = failures('203.0.113.7').slice(REFUSAL_EVENTS_PER_MINUTE)
  assert.equal(next?.detail.leftOut, 26 - REFUSAL_EVENTS_PER_MINUTE)
  // Changes are never left out.
  assert.equal(audit.events.filter((event) => event.kind === 'client.created').length, 1)
})
