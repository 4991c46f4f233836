import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { rememberingOpens } from './opened-secrets.js'
import { secretBox, type SecretBox } from './secret-box.js'

/** A box over one key that counts its opens. */
function countingBox(): SecretBox & { opens: number } {
  const box = secretBox([{ id: 'a', key: randomBytes(32) }])
  const counting = {
    opens: 0,
    keyIds: box.keyIds,
    seal: box.seal,
    open(stored: string, serviceApiKey: number, clientId: number) {
      counting.opens++
      return box.open(stored, serviceApiKey, clientId)
    },
  }
  return counting
}

test('a sealed value read again is opened once; a new sealed value of the client is opened anew', () => {
  const inner = countingBox()
  const box = rememberingOpens(inner)
  const first = box.seal('first', 1, 2)
  assert.equal(box.open(first, 1, 2), 'first')
  assert.equal(box.open(first, 1, 2), 'first')
  assert.equal(inner.opens, 1)
  assert.equal(box.open(box.seal('second', 1, 2), 1, 2), 'second')
  assert.equal(inner.opens, 2)
})

test('a remembered value met in another client row is opened for that row, and fails there', () => {
  const box = rememberingOpens(countingBox())
  const sealed = box.seal('mine', 1, 2)
  assert.equal(box.open(sealed, 1, 2), 'mine')
  assert.throws(() => box.open(sealed, 1, 3), /does not open/)
  assert.throws(() => box.open(sealed, 9, 2), /does not open/)
})

test('a value that does not open is not remembered: it fails every time', () => {
  const box = rememberingOpens(countingBox())
  const foreign = secretBox([{ id: 'a', key: randomBytes(32) }]).seal('x', 1, 2)
  assert.throws(() => box.open(foreign, 1, 2), /does not open/)
  assert.throws(() => box.open(foreign, 1, 2), /does not open/)
})

test('at most its capacity of opened secrets is kept: an evicted one opens again', () => {
  const inner = countingBox()
  const box = rememberingOpens(inner, 4)
  const sealed = Array.from({ length: 10 }, (_, i) => box.seal(`s${i}`, 1, i))
  sealed.forEach((value, i) => box.open(value, 1, i))
  assert.equal(box.open(sealed[0]!, 1, 0), 's0')
  assert.equal(inner.opens, 11)
})
