import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import {
  PLAINTEXT_SECRETS,
  UnknownSecretKeyError,
  formatKeyring,
  isSealed,
  newSecretKey,
  parseKeyring,
  secretBox,
  sealedKeyId,
} from './secret-box.js'

const A = { id: 'a', key: randomBytes(32) }
const B = { id: 'b', key: randomBytes(32) }

test('a sealed secret opens to itself and does not hold it in plaintext', () => {
  const box = secretBox([A])
  const sealed = box.seal('s3cret-value', 7, 42)
  assert.ok(isSealed(sealed))
  assert.equal(sealedKeyId(sealed), 'a')
  assert.ok(!sealed.includes('s3cret-value'))
  assert.equal(box.open(sealed, 7, 42), 's3cret-value')
})

test('every seal draws a fresh IV: the same secret seals to different values', () => {
  const box = secretBox([A])
  assert.notEqual(box.seal('same', 1, 1), box.seal('same', 1, 1))
  // Past a refill of the pool of IVs too.
  const ivs = new Set(Array.from({ length: 3000 }, () => box.seal('same', 1, 1).split('.')[2]))
  assert.equal(ivs.size, 3000)
})

test('a plaintext value (stored before sealing) reads as it is', () => {
  assert.equal(secretBox([A]).open('legacy-secret', 1, 1), 'legacy-secret')
})

test('the first key seals, every key of the keyring opens', () => {
  const sealedWithA = secretBox([A]).seal('x', 1, 2)
  const rotated = secretBox([B, A])
  assert.equal(rotated.open(sealedWithA, 1, 2), 'x')
  assert.equal(sealedKeyId(rotated.seal('x', 1, 2)), 'b')
  assert.deepEqual(rotated.keyIds, ['b', 'a'])
})

test('a value sealed with a key the keyring lacks is refused, naming the key', () => {
  const sealed = secretBox([A]).seal('x', 1, 2)
  assert.throws(
    () => secretBox([B]).open(sealed, 1, 2),
    (error: unknown) => error instanceof UnknownSecretKeyError && error.keyId === 'a',
  )
  assert.throws(() => PLAINTEXT_SECRETS.open(sealed, 1, 2), UnknownSecretKeyError)
})

test('another key under the same id does not open it', () => {
  const sealed = secretBox([A]).seal('x', 1, 2)
  assert.throws(
    () => secretBox([{ id: 'a', key: randomBytes(32) }]).open(sealed, 1, 2),
    /does not open/,
  )
})

test('a sealed value moved to another client, or another service, does not open', () => {
  const box = secretBox([A])
  const sealed = box.seal('x', 1, 2)
  assert.throws(() => box.open(sealed, 1, 3), /does not open/)
  assert.throws(() => box.open(sealed, 2, 2), /does not open/)
})

test('an altered ciphertext, IV or tag does not open', () => {
  const box = secretBox([A])
  const sealed = box.seal('a longer secret value', 1, 2)
  const [prefix, id, iv, body] = sealed.split('.')
  const flip = (text: string, at: number) => {
    const bytes = Buffer.from(text, 'base64url')
    bytes[at] ^= 1
    return bytes.toString('base64url')
  }
  for (const altered of [
    [prefix, id, iv, flip(body, 0)],
    [prefix, id, iv, flip(body, Buffer.from(body, 'base64url').length - 1)],
    [prefix, id, flip(iv, 0), body],
  ]) {
    assert.throws(() => box.open(altered.join('.'), 1, 2), /does not open/)
  }
  assert.throws(() => box.open(`${prefix}.${id}.${iv}`, 1, 2), /well-formed/)
  assert.throws(() => box.open(`${sealed}.more`, 1, 2), /well-formed/)
})

test('a keyring reads from its text, first key first, and formats back', () => {
  const text = formatKeyring([B, A])
  const keyring = parseKeyring(text)
  assert.deepEqual(
    keyring.map(({ id }) => id),
    ['b', 'a'],
  )
  assert.ok(keyring[0].key.equals(B.key))
  // Key files may put one key a line; base64url is read too.
  const lines = `b:${B.key.toString('base64url')}\na:${A.key.toString('base64')}\n`
  assert.ok(parseKeyring(lines)[0].key.equals(B.key))
  assert.equal(parseKeyring(formatKeyring([newSecretKey()])).length, 1)
})

test('a malformed keyring is refused without echoing key material', () => {
  const short = randomBytes(16).toString('base64')
  for (const [text, message] of [
    ['', /no key/],
    ['nokey', /id:base64key/],
    [`bad.id:${A.key.toString('base64')}`, /id:base64key/],
    [`a:${short}`, /32 bytes/],
    [`a:${A.key.toString('base64')}!`, /32 bytes/],
    [`a:${A.key.toString('base64')},a:${B.key.toString('base64')}`, /twice/],
  ] as const) {
    assert.throws(
      () => parseKeyring(text),
      (error: Error) => message.test(error.message) && !error.message.includes(short),
      text,
    )
  }
})
