import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import {
  mintNumericId,
  pooledRandomBytes,
  secretMatches,
  hashSecret,
  splitIdToken,
  mintIdToken,
} from './secrets.js'

test('a pool hands every byte out once and keeps what it handed out', () => {
  let draws = 0
  let counter = 0
  const source = (size: number) => {
    draws++
    return Uint8Array.from({ length: size }, () => counter++ % 256)
  }
  const pooled = pooledRandomBytes(source, 64)
  const first = pooled(32)
  const copy = Uint8Array.from(first)
  const second = pooled(32)
  const third = pooled(32)
  assert.equal(draws, 2)
  assert.notDeepEqual(first, second)
  assert.deepEqual(first, copy)
  assert.equal(third[0], 64)
  assert.equal(pooled(100).length, 100)
})

test('numeric ids are 14-digit safe integers', () => {
  const pooled = pooledRandomBytes(randomBytes)
  for (let i = 0; i < 1000; i++) {
    const id = mintNumericId(pooled)
    assert.ok(Number.isSafeInteger(id) && id >= 1e13 && id < 1e14)
  }
})

test('secrets are compared by hash, and id tokens split back into their parts', () => {
  assert.ok(secretMatches('s3cret', hashSecret('s3cret')))
  assert.equal(secretMatches('s3cret', hashSecret('other')), false)
  assert.equal(secretMatches('s3cret', undefined), false)
  const minted = mintIdToken(randomBytes)
  assert.deepEqual(splitIdToken(minted.token), { id: minted.id, secret: minted.secret })
  assert.equal(splitIdToken('no-dot'), undefined)
})
