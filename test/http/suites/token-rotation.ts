/**
 * Registration access token rotation over HTTP (RFC 7592 §3; engine/token-rotation.ts): the
 * service settings, a lost answer recovered with the previous token, reuse revoking the
 * lineage with a 401 like any wrong token's, the audit event, and the administrator's reissue.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { call } from '../../support/http.js'
import type { Context } from './registration-endpoints.js'

const CLIENT = { client_name: 'rotating app', redirect_uris: ['https://app.example/cb'] }

export function tokenRotationTests(context: Context): void {
  describe('registration access token rotation', () => {
    const setUp = async (settings: Record<string, unknown>) => {
      const { api, server } = context()
      const serviceId = await api.createService(settings)
      const registered = await call(`${server.url}/${serviceId}/register`, { body: CLIENT })
      assert.equal(registered.status, 201, registered.text)
      const uri: string = registered.json.registration_client_uri
      const first: string = registered.json.registration_access_token
      const read = (token: string) => call(uri, { token })
      const update = (token: string, body: object = CLIENT) =>
        call(uri, { method: 'PUT', token, body: { ...body, client_id: registered.json.client_id } })
      return { api, serviceId, clientId: registered.json.client_id as string, first, read, update }
    }

    test('settings round-trip, an update that omits them keeps them, bad values are 400', async () => {
      const { api } = context()
      const serviceId = await api.createService({})
      let got = (await api.call(`/api/${serviceId}/service/get`)).json
      assert.equal(got.registrationAccessTokenRotation, 'never')
      assert.equal(got.registrationAccessTokenGrace, 60)
      const set = await api.call(`/api/${serviceId}/service/update`, {
        body: { registrationAccessTokenRotation: 'on_update', registrationAccessTokenGrace: 5 },
      })
      assert.equal(set.status, 200, set.text)
      await api.call(`/api/${serviceId}/service/update`, { body: { serviceName: 'renamed' } })
      got = (await api.call(`/api/${serviceId}/service/get`)).json
      assert.equal(got.registrationAccessTokenRotation, 'on_update')
      assert.equal(got.registrationAccessTokenGrace, 5)
      for (const body of [
        { registrationAccessTokenRotation: 'always' },
        { registrationAccessTokenGrace: -1 },
        { registrationAccessTokenGrace: 86_401 },
      ]) {
        const refused = await api.call(`/api/${serviceId}/service/update`, { body })
        assert.equal(refused.status, 400, JSON.stringify(body))
      }
    })

    test('never (the default): the token stays the same over reads and updates', async () => {
      const { first, read, update } = await setUp({})
      assert.equal((await read(first)).json.registration_access_token, first)
      const updated = await update(first, { ...CLIENT, client_name: 'v2' })
      assert.equal(updated.status, 200, updated.text)
      assert.equal(updated.json.registration_access_token, first)
      assert.equal((await read(first)).status, 200)
    })

    test('on_use: a lost answer is recovered with the previous token, once', async () => {
      const { first, read } = await setUp({ registrationAccessTokenRotation: 'on_use' })
      const lost = await read(first) // the client never sees this answer
      assert.equal(lost.status, 200)
      assert.notEqual(lost.json.registration_access_token, first)
      const retry = await read(first)
      assert.equal(retry.status, 200, retry.text)
      const recovered: string = retry.json.registration_access_token
      assert.notEqual(recovered, lost.json.registration_access_token)
      const next = await read(recovered)
      assert.equal(next.status, 200)
      assert.equal(typeof next.json.registration_access_token, 'string')
    })

    test('reuse revokes the lineage: the current token fails too, as a wrong token does, and it is audited', async () => {
      const { api, serviceId, clientId, first, read } = await setUp({
        registrationAccessTokenRotation: 'on_use',
      })
      const second: string = (await read(first)).json.registration_access_token
      const third: string = (await read(second)).json.registration_access_token
      const wrong = await read('A'.repeat(43))
      const reused = await read(first)
      const afterwards = await read(third)
      for (const answer of [reused, afterwards]) {
        assert.equal(answer.status, 401)
        assert.equal(answer.headers.get('www-authenticate'), wrong.headers.get('www-authenticate'))
        assert.deepEqual(answer.json, wrong.json)
      }
      const events = (await api.call(`/api/${serviceId}/audit?kind=registration_token.reused`)).json
        .events
      assert.equal(events.length, 1)
      assert.equal(String(events[0].clientId), clientId)
      assert.equal(events[0].detail.reason, 'retired')
      assert.equal(JSON.stringify(events).includes(first), false, 'no token in the history')

      const revoked = (await api.call(`/api/${serviceId}/client/get/${clientId}`)).json
      assert.equal(typeof revoked.registrationAccessTokenRevokedAt, 'number')
      const revokedAt: number = revoked.registrationAccessTokenRevokedAt
      assert.ok(revokedAt <= events[0].at && events[0].at - revokedAt < 1000)

      // The administrator's way out: a new token, shown once; the old lineage is then only wrong.
      const reissued = await api.call(`/api/${serviceId}/client/registration-token/${clientId}`, {
        method: 'POST',
      })
      assert.equal(reissued.status, 200, reissued.text)
      assert.equal(String(reissued.json.clientId), clientId)
      const token: string = reissued.json.registrationAccessToken
      const back = await call(reissued.json.registrationClientUri, { token })
      assert.equal(back.status, 200, back.text)
      assert.equal((await read(third)).status, 401)
      const now: string = back.json.registration_access_token
      assert.equal((await read(now)).status, 200, 'a wrong token revoked nothing')
      const restored = (await api.call(`/api/${serviceId}/client/get/${clientId}`)).json
      assert.equal('registrationAccessTokenRevokedAt' in restored, false)
    })

    test('on_update: reads keep the token, a PUT answers a new one, and a retried PUT recovers once', async () => {
      const { first, read, update } = await setUp({ registrationAccessTokenRotation: 'on_update' })
      assert.equal((await read(first)).json.registration_access_token, first)
      const lost = await update(first, { ...CLIENT, client_name: 'v2' })
      assert.equal(lost.status, 200, lost.text)
      assert.notEqual(lost.json.registration_access_token, first)
      const retried = await update(first, { ...CLIENT, client_name: 'v2' })
      assert.equal(retried.status, 200, retried.text)
      const recovered: string = retried.json.registration_access_token
      assert.equal((await read(recovered)).json.registration_access_token, recovered)
    })

    test('reissue: 404 for an unknown client, 400 for one created through the API', async () => {
      const { api, serviceId } = await setUp({})
      const unknown = await api.call(`/api/${serviceId}/client/registration-token/10000000000001`, {
        method: 'POST',
      })
      assert.equal(unknown.status, 404, unknown.text)
      const created = await api.call(`/api/${serviceId}/client/create`, {
        body: { clientName: 'api client' },
      })
      const refused = await api.call(
        `/api/${serviceId}/client/registration-token/${created.json.clientId}`,
        { method: 'POST' },
      )
      assert.equal(refused.status, 400, refused.text)
    })
  })
}
