import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clientErrorBody } from './client-errors.js'

const failure = (code: string, rawPacket?: string) =>
  Object.assign(new Error(code), {
    code,
    rawPacket: rawPacket === undefined ? undefined : Buffer.from(rawPacket, 'latin1'),
  })

test('a request that never finished arriving is 408, over-long headers 431, anything else 400', () => {
  assert.equal(clientErrorBody(failure('ERR_HTTP_REQUEST_TIMEOUT')).status, 408)
  assert.equal(clientErrorBody(failure('HPE_HEADER_OVERFLOW', 'GET /x HTTP/1.1\r\n')).status, 431)
  assert.equal(clientErrorBody(failure('HPE_INVALID_METHOD', 'FOO / HTTP/1.1\r\n')).status, 400)
})

test('the answer is a result error when the request line names /api/, else invalid_request', () => {
  const api = JSON.parse(
    clientErrorBody(failure('HPE_INVALID_HEADER_TOKEN', 'GET /api/x HTTP/1.1\r\nbad')).text,
  )
  assert.deepEqual(Object.keys(api), ['resultCode', 'resultMessage'])
  assert.match(api.resultMessage, /^\[A001201\] \/api\/x, /)
  for (const packet of ['GET /1/register HTTP/1.1\r\nbad', 'garbage', undefined]) {
    const body = JSON.parse(clientErrorBody(failure('HPE_INVALID_HEADER_TOKEN', packet)).text)
    assert.equal(body.error, 'invalid_request')
    assert.equal(typeof body.error_description, 'string')
  }
})
