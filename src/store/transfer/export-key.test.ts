import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { exportCipher, importCipher, WrongExportKeyError } from './export-key.js'

const RAW = randomBytes(32).toString('base64')
const OWNER = ['clients', 'client_secret', 7, 42]

test('a 32-byte base64 key is used as it is; other text is a passphrase through scrypt', () => {
  assert.deepEqual(exportCipher(RAW).header.derivation, { kdf: 'none' })
  const derivation = exportCipher('a passphrase long enough').header.derivation
  assert.equal(derivation.kdf, 'scrypt')
})

test('a secret opens under the same key and owner only (AES-256-GCM, the owner as additional data)', () => {
  const cipher = exportCipher(RAW)
  const value = cipher.encrypt('s3cret', OWNER)
  assert.ok(!value.includes('s3cret'))
  assert.equal(importCipher(RAW, cipher.header).decrypt(value, OWNER), 's3cret')
  assert.throws(() => cipher.decrypt(value, ['clients', 'client_secret', 7, 43]), /does not open/)
})

test('another key or passphrase is refused as the wrong export key', () => {
  const raw = exportCipher(RAW).header
  assert.throws(() => importCipher(randomBytes(32).toString('base64'), raw), WrongExportKeyError)
  assert.throws(() => importCipher('a passphrase long enough', raw), WrongExportKeyError)
  const stretched = exportCipher('a passphrase long enough').header
  assert.throws(() => importCipher('another passphrase, long', stretched), WrongExportKeyError)
  assert.throws(() => importCipher(RAW, stretched), WrongExportKeyError)
})

test('a short passphrase is refused', () => {
  assert.throws(() => exportCipher('short'), /16 characters or more/)
})
