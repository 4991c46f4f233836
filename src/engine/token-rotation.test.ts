import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AuthleteService, ClientInformation } from '../wire/index.js'
import type { AuditEvent, AuditTrail } from './audit.js'
import { createEngine, hashSecret, MemoryStore, type Decision } from './index.js'
import { RETIRED_TOKENS_KEPT } from './token-rotation.js'

const NOW = Date.UTC(2026, 11, 6, 3, 0, 0)
const BODY = { redirect_uris: ['https://rp.example.com/cb'], client_name: 'rotating' }

/** An audit trail that keeps what is appended, for the events' sake. */
function collectingTrail(): { trail: AuditTrail; events: AuditEvent[] } {
  const events: AuditEvent[] = []
  const trail = {
    append: async (appended: AuditEvent[]) => void events.push(...appended),
  } as unknown as AuditTrail
  return { trail, events }
}

async function setUp(settings: AuthleteService = {}) {
  let now = NOW
  const store = new MemoryStore()
  const { trail, events } = collectingTrail()
  const engine = createEngine({
    store,
    baseUrl: 'https://dcr.example.com',
    now: () => now,
    audit: trail,
  })
  const service = await engine.createService(settings)
  const registered = await engine.register(service, { json: JSON.stringify(BODY) })
  assert.equal(registered.action, 'CREATED')
  const client = registered.body as ClientInformation
  const clientId = client.client_id
  const read = (token: string) => engine.read(service, { clientId, token })
  const update = (token: string, body: object = BODY) =>
    engine.update(service, { clientId, token, json: JSON.stringify(body) })
  return {
    engine,
    store,
    service,
    events,
    clientId,
    first: client.registration_access_token!,
    read,
    update,
    record: () => store.getClient(service.apiKey, Number(clientId)),
    advance: (milliseconds: number) => (now += milliseconds),
  }
}

/** The token an accepted decision answers with. */
function tokenOf(decision: Decision): string {
  assert.ok(['OK', 'UPDATED'].includes(decision.action), JSON.stringify(decision.body))
  return (decision.body as ClientInformation).registration_access_token!
}

/** Asserts the decision is the 401 a wrong token gets, nothing more. */
function assertRefused(decision: Decision, wrong: Decision): void {
  assert.equal(decision.action, 'UNAUTHORIZED')
  assert.equal(decision.status, 401)
  assert.deepEqual(decision.body, wrong.body)
  assert.equal(decision.client, undefined)
}

const reuses = (events: AuditEvent[]) =>
  events.filter((event) => event.kind === 'registration_token.reused')

describe('registration access token rotation (token-rotation.ts)', () => {
  it('never rotates by default: reads and updates answer the same token, and nothing is kept', async () => {
    const { first, read, update, record, service } = await setUp()
    assert.equal(service.settings.registrationAccessTokenRotation, 'never')
    assert.equal(service.settings.registrationAccessTokenGrace, 60)
    assert.equal(tokenOf(await read(first)), first)
    assert.equal(tokenOf(await update(first, { ...BODY, client_name: 'renamed' })), first)
    assert.equal(tokenOf(await read(first)), first)
    const stored = await record()
    assert.equal(stored?.registrationAccessTokenPreviousHash, undefined)
    assert.equal(stored?.registrationAccessTokenRetiredHashes, undefined)
    assert.equal(stored?.version, 2, 'only the update wrote')
  })

  it('on_use: every read answers a new token, which is the one that works next', async () => {
    const { first, read, update } = await setUp({ registrationAccessTokenRotation: 'on_use' })
    const second = tokenOf(await read(first))
    assert.notEqual(second, first)
    const third = tokenOf(await update(second))
    assert.notEqual(third, second)
    const fourth = tokenOf(await read(third))
    assert.ok(new Set([first, second, third, fourth]).size === 4)
    assert.equal(tokenOf(await read(fourth)).length, 43)
  })

  it('on_update: reads keep the token, an update replaces it', async () => {
    const { first, read, update } = await setUp({ registrationAccessTokenRotation: 'on_update' })
    assert.equal(tokenOf(await read(first)), first)
    const second = tokenOf(await update(first, { ...BODY, client_name: 'v2' }))
    assert.notEqual(second, first)
    assert.equal(tokenOf(await read(second)), second)
  })

  it('the previous token works once within the grace, up to its last millisecond, and rotates', async () => {
    const { first, read, advance, events } = await setUp({
      registrationAccessTokenRotation: 'on_use',
      registrationAccessTokenGrace: 30,
    })
    const lost = tokenOf(await read(first)) // this answer never reaches the client
    advance(30_000 - 1)
    const recovered = tokenOf(await read(first))
    assert.notEqual(recovered, lost)
    assert.notEqual(recovered, first)
    assert.equal(tokenOf(await read(recovered)).length, 43)
    assert.deepEqual(reuses(events), [])
  })

  it('the previous token at the end of its grace is reuse: the lineage is revoked and audited', async () => {
    const { first, read, advance, events, clientId, record } = await setUp({
      registrationAccessTokenRotation: 'on_use',
      registrationAccessTokenGrace: 30,
    })
    const current = tokenOf(await read(first))
    advance(30_000)
    const wrong = await read('not-a-token-of-this-client')
    assertRefused(await read(first), wrong)
    assertRefused(await read(current), wrong)
    const [event] = reuses(events)
    assert.equal(event?.clientId, Number(clientId))
    assert.equal(event?.detail.reason, 'previous_after_grace')
    assert.equal(event?.at, NOW + 30_000)
    const stored = await record()
    assert.equal(stored?.registrationAccessTokenHash, undefined)
    assert.equal(stored?.registrationAccessTokenRevokedAt, NOW + 30_000)
    assert.equal(event?.detail.version, stored?.version)
    // Presenting a retired token again revokes nothing more.
    assertRefused(await read(first), wrong)
    assert.equal(reuses(events).length, 1)
  })

  it('the previous token works only once: its second use revokes the lineage', async () => {
    const { first, read, advance, events } = await setUp({
      registrationAccessTokenRotation: 'on_use',
    })
    tokenOf(await read(first))
    advance(1000)
    const recovered = tokenOf(await read(first))
    const wrong = await read('wrong')
    assertRefused(await read(first), wrong)
    assertRefused(await read(recovered), wrong)
    assert.equal(reuses(events)[0]?.detail.reason, 'retired')
  })

  it('an older token, long retired, is reuse too; a wrong token revokes nothing', async () => {
    const { first, read, update, events } = await setUp({
      registrationAccessTokenRotation: 'on_use',
    })
    let token = first
    for (let i = 0; i < 5; i++) token = tokenOf(await read(token))
    const wrong = await read('wrong')
    assert.equal(tokenOf(await read(token)).length, 43, 'a wrong token left the lineage alone')
    assert.deepEqual(reuses(events), [])
    const refused = await update(first)
    assert.equal(refused.action, 'UNAUTHORIZED')
    assert.deepEqual(refused.body, wrong.body)
    assert.equal(reuses(events).length, 1)
  })

  it('keeps the last RETIRED_TOKENS_KEPT hashes, and only hashes', async () => {
    const { first, read, record } = await setUp({ registrationAccessTokenRotation: 'on_use' })
    const tokens = [first]
    for (let i = 0; i < RETIRED_TOKENS_KEPT + 5; i++)
      tokens.push(tokenOf(await read(tokens.at(-1)!)))
    const stored = await record()
    assert.equal(stored?.registrationAccessTokenRetiredHashes?.length, RETIRED_TOKENS_KEPT)
    const kept = JSON.stringify(stored)
    for (const token of tokens) assert.equal(kept.includes(token), false)
  })

  it('grace 0: the replaced token never works again', async () => {
    const { first, read, events } = await setUp({
      registrationAccessTokenRotation: 'on_use',
      registrationAccessTokenGrace: 0,
    })
    const second = tokenOf(await read(first))
    assert.equal((await read(first)).action, 'UNAUTHORIZED')
    assert.equal((await read(second)).action, 'UNAUTHORIZED')
    assert.equal(reuses(events).length, 1)
  })

  it('the previous token may update once within the grace (on_update), echoing itself', async () => {
    const { first, update, read } = await setUp({ registrationAccessTokenRotation: 'on_update' })
    tokenOf(await update(first, { ...BODY, client_name: 'lost answer' }))
    const retried = await update(first, {
      ...BODY,
      client_name: 'lost answer',
      registration_access_token: first,
    })
    const recovered = tokenOf(retried)
    assert.equal((retried.body as ClientInformation).client_name, 'lost answer')
    assert.equal(tokenOf(await read(recovered)), recovered)
  })

  it('of two reads racing with one token, both answer; the loser’s, decided as a retry, is current', async () => {
    const { first, read, record } = await setUp({ registrationAccessTokenRotation: 'on_use' })
    const [a, b] = await Promise.all([read(first), read(first)])
    const tokens = [tokenOf(a), tokenOf(b)]
    assert.notEqual(tokens[0], tokens[1])
    // The loser was decided again as a retry with the previous token: its token is current,
    // and the winner's retired (one client must not use one token twice at once).
    const stored = await record()
    const current = tokens.filter(
      (token) => hashSecret(token) === stored?.registrationAccessTokenHash,
    )
    assert.equal(current.length, 1)
    assert.equal(stored?.registrationAccessTokenPreviousHash, undefined, 'the grace was spent')
    assert.equal(stored?.version, 3, 'one write each')
    assert.equal((await read(current[0])).action, 'OK')
  })

  it('an administrator reissues a token after revocation; the old lineage is then merely wrong', async () => {
    const { engine, service, first, read, advance, events, clientId } = await setUp({
      registrationAccessTokenRotation: 'on_use',
      registrationAccessTokenGrace: 10,
    })
    const current = tokenOf(await read(first))
    advance(10_000)
    assert.equal((await read(first)).action, 'UNAUTHORIZED')
    assert.equal((await read(current)).action, 'UNAUTHORIZED')
    const reissued = await engine.reissueRegistrationAccessToken(service, clientId, {
      principal: { kind: 'admin' },
    })
    assert.equal(reissued.clientId, Number(clientId))
    assert.equal(
      reissued.registrationClientUri,
      `https://dcr.example.com/${service.apiKey}/register/${clientId}`,
    )
    assert.equal(events.at(-1)?.kind, 'registration_token.reissued')
    assert.equal(events.at(-1)?.actor, 'admin')
    const next = tokenOf(await read(reissued.registrationAccessToken))
    // A token of the revoked lineage is now a wrong token: it revokes nothing.
    assert.equal((await read(first)).action, 'UNAUTHORIZED')
    assert.equal((await read(next)).action, 'OK')
    assert.equal(reuses(events).length, 1)
    await assert.rejects(engine.reissueRegistrationAccessToken(service, '10000000000001'), {
      code: 'not_found',
    })
  })

  it('refuses rotation settings it does not know', async () => {
    const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
    for (const settings of [
      { registrationAccessTokenRotation: 'always' },
      { registrationAccessTokenGrace: -1 },
      { registrationAccessTokenGrace: 1.5 },
      { registrationAccessTokenGrace: 86_401 },
    ]) {
      await assert.rejects(engine.createService(settings as AuthleteService), {
        code: 'invalid_request',
      })
    }
    const service = await engine.createService({ registrationAccessTokenRotation: 'on_use' })
    const updated = await engine.updateService(service.apiKey, { serviceName: 'kept' })
    assert.equal(updated.settings.registrationAccessTokenRotation, 'on_use')
  })
})
