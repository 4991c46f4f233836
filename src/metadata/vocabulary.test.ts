import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AUTHLETE_ENUMS } from '../wire/index.js'
import {
  DELIVERY_MODES,
  GRANT_TYPES,
  JWE_ALGORITHMS,
  JWE_ENCODINGS,
  JWS_ALGORITHMS,
  RESPONSE_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type Vocabulary,
} from './vocabulary.js'

const authleteNames = (vocabulary: Vocabulary) =>
  vocabulary.values.map((value) => vocabulary.toAuthlete(value))

test('every vocabulary maps onto exactly the SDK enum it stands for (spec §4)', () => {
  const pairs: [Vocabulary, readonly string[]][] = [
    [GRANT_TYPES, AUTHLETE_ENUMS.grantType],
    [RESPONSE_TYPES, AUTHLETE_ENUMS.responseType],
    [TOKEN_ENDPOINT_AUTH_METHODS, AUTHLETE_ENUMS.clientAuthMethod],
    [JWS_ALGORITHMS, AUTHLETE_ENUMS.jwsAlg],
    [JWE_ALGORITHMS, AUTHLETE_ENUMS.jweAlg],
    [JWE_ENCODINGS, AUTHLETE_ENUMS.jweEnc],
    [DELIVERY_MODES, AUTHLETE_ENUMS.deliveryMode],
  ]
  for (const [vocabulary, names] of pairs) {
    assert.deepEqual(new Set(authleteNames(vocabulary)), new Set(names))
  }
})

test('protocol values and Authlete names translate both ways', () => {
  assert.equal(JWE_ALGORITHMS.toAuthlete('ECDH-ES+A128KW'), 'ECDH_ES_A128KW')
  assert.equal(JWE_ALGORITHMS.fromAuthlete('ECDH_ES_A128KW'), 'ECDH-ES+A128KW')
  assert.equal(TOKEN_ENDPOINT_AUTH_METHODS.fromAuthlete('PRIVATE_KEY_JWT'), 'private_key_jwt')
})
