import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OAuthError } from './errors.js'
import { resultMessage } from './result-codes.js'

test('error_description is printable ASCII without quotes or backslashes (RFC 6749 §5.2)', () => {
  const error = new OAuthError(
    'invalid_redirect_uri',
    'redirect_uris "https://例え.jp/\\cb#é" is bad\n',
  )
  assert.match(error.description, /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/)
  assert.equal(error.toJSON().error_description, error.description)
  assert.ok(error.description.startsWith("redirect_uris 'https://"))
  assert.ok(error.description.includes('/%5Ccb'), 'a backslash is shown percent-encoded')
})

test('the status comes from the code unless given (STYLE.md §4)', () => {
  assert.equal(new OAuthError('invalid_token', 'x').status, 401)
  assert.equal(new OAuthError('invalid_client_metadata', 'x').status, 400)
  assert.equal(new OAuthError('server_error', 'x').status, 500)
  assert.equal(new OAuthError('invalid_request', 'too large', { status: 413 }).status, 413)
})

test('a description echoes a long request value only in part, and stays short (RFC 6749 §5.2)', () => {
  const uri = `https://a.example/${'x'.repeat(100_000)}`
  const error = new OAuthError('invalid_redirect_uri', `redirect_uris ${uri} has a fragment`)
  assert.ok(error.description.startsWith('redirect_uris https://a.example/xxx'))
  assert.ok(error.description.endsWith('... has a fragment'))
  assert.ok(error.description.length <= 120, error.description)
  const many = new OAuthError('invalid_request', 'word '.repeat(10_000))
  assert.ok(many.description.length <= 400)
  const message = resultMessage('A001204', 'no such API', `/api/${'y'.repeat(20_000)}`)
  assert.ok(message.length < 150, message)
})
