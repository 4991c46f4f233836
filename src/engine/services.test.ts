import assert from 'node:assert/strict'
import { it } from 'node:test'
import { SERVICE_ASSIGNED_MEMBERS } from '../wire/index.js'
import { createEngine, MemoryStore } from './index.js'

it('members the server assigns to a service are neither stored nor taken on create and update (spec §7 trap 12)', async () => {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const assigned = {
    number: 7,
    serviceOwnerNumber: 7,
    apiKey: 7,
    apiSecret: 'chosen',
    createdAt: 7,
    modifiedAt: 7,
    metadata: [{ key: 'k', value: 'v' }],
  }
  assert.deepEqual(Object.keys(assigned).sort(), [...SERVICE_ASSIGNED_MEMBERS].sort())
  const created = await engine.createService({ serviceName: 'assigned', ...assigned })
  const updated = await engine.updateService(created.apiKey, assigned)
  for (const record of [created, updated]) {
    assert.notEqual(record.apiKey, 7)
    assert.notEqual(record.apiSecret, 'chosen')
    assert.equal(record.settings.serviceName, 'assigned')
    for (const member of SERVICE_ASSIGNED_MEMBERS) assert.equal(member in record.settings, false)
  }
})
