/**
 * Bounds on what one caller can ask for (CONTRACT.md "Bad input": default limits exist and
 * are documented): a list call answers at most 1,000 items, and says so in the OpenAPI
 * document; an address that keeps presenting wrong API tokens is backed off.
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, test } from 'node:test'
import { call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

interface Answer {
  status: number
  headers: Record<string, unknown>
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A GET with a bearer token from a chosen loopback address (any 127/8 address is ours). */
function getFrom(localAddress: string, url: string, token: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { localAddress, headers: { authorization: `Bearer ${token}`, connection: 'close' } },
      (incoming) => {
        let text = ''
        incoming.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            json: JSON.parse(text),
          }),
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/** Wrong API tokens an address may present per window by default. */
const DEFAULT_FAILURES = 20

const MAX_PAGE_SIZE = 1000

export function boundsTests(context: Context): void {
  describe('bounds on list calls', () => {
    test('a client list answers at most 1,000 clients a call, and end says where it stopped', async () => {
      const { api } = context()
      const id = await api.createService()
      const total = MAX_PAGE_SIZE + 5
      for (let first = 0; first < total; first += 50) {
        const batch = Array.from({ length: Math.min(50, total - first) }, () =>
          api.call(`/api/${id}/client/create`, { body: { clientName: 'many' } }),
        )
        for (const created of await Promise.all(batch)) assert.equal(created.status, 200)
      }
      const all = await api.call(`/api/${id}/client/get/list?start=0&end=100000`)
      assert.equal(all.status, 200, all.text)
      assert.equal(all.json.clients.length, MAX_PAGE_SIZE)
      assert.equal(all.json.start, 0)
      assert.equal(all.json.end, MAX_PAGE_SIZE)
      assert.equal(all.json.totalCount, total)
      const rest = await api.call(`/api/${id}/client/get/list?start=${all.json.end}&end=100000`)
      assert.equal(rest.json.clients.length, 5)
      assert.equal(rest.json.end, 2 * MAX_PAGE_SIZE)
      const numbers = [...all.json.clients, ...rest.json.clients].map(
        (client: { clientId: number }) => client.clientId,
      )
      assert.equal(new Set(numbers).size, total)
    })

    test('service and initial access token lists cut a window wider than 1,000 the same way', async () => {
      const { api } = context()
      const services = await api.call('/api/service/get/list?start=3&end=999999999')
      assert.equal(services.status, 200, services.text)
      assert.equal(services.json.end, 3 + MAX_PAGE_SIZE)
      assert.ok(services.json.services.length <= MAX_PAGE_SIZE)
      const id = await api.createService()
      for (let i = 0; i < 3; i++) {
        assert.equal(
          (await api.call(`/api/${id}/initial_access_token/create`, { body: {} })).status,
          200,
        )
      }
      const tokens = await api.call(`/api/${id}/initial_access_token/list`)
      assert.equal(tokens.json.tokens.length, 3)
      assert.equal(tokens.json.totalCount, 3)
      assert.equal(tokens.json.end, MAX_PAGE_SIZE)
      const window = await api.call(`/api/${id}/initial_access_token/list?start=1&end=999999999`)
      assert.equal(window.json.tokens.length, 2)
      assert.deepEqual(window.json.tokens[0], tokens.json.tokens[1])
      assert.equal(window.json.end, 1 + MAX_PAGE_SIZE)
    })

    test('the OpenAPI document states the page cap on every list call', async () => {
      const document = (await call(`${context().server.url}/api/openapi.json`)).json
      for (const path of [
        '/api/service/get/list',
        '/api/{serviceId}/client/get/list',
        '/api/{serviceId}/initial_access_token/list',
      ]) {
        const end = document.paths[path].get.parameters.find(
          (parameter: { name: string }) => parameter.name === 'end',
        )
        assert.match(end?.description ?? '', /at most 1000 items/, path)
      }
    })
  })

  describe('backing off wrong API tokens', () => {
    test('after 20 wrong tokens from one address its next API request gets 429 with Retry-After; other addresses keep working', async () => {
      const { server } = context()
      const list = `${server.url}/api/service/get/list`
      // 127.0.0.1 is every other test's address: the guesser is another one.
      const guesser = '127.0.0.3'
      for (let i = 0; i < DEFAULT_FAILURES; i++) {
        const answer = await getFrom(guesser, list, `guess-${i}`)
        assert.equal(answer.status, 401)
      }
      for (const token of ['one-more-guess', server.adminToken]) {
        const refused = await getFrom(guesser, list, token)
        assert.equal(refused.status, 429)
        const retryAfter = Number(refused.headers['retry-after'])
        assert.ok(
          Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60,
          String(retryAfter),
        )
        assert.match(refused.json.resultCode, /^A\d{6}$/)
        assert.equal(typeof refused.json.resultMessage, 'string')
      }
      assert.equal((await getFrom('127.0.0.4', list, server.adminToken)).status, 200)
      assert.equal((await getFrom('127.0.0.1', list, server.adminToken)).status, 200)
      // The public endpoints are not the API: the guesser still discovers and registers.
      const id = await context().api.createService()
      assert.equal((await call(`${server.url}/${id}/.well-known/openid-configuration`)).status, 200)
    })

    test('missing tokens and failing calls never count, so an address with the right token is never backed off', async () => {
      const { server } = context()
      const address = '127.0.0.5'
      for (let i = 0; i < DEFAULT_FAILURES + 5; i++) {
        const noToken = await getFrom(address, `${server.url}/api/service/get/list`, '')
        assert.equal(noToken.status, 401)
        const unknown = await getFrom(
          address,
          `${server.url}/api/10000000000001/service/get`,
          server.adminToken,
        )
        assert.equal(unknown.status, 404)
      }
      assert.equal(
        (await getFrom(address, `${server.url}/api/service/get/list`, server.adminToken)).status,
        200,
      )
    })
  })
}
