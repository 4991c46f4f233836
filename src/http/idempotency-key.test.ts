import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OAuthError } from '../wire/index.js'
import { idempotencyKeyOf } from './idempotency-key.js'

test('reads the key of an sf-string, escapes undone, or of a bare value (draft-ietf-httpapi-idempotency-key-header §2.1)', () => {
  const accepted: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"with space"', 'with space'],
    ['"a \\"quote\\" and a \\\\"', 'a "quote" and a \\'],
    ['""', ''],
  ]
  for (const [header, key] of accepted) assert.equal(idempotencyKeyOf(header), key, header)
})

test('refuses a malformed value or two fields: 400 invalid_request', () => {
  for (const header of [
    '',
    'two words',
    '"open',
    'a"b',
    '"bad \\x escape"',
    '"ключ"',
    'a,b',
    ['a', 'b'],
  ]) {
    assert.throws(
      () => idempotencyKeyOf(header),
      (error: unknown) =>
        error instanceof OAuthError && error.code === 'invalid_request' && error.status === 400,
      JSON.stringify(header),
    )
  }
})
