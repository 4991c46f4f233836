/** Initial access tokens (RFC 7591 §3, CONTRACT.md §1b) at the registration endpoint and the DCR API. */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import { call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const CLIENT = { redirect_uris: ['https://app.example/cb'] }

export function initialAccessTokenTests(context: Context): void {
  describe('initial access tokens', () => {
    const setUp = async (
      settings: Record<string, unknown> = { initialAccessTokenRequired: true },
    ) => {
      const { api, server } = context()
      const id = await api.createService(settings)
      const mint = async (body: Record<string, unknown> = {}) => {
        const answer = await api.call(`/api/${id}/initial_access_token/create`, { body })
        assert.equal(answer.status, 200, answer.text)
        return answer.json as { id: string; token: string; expiresAt: number; maxUses: number }
      }
      const register = (token?: string, body: unknown = CLIENT) =>
        call(`${server.url}/${id}/register`, { body, token })
      return { id, api, mint, register }
    }

    test('a service that requires one: missing gives 401 Bearer, invalid gives Bearer error="invalid_token"', async () => {
      const { register } = await setUp()
      const missing = await register()
      assert.equal(missing.status, 401)
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer')
      assert.equal(missing.json.error, 'invalid_token')
      const invalid = await register('0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      assert.equal(invalid.status, 401)
      assert.equal(invalid.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
      assert.equal((await register('garbage')).status, 401)
    })

    test('a valid token registers; maxUses counts only successful registrations; then it is spent', async () => {
      const { id, api, mint, register } = await setUp()
      const token = await mint({ maxUses: 2, description: 'two' })
      assert.equal(token.maxUses, 2)
      assert.equal(token.expiresAt, 0)
      assert.equal(
        (await register(token.token, { redirect_uris: ['https://a.example/#x'] })).status,
        400,
      )
      let listed = (await api.call(`/api/${id}/initial_access_token/list`)).json.tokens
      assert.deepEqual(listed, [
        { id: token.id, expiresAt: 0, maxUses: 2, usesLeft: 2, description: 'two' },
      ])
      assert.equal((await register(token.token)).status, 201)
      assert.equal((await register(token.token)).status, 201)
      const spent = await register(token.token)
      assert.equal(spent.status, 401)
      assert.equal(spent.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
      listed = (await api.call(`/api/${id}/initial_access_token/list`)).json.tokens
      assert.deepEqual(listed, [])
    })

    test('an unlimited token lists without usesLeft; a deleted one stops working', async () => {
      const { id, api, mint, register } = await setUp()
      const token = await mint()
      const listed = (await api.call(`/api/${id}/initial_access_token/list`)).json.tokens
      assert.equal(listed.length, 1)
      assert.equal('usesLeft' in listed[0], false)
      assert.equal('token' in listed[0], false)
      assert.equal((await register(token.token)).status, 201)
      assert.equal(
        (await api.call(`/api/${id}/initial_access_token/${token.id}`, { method: 'DELETE' }))
          .status,
        204,
      )
      assert.equal((await register(token.token)).status, 401)
    })

    test('an expired token and another service token are refused', async () => {
      const { mint, register } = await setUp()
      const other = await setUp()
      const foreign = await other.mint()
      assert.equal((await register(foreign.token)).status, 401)
      const shortLived = await mint({ expiresIn: 1 })
      assert.equal(shortLived.expiresAt > Date.now(), true)
      await sleep(1_500)
      const expired = await register(shortLived.token)
      assert.equal(expired.status, 401)
      assert.equal(expired.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
    })

    test('a presented token is checked even when the service does not require one', async () => {
      const { mint, register } = await setUp({})
      assert.equal((await register()).status, 201)
      assert.equal((await register('garbage')).status, 401)
      assert.equal((await register((await mint()).token)).status, 201)
    })

    test('through the DCR API a missing or invalid token is action UNAUTHORIZED with invalid_token', async () => {
      const { id, api, mint } = await setUp()
      for (const token of [undefined, 'garbage']) {
        const answer = await api.call(`/api/${id}/client/registration`, {
          body: { json: JSON.stringify(CLIENT), token },
        })
        assert.equal(answer.status, 200)
        assert.equal(answer.json.action, 'UNAUTHORIZED')
        assert.equal(JSON.parse(answer.json.responseContent).error, 'invalid_token')
      }
      const valid = await api.call(`/api/${id}/client/registration`, {
        body: { json: JSON.stringify(CLIENT), token: (await mint()).token },
      })
      assert.equal(valid.json.action, 'CREATED')
    })

    test('bad token requests are 400 result errors', async () => {
      const { id, api } = await setUp()
      for (const body of [
        { expiresIn: -1 },
        { expiresIn: 1.5 },
        { maxUses: -2 },
        { maxUses: 'x' },
        { description: 5 },
      ]) {
        const answer = await api.call(`/api/${id}/initial_access_token/create`, { body })
        assert.equal(answer.status, 400, JSON.stringify(body))
        assert.match(answer.json.resultCode, /^A/)
      }
    })
  })
}
