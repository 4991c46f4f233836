import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  jsonProblem,
  lossyNumberToken,
  MAX_JSON_DEPTH,
  parseStorableJson,
  textProblem,
  UnstorableJsonError,
} from './json-limits.js'

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

test('text is refused for U+0000 and unpaired surrogates only; pairs and other controls pass', () => {
  for (const bad of ['\u0000', 'a\u0000', '\ud800', 'a\udfff', '\udc00\ud800', '\ud83d']) {
    assert.notEqual(textProblem(bad), undefined, JSON.stringify(bad))
  }
  for (const good of ['', 'plain', '\u0001\u001f', '\ud83d\ude00', 'é', '\uffff']) {
    assert.equal(textProblem(good), undefined, JSON.stringify(good))
  }
})

test('jsonProblem names the first bad string, member name, number or nesting by its JSON pointer', () => {
  assert.equal(jsonProblem({ a: ['ok', { 'b/c': 'x\u0000' }] })?.pointer, '/a/1/b~1c')
  assert.match(jsonProblem({ ['k\ud800']: 1 })?.problem ?? '', /name/)
  assert.equal(jsonProblem({ n: -0 })?.pointer, '/n')
  assert.equal(jsonProblem({ n: Infinity })?.pointer, '/n')
  assert.equal(jsonProblem({ n: 0, m: 1.5, s: '', t: true, u: null }), undefined)
  assert.equal(jsonProblem(JSON.parse(nested(MAX_JSON_DEPTH))), undefined)
  assert.match(jsonProblem(JSON.parse(nested(MAX_JSON_DEPTH + 1)))?.problem ?? '', /deeper/)
  // Any depth is checked without overflowing the stack.
  assert.notEqual(jsonProblem(JSON.parse(nested(100_000))), undefined)
})

test('lossyNumberToken finds numbers JSON.parse alters, and none inside strings', () => {
  assert.equal(lossyNumberToken('{"a":1e-400}'), '1e-400')
  assert.equal(lossyNumberToken('[0.0, 1, 9007199254740993]'), '9007199254740993')
  assert.equal(lossyNumberToken('{"a":"1e-400 9007199254740993","b\\"":-0.5e-3}'), undefined)
  assert.equal(lossyNumberToken('[1.00000000000000001]'), '1.00000000000000001')
  assert.equal(lossyNumberToken('[1e-324]'), '1e-324')
  assert.equal(lossyNumberToken('[1.23456789e-320]'), '1.23456789e-320')
  assert.equal(
    lossyNumberToken(
      '[0, 0e10, -0.0, 9007199254740991, 1.5, 36e2, 0.1, 5e-324, 1e300, 1.7976931348623157e308]',
    ),
    undefined,
  )
  assert.equal(
    lossyNumberToken('[0.30000000000000004, 123456789012345678e2, 1.000]'),
    '123456789012345678e2',
  )
})

test('parseStorableJson throws SyntaxError for non-JSON and UnstorableJsonError for the rest', () => {
  assert.throws(() => parseStorableJson('{'), SyntaxError)
  for (const text of ['{"a":"\\u0000"}', '{"a":-0}', '{"a":1e400}', '{"x":1e-400}', nested(40)]) {
    assert.throws(() => parseStorableJson(text), UnstorableJsonError, text)
  }
  assert.throws(() => parseStorableJson('{"x":1e-400}'), /x is a number \(1e-400\)/)
  assert.deepEqual(parseStorableJson('{"a":[1,"b"]}'), { a: [1, 'b'] })
})
