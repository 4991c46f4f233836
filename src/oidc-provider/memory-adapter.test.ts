import assert from 'node:assert/strict'
import { test } from 'node:test'
import { memoryAdapter } from './memory-adapter.js'

test('keeps a payload for its lifetime in seconds, then forgets it', async () => {
  const clock = { now: 0 }
  const tokens = memoryAdapter(() => clock.now)('AccessToken')
  await tokens.upsert('t1', { jti: 't1' }, 60)
  clock.now = 59_999
  assert.deepEqual(await tokens.find('t1'), { jti: 't1' })
  clock.now = 60_000
  assert.equal(await tokens.find('t1'), undefined)
})

test('keeps models apart, and revokes a grant across them', async () => {
  const factory = memoryAdapter()
  const codes = factory('AuthorizationCode')
  const tokens = factory('AccessToken')
  await codes.upsert('same', { grantId: 'g1' })
  await tokens.upsert('same', { grantId: 'g1' })
  await tokens.upsert('other', { grantId: 'g2' })
  assert.deepEqual(await codes.find('same'), { grantId: 'g1' })
  await factory('RefreshToken').revokeByGrantId('g1')
  assert.equal(await codes.find('same'), undefined)
  assert.equal(await tokens.find('same'), undefined)
  assert.deepEqual(await tokens.find('other'), { grantId: 'g2' })
})

test('finds a session by uid and a device code by user code, and marks consumption', async () => {
  const clock = { now: 5_000 }
  const factory = memoryAdapter(() => clock.now)
  await factory('Session').upsert('s1', { uid: 'u1' })
  await factory('DeviceCode').upsert('d1', { userCode: 'ABCD' })
  assert.deepEqual(await factory('Session').findByUid('u1'), { uid: 'u1' })
  assert.equal(await factory('Grant').findByUid('u1'), undefined)
  assert.deepEqual(await factory('DeviceCode').findByUserCode('ABCD'), { userCode: 'ABCD' })
  await factory('DeviceCode').consume('d1')
  assert.equal((await factory('DeviceCode').find('d1'))?.consumed, 5)
  await factory('DeviceCode').destroy('d1')
  assert.equal(await factory('DeviceCode').find('d1'), undefined)
})

test('keeps live entries and grants across a sweep of expired ones', async () => {
  const clock = { now: 0 }
  const factory = memoryAdapter(() => clock.now)
  const tokens = factory('AccessToken')
  for (let i = 0; i < 1000; i++) await tokens.upsert(`t${i}`, { grantId: `g${i}` }, 1)
  clock.now = 1000
  await tokens.upsert('fresh', { grantId: 'g-fresh' }, 60)
  await factory('Grant').revokeByGrantId('g0')
  assert.deepEqual(await tokens.find('fresh'), { grantId: 'g-fresh' })
  await tokens.revokeByGrantId('g-fresh')
  assert.equal(await tokens.find('fresh'), undefined)
})
