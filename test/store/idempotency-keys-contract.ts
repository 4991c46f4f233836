/**
 * The Store contract of Idempotency-Keys (claim, complete, release, expiry) and of
 * putSettingIfAbsent, run inside describeStoreContract against every implementation.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { IdempotencyKeyRecord, ServiceRecord, Store } from '../../src/engine/index.js'
import { newKey, NOW } from './records.js'

export interface IdempotencyKeyContext {
  store(): Store
  /** Another store on the same database: another node (database stores only). */
  open(): Promise<Store>
  database: boolean
  newService(): Promise<ServiceRecord>
}

const NEVER = { expiredBefore: 0, abandonedBefore: 0 }

function newClaim(serviceApiKey: number, overrides: Partial<IdempotencyKeyRecord> = {}) {
  return {
    serviceApiKey,
    keyHash: `key-${newKey()}`,
    requestHash: 'request-hash',
    tokenHash: 'token-hash',
    createdAt: NOW,
    ...overrides,
  }
}

export function idempotencyKeyTests(context: IdempotencyKeyContext): void {
  /** Only a database has other nodes. */
  const nodesTest = context.database ? test : () => undefined

  test('a claim takes a free key; the next one for the key is answered the record that holds it', async () => {
    const store = context.store()
    const service = await context.newService()
    const claim = newClaim(service.apiKey)
    assert.deepEqual(await store.claimIdempotencyKey(claim, NEVER), { claimed: true })
    const second = await store.claimIdempotencyKey(
      { ...claim, requestHash: 'other', createdAt: NOW + 1 },
      NEVER,
    )
    assert.deepEqual(second, { claimed: false, held: claim })
    const { tokenHash: _none, ...anonymous } = newClaim(service.apiKey)
    await store.claimIdempotencyKey(anonymous, NEVER)
    assert.deepEqual(await store.getIdempotencyKey(service.apiKey, anonymous.keyHash), anonymous)
  })

  test('keys are per service: another service claims the same key hash', async () => {
    const store = context.store()
    const [one, two] = [await context.newService(), await context.newService()]
    const claim = newClaim(one.apiKey)
    await store.claimIdempotencyKey(claim, NEVER)
    const other = { ...claim, serviceApiKey: two.apiKey }
    assert.deepEqual(await store.claimIdempotencyKey(other, NEVER), { claimed: true })
    assert.deepEqual(await store.getIdempotencyKey(two.apiKey, claim.keyHash), other)
  })

  test('complete records the client of its own claim only; release frees the key', async () => {
    const store = context.store()
    const service = await context.newService()
    const claim = newClaim(service.apiKey)
    await store.claimIdempotencyKey(claim, NEVER)
    await store.completeIdempotencyKey({ ...claim, createdAt: NOW - 1 }, 1)
    assert.deepEqual(await store.getIdempotencyKey(service.apiKey, claim.keyHash), claim)
    await store.completeIdempotencyKey(claim, 12_345_678_901_234)
    const completed = { ...claim, clientId: 12_345_678_901_234 }
    assert.deepEqual(await store.getIdempotencyKey(service.apiKey, claim.keyHash), completed)
    await store.completeIdempotencyKey(claim, 5)
    assert.deepEqual(await store.getIdempotencyKey(service.apiKey, claim.keyHash), completed)

    await store.releaseIdempotencyKey({ ...claim, createdAt: NOW + 1 })
    assert.ok(await store.getIdempotencyKey(service.apiKey, claim.keyHash))
    await store.releaseIdempotencyKey(claim)
    assert.equal(await store.getIdempotencyKey(service.apiKey, claim.keyHash), undefined)
    assert.deepEqual(await store.claimIdempotencyKey(claim, NEVER), { claimed: true })
  })

  test('an expired key, or one abandoned without a client, is claimed again; a live one is not', async () => {
    const store = context.store()
    const service = await context.newService()
    const done = newClaim(service.apiKey)
    const pending = newClaim(service.apiKey)
    await store.claimIdempotencyKey(done, NEVER)
    await store.completeIdempotencyKey(done, 7)
    await store.claimIdempotencyKey(pending, NEVER)
    const later = { requestHash: 'later', createdAt: NOW + 10 }
    // Abandoned before NOW + 1: the pending claim goes, the completed one stays.
    const abandoned = { expiredBefore: NOW, abandonedBefore: NOW + 1 }
    assert.deepEqual(await store.claimIdempotencyKey({ ...pending, ...later }, abandoned), {
      claimed: true,
    })
    const { tokenHash: _kept, ...withoutToken } = done
    assert.equal(
      (await store.claimIdempotencyKey({ ...withoutToken, ...later }, abandoned)).claimed,
      false,
    )
    // Expired before NOW + 1: the completed key is claimed anew, without its client.
    const expired = { expiredBefore: NOW + 1, abandonedBefore: 0 }
    assert.deepEqual(await store.claimIdempotencyKey({ ...withoutToken, ...later }, expired), {
      claimed: true,
    })
    assert.deepEqual(await store.getIdempotencyKey(service.apiKey, done.keyHash), {
      ...withoutToken,
      ...later,
    })
  })

  nodesTest('of claims racing for one key on two nodes, exactly one takes it', async () => {
    const other = await context.open()
    try {
      const service = await context.newService()
      const claim = newClaim(service.apiKey)
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? other : context.store()).claimIdempotencyKey(
            { ...claim, createdAt: NOW + index },
            NEVER,
          ),
        ),
      )
      assert.equal(outcomes.filter((outcome) => outcome.claimed).length, 1)
    } finally {
      await other.close()
    }
  })

  test('deleting keys claimed before a moment leaves the later ones', async () => {
    const store = context.store()
    const service = await context.newService()
    const early = newClaim(service.apiKey, { createdAt: 1_000 })
    const late = newClaim(service.apiKey, { createdAt: 3_000 })
    await store.claimIdempotencyKey(early, NEVER)
    await store.claimIdempotencyKey(late, NEVER)
    assert.ok((await store.deleteIdempotencyKeysBefore(2_000)) >= 1)
    assert.equal(await store.getIdempotencyKey(service.apiKey, early.keyHash), undefined)
    assert.deepEqual(await store.getIdempotencyKey(service.apiKey, late.keyHash), late)
  })

  test('deleting a service deletes its idempotency keys', async () => {
    const store = context.store()
    const service = await context.newService()
    const claim = newClaim(service.apiKey)
    await store.claimIdempotencyKey(claim, NEVER)
    await store.deleteService(service.apiKey)
    assert.equal(await store.getIdempotencyKey(service.apiKey, claim.keyHash), undefined)
  })

  test('putSettingIfAbsent keeps the first value stored', async () => {
    const store = context.store()
    const key = 'setting-' + newKey()
    assert.equal(await store.putSettingIfAbsent(key, 'first'), 'first')
    assert.equal(await store.putSettingIfAbsent(key, 'second'), 'first')
    assert.equal(await store.getSetting(key), 'first')
  })

  nodesTest(
    'of nodes racing to put a setting if absent, every one gets the first value stored',
    async () => {
      const other = await context.open()
      try {
        const key = 'setting-' + newKey()
        const stored = await Promise.all(
          ['a', 'b', 'c', 'd'].map((value, index) =>
            (index % 2 ? other : context.store()).putSettingIfAbsent(key, value),
          ),
        )
        assert.equal(new Set(stored).size, 1)
        assert.equal(await context.store().getSetting(key), stored[0])
        assert.equal(await context.store().putSettingIfAbsent(key, 'e'), stored[0])
      } finally {
        await other.close()
      }
    },
  )
}
