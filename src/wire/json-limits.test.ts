import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  jsonProblem,
  lossyNumberToken,
  MAX_JSON_DEPTH,
  parseStorableJson,
  plainlyStorable,
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

test('plainlyStorable clears common text in one pass', () => {
  for (const text of [
    '{"client_name":"Café 😀","redirect_uris":["http://127.0.0.1:5/cb"]}',
    '{"n":"caf\\u00e9 \\ud83d\\ude00 \\uD83D\\uDE00","m":[0,-3,1.5,1e3,-0.25,3600,true,null]}',
    '{"\\u0041\\"\\\\":{}}',
    nested(MAX_JSON_DEPTH),
  ]) {
    assert.equal(plainlyStorable(text), true, text)
  }
  for (const text of ['["\\u0000"]', '["\\ud800"]', '["\\udc00\\ud800"]', '[-0]', '[1e400]']) {
    assert.equal(plainlyStorable(text), false, text)
  }
  assert.equal(plainlyStorable(nested(MAX_JSON_DEPTH + 1)), false)
})

/** Pieces of JSON string source: plain, escapes, NUL, surrogates raw or escaped, lone or paired. */
const stringPiece = fc.constantFrom(
  'a',
  'é',
  '~/',
  '\\"',
  '\\\\',
  '\\n',
  '\\u0041',
  '\\u0000',
  '\\u00e9',
  '\\u001f',
  '\ud83d',
  '\ude00',
  '\ud83d\ude00',
  '\\ud83d',
  '\\uDE00',
  '\\uD83D\\ude00',
  '\\ud83d\ude00',
  '\ud83d\\ude00',
  '\\uDBFF\\uDFFF',
  '\\udc00\\ud800',
  '\uffff',
)
const stringText = fc.array(stringPiece, { maxLength: 6 }).map((pieces) => `"${pieces.join('')}"`)

const digitText = (min: number, max: number) =>
  fc.array(fc.constantFrom('0', '0', '1', '5', '9'), { minLength: min, maxLength: max })
const numberText = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '-0.0',
    '-0.0e5',
    '0e10',
    '1e400',
    '-1e400',
    '1e-400',
    '-1e-400',
    '5e-324',
    '2.2250738585072014e-308',
    '1.7976931348623157e308',
    '9007199254740991',
    '9007199254740993',
    '1.00000000000000001',
    '0.30000000000000004',
    '123456789012345',
    '1234567890123456',
    '0.00000000000001',
    '0.000000000000001',
  ),
  fc
    .tuple(
      fc.boolean(),
      fc.oneof(
        fc.constant(['0']),
        digitText(1, 20).map((d) => ['1', ...d]),
      ),
      fc.option(digitText(1, 20)),
      fc.option(fc.tuple(fc.constantFrom('e', 'E+', 'e-'), fc.integer({ min: 0, max: 400 }))),
    )
    .map(
      ([negative, whole, fraction, exponent]) =>
        (negative ? '-' : '') +
        whole.join('') +
        (fraction === null ? '' : `.${fraction.join('')}`) +
        (exponent === null ? '' : `${exponent[0]}${exponent[1]}`),
    ),
)

const { jsonText } = fc.letrec<{ jsonText: string }>((tie) => ({
  jsonText: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringText,
    numberText,
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('jsonText'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(stringText, tie('jsonText')), { maxLength: 4 })
      .map((members) => `{${members.map(([name, value]) => `${name}:${value}`).join(',')}}`),
    fc
      .tuple(fc.integer({ min: 25, max: 40 }), fc.boolean(), tie('jsonText'))
      .map(([levels, inObjects, inner]) =>
        inObjects
          ? '{"k":'.repeat(levels) + inner + '}'.repeat(levels)
          : ' ['.repeat(levels) + inner + ']'.repeat(levels),
      ),
  ),
}))

test('the one-pass check never clears text the exact walk refuses', () => {
  fc.assert(
    fc.property(jsonText, (text) => {
      const value: unknown = JSON.parse(text)
      const refused = jsonProblem(value) !== undefined || lossyNumberToken(text) !== undefined
      if (plainlyStorable(text)) assert.equal(refused, false, text)
      assert.equal(
        (() => {
          try {
            parseStorableJson(text)
            return false
          } catch (error) {
            if (!(error instanceof UnstorableJsonError)) throw error
            return true
          }
        })(),
        refused,
        text,
      )
    }),
    { numRuns: 3000 },
  )
})
