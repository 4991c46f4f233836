import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RULE_CASES } from '../../../test/support/rule-cases.js'
import { isOAuthError } from '../../wire/index.js'
import { policyOf } from '../policy.js'
import { resolveClientMetadata } from '../resolve.js'
import { RULES } from './index.js'

const RULE_BY_NAME = new Map(RULES)

test('every rule in the evaluation list has a table of cases', () => {
  assert.deepEqual(RULES.map(([name]) => name).sort(), Object.keys(RULE_CASES).sort())
})

test('every rule names its spec and earns a metadata error code (RFC 7591 §3.2.2)', () => {
  for (const [name, rule] of RULES) {
    assert.match(rule.spec, /(RFC \d+|OIDC|JARM) |^policy\.[a-zA-Z.]+$/, name)
    assert.ok(['invalid_redirect_uri', 'invalid_client_metadata'].includes(rule.code), name)
  }
})

for (const [name, { title, settings = {}, document, accepted, rejected }] of Object.entries(
  RULE_CASES,
)) {
  const policy = policyOf(settings, document)
  describe(`${name}: ${title}`, () => {
    for (const entry of accepted) {
      const [body, replaced = {}] = Array.isArray(entry) ? entry : [entry]
      test(`accepts ${JSON.stringify(body)}`, async () => {
        const effective = await resolveClientMetadata(body, policy, { now: 0 })
        assert.equal(RULE_BY_NAME.get(name)?.check(effective, policy), undefined)
        for (const [member, value] of Object.entries({ ...body, ...replaced })) {
          assert.deepEqual(effective[member], value, member)
        }
      })
    }
    for (const { body, code } of rejected) {
      test(`rejects ${JSON.stringify(body)} with ${code}`, async () => {
        await assert.rejects(resolveClientMetadata(body, policy, { now: 0 }), (err: unknown) => {
          assert.ok(isOAuthError(err))
          assert.equal(err.code, code)
          assert.equal(err.status, 400)
          assert.match(
            String(err.cause),
            new RegExp(`^${name} `),
            `rejected by ${String(err.cause)}`,
          )
          return true
        })
      })
    }
  })
}
