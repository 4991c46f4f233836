/**
 * The Store contract as one suite, run against every implementation: the in-memory store
 * (memory.test.ts), SQLite (sqlite.test.ts) and PostgreSQL (postgres.test.ts). A harness
 * opens stores on one database for the whole suite; tests keep apart by drawing their own
 * service keys, so none depends on another's rows. What only a database does (writes that
 * survive a restart, group commit, columns that refuse what they cannot hold) is tested
 * for database stores alone.
 */
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import {
  ClientCapReachedError,
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type ClientCaps,
  type ClientRecord,
  type NewClientRecord,
  type ServiceSettings,
  type Store,
} from '../../src/engine/index.js'
import { UnstorableValueError } from '../../src/engine/store.js'
import type { KyselyStore } from '../../src/store/index.js'
import { clientLifecycleTests } from './client-lifecycle-contract.js'
import { idempotencyKeyTests } from './idempotency-keys-contract.js'
import {
  metadataDocumentClientTests,
  metadataDocumentTests,
} from './metadata-documents-contract.js'
import { newClient, newKey, newToken, NOW } from './records.js'

export interface StoreHarness {
  /** Opens a store on the suite's database: another node, or the same one restarted. */
  open(): Promise<Store>
  /** Removes the database. */
  destroy(): Promise<void>
}

export interface StoreContractOptions {
  /**
   * A KyselyStore over a database: what it acknowledged survives close and open,
   * registrations share transactions, and a value no column can hold is refused.
   * @default true
   */
  database?: boolean
}

export function describeStoreContract(
  name: string,
  createHarness: () => Promise<StoreHarness>,
  { database = true }: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness
    let store: Store
    before(async () => {
      harness = await createHarness()
      store = await harness.open()
    })
    after(async () => {
      await store?.close()
      await harness?.destroy()
    })
    /** Only a database store has these: batches, column limits, a restart. */
    const databaseTest = database ? test : () => undefined
    const insertStats = () => (store as KyselyStore).stats

    async function newService(settings: ServiceSettings = { serviceName: 'svc' }) {
      return store.insertService({
        apiKey: newKey(),
        apiSecretHash: 's',
        settings,
        policy: {},
        createdAt: NOW,
        modifiedAt: NOW,
      })
    }

    test('stores, reads and updates a service, its apiSecret hash too; updating or reading a missing one gives undefined', async () => {
      const service = await newService({ serviceName: 'one', clientIdAliasEnabled: true })
      assert.deepEqual(await store.getService(service.apiKey), service)
      const updated = await store.updateService({
        ...service,
        apiSecretHash: 'renewed',
        settings: { serviceName: 'two' },
        modifiedAt: NOW + 1,
      })
      assert.deepEqual(updated, {
        ...service,
        apiSecretHash: 'renewed',
        settings: { serviceName: 'two' },
        modifiedAt: NOW + 1,
      })
      assert.deepEqual(await store.getService(service.apiKey), updated)
      assert.equal(await store.getService(newKey()), undefined)
      assert.equal(await store.updateService({ ...service, apiKey: newKey() }), undefined)
    })

    test('stores a service policy and replaces it with the service', async () => {
      const service = await newService()
      assert.deepEqual(service.policy, {})
      const policy = {
        maxClients: 5,
        anonymous: { scopes: ['read'] },
        requiredMembers: ['contacts'],
      }
      const updated = await store.updateService({ ...service, policy, modifiedAt: NOW + 1 })
      assert.deepEqual(updated?.policy, policy)
      assert.deepEqual((await store.getService(service.apiKey))?.policy, policy)
    })

    test('lists services by ascending number, a page at a time, only the keys asked for', async () => {
      const services = [
        await newService(),
        await newService(),
        await newService(),
        await newService(),
      ]
      const apiKeys = services.map((service) => service.apiKey).reverse()
      const page = await store.listServices({ start: 1, end: 3, apiKeys })
      assert.deepEqual(page, { start: 1, end: 3, totalCount: 4, items: services.slice(1, 3) })
      assert.equal((await store.listServices({ start: 0, end: 10, apiKeys: [] })).totalCount, 0)
      const all = await store.listServices({ start: 0, end: 1_000_000 })
      assert.ok(all.totalCount >= 4 && all.items.length === all.totalCount)
    })

    test('a client round-trips unchanged; one without a secret or token comes back without them', async () => {
      const service = await newService()
      const record = newClient(service.apiKey, { clientId: 2 ** 53 - 1 - randomInt(1000) })
      const stored = await store.insertClient(record)
      assert.deepEqual(stored, { ...record, number: stored.number, version: 1 })
      assert.deepEqual(await store.getClient(service.apiKey, record.clientId), stored)
      const {
        clientSecret: _s,
        registrationAccessTokenHash: _r,
        ...bare
      } = newClient(service.apiKey)
      const publicClient = await store.insertClient({ ...bare, dynamicallyRegistered: false })
      assert.deepEqual(await store.getClient(service.apiKey, bare.clientId), publicClient)
      assert.equal('clientSecret' in publicClient, false)
      assert.equal(await store.getClient(service.apiKey, newKey()), undefined)
      assert.equal(await store.getClient(newKey(), record.clientId), undefined)
    })

    test('lists a service’s clients by ascending number, a page at a time, by developer', async () => {
      const service = await newService()
      const clients = []
      for (const developer of ['a', 'b', 'a', 'a', 'b']) {
        clients.push(await store.insertClient(newClient(service.apiKey, { developer })))
      }
      const page = await store.listClients(service.apiKey, { start: 1, end: 3 })
      assert.deepEqual(page, { start: 1, end: 3, totalCount: 5, items: clients.slice(1, 3) })
      const mine = await store.listClients(service.apiKey, { start: 1, end: 10, developer: 'a' })
      assert.deepEqual(mine.items, [clients[2], clients[3]])
      assert.equal(mine.totalCount, 3)
      assert.deepEqual((await store.listClients(service.apiKey, { start: 5, end: 10 })).items, [])
    })

    test('updateClient writes only over the version it read, and bumps it', async () => {
      const service = await newService()
      const stored = await store.insertClient(
        newClient(service.apiKey, { metadata: { software_id: 'old' } }),
      )
      const changed = {
        ...stored,
        metadata: { client_name: 'renamed', software_id: 'new' },
        clientSecret: 'rotated',
        modifiedAt: NOW + 5,
      }
      const updated = await store.updateClient(changed)
      assert.deepEqual(updated, { ...changed, version: 2 })
      assert.deepEqual(await store.getClient(service.apiKey, stored.clientId), updated)
      assert.equal(await store.updateClient({ ...changed, developer: 'stale' }), undefined)
      assert.equal((await store.getClient(service.apiKey, stored.clientId))?.developer, 'dev')
      assert.equal(await store.hasSoftwareId(service.apiKey, 'new'), true)
      assert.equal(await store.hasSoftwareId(service.apiKey, 'old'), false)
    })

    test('an update keeps a registration access token’s lineage, and can clear it', async () => {
      const service = await newService()
      const stored = await store.insertClient(newClient(service.apiKey))
      const rotated: ClientRecord = {
        ...stored,
        registrationAccessTokenHash: 'new-hash',
        registrationAccessTokenPreviousHash: 'rat-hash',
        registrationAccessTokenPreviousValidUntil: NOW + 60_000,
        registrationAccessTokenRetiredHashes: ['older', 'oldest'],
      }
      const updated = await store.updateClient(rotated)
      assert.deepEqual(updated, { ...rotated, version: 2 })
      assert.deepEqual(await store.getClient(service.apiKey, stored.clientId), updated)
      const {
        registrationAccessTokenHash: _current,
        registrationAccessTokenPreviousHash: _previous,
        registrationAccessTokenPreviousValidUntil: _until,
        ...revoked
      } = updated!
      const revocation = { ...revoked, registrationAccessTokenRevokedAt: NOW + 1 }
      const written = await store.updateClient(revocation)
      assert.deepEqual(written, { ...revocation, version: 3 })
      assert.deepEqual(await store.getClient(service.apiKey, stored.clientId), written)
    })

    test('a client with a value in every seldom member (lineage, replaced secret, deletion) reads back as written', async () => {
      const service = await newService()
      const stored = await store.insertClient(newClient(service.apiKey))
      const everything: ClientRecord = {
        ...stored,
        registrationAccessTokenPreviousHash: 'rat-previous',
        registrationAccessTokenPreviousValidUntil: NOW + 60_000,
        registrationAccessTokenRetiredHashes: ['retired "quoted"', 'retired\\back'],
        registrationAccessTokenRevokedAt: NOW + 2,
        previousClientSecret: 'previous-secret',
        previousSecretValidUntil: NOW + 120_000,
      }
      const updated = await store.updateClient(everything)
      assert.deepEqual(updated, { ...everything, version: 2 })
      assert.deepEqual(await store.getClient(service.apiKey, stored.clientId), updated)
      assert.equal(await store.softDeleteClient(service.apiKey, stored.clientId, NOW + 3), true)
      assert.deepEqual(await store.getClient(service.apiKey, stored.clientId), {
        ...updated,
        deletedAt: NOW + 3,
        version: 3,
      })
    })

    test('of updates racing over the same version exactly one wins', async () => {
      const service = await newService()
      const stored = await store.insertClient(newClient(service.apiKey))
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.updateClient({ ...stored, developer: `racer-${i}` }),
        ),
      )
      const winners = results.filter((result) => result !== undefined)
      assert.equal(winners.length, 1)
      assert.deepEqual(await store.getClient(service.apiKey, stored.clientId), winners[0])
    })

    test('a delete racing an update leaves the client deleted, and the update lost or undone', async () => {
      const service = await newService()
      const stored = await store.insertClient(newClient(service.apiKey))
      const [deleted] = await Promise.all([
        store.deleteClient(service.apiKey, stored.clientId),
        store.updateClient({ ...stored, developer: 'late' }),
      ])
      assert.equal(deleted, true)
      assert.equal(await store.getClient(service.apiKey, stored.clientId), undefined)
      assert.equal(await store.updateClient(stored), undefined)
      assert.equal(await store.deleteClient(service.apiKey, stored.clientId), false)
    })

    test('a taken client id rejects with DuplicateClientIdError; another service may use it', async () => {
      const service = await newService()
      const other = await newService()
      const first = await store.insertClient(newClient(service.apiKey))
      await assert.rejects(
        store.insertClient(
          newClient(service.apiKey, { clientId: first.clientId, developer: 'intruder' }),
        ),
        DuplicateClientIdError,
      )
      assert.deepEqual(await store.getClient(service.apiKey, first.clientId), first)
      await store.insertClient(newClient(other.apiKey, { clientId: first.clientId }))
    })

    test('hasSoftwareId answers per service', async () => {
      const service = await newService()
      const other = await newService()
      await store.insertClient(newClient(service.apiKey, { metadata: { software_id: 'sw-1' } }))
      assert.equal(await store.hasSoftwareId(service.apiKey, 'sw-1'), true)
      assert.equal(await store.hasSoftwareId(service.apiKey, 'sw-2'), false)
      assert.equal(await store.hasSoftwareId(other.apiKey, 'sw-1'), false)
    })

    test('registrations use up an initial access token, then are refused with no client stored', async () => {
      const service = await newService()
      const token = newToken(service.apiKey, { maxUses: 2, usesLeft: 2, description: 'two uses' })
      await store.insertInitialAccessToken(token)
      assert.deepEqual(await store.getInitialAccessToken(token.id), token)
      const consume = { id: token.id, now: NOW }
      await store.insertClient(newClient(service.apiKey), consume)
      await store.insertClient(newClient(service.apiKey), consume)
      assert.equal((await store.getInitialAccessToken(token.id))?.usesLeft, 0)
      const refused = newClient(service.apiKey)
      await assert.rejects(store.insertClient(refused, consume), InitialAccessTokenSpentError)
      assert.equal(await store.getClient(service.apiKey, refused.clientId), undefined)
      assert.equal((await store.getInitialAccessToken(token.id))?.usesLeft, 0)
      assert.equal((await store.listClients(service.apiKey, { start: 0, end: 10 })).totalCount, 2)
    })

    test('expired, missing and other services’ initial access tokens are refused', async () => {
      const service = await newService()
      const other = await newService()
      const expired = newToken(service.apiKey, { expiresAt: NOW })
      const others = newToken(other.apiKey)
      await store.insertInitialAccessToken(expired)
      await store.insertInitialAccessToken(others)
      for (const id of [expired.id, others.id, 'iat-missing']) {
        const refused = newClient(service.apiKey)
        await assert.rejects(
          store.insertClient(refused, { id, now: NOW }),
          InitialAccessTokenSpentError,
        )
        assert.equal(await store.getClient(service.apiKey, refused.clientId), undefined)
      }
    })

    test('an unlimited token is never used up; a refused duplicate gives its use back', async () => {
      const service = await newService()
      const unlimited = newToken(service.apiKey, { expiresAt: NOW + 1000 })
      const once = newToken(service.apiKey, { maxUses: 1, usesLeft: 1 })
      await store.insertInitialAccessToken(unlimited)
      await store.insertInitialAccessToken(once)
      for (let i = 0; i < 3; i++)
        await store.insertClient(newClient(service.apiKey), { id: unlimited.id, now: NOW })
      assert.deepEqual(await store.getInitialAccessToken(unlimited.id), unlimited)
      const taken = await store.insertClient(newClient(service.apiKey))
      await assert.rejects(
        store.insertClient(newClient(service.apiKey, { clientId: taken.clientId }), {
          id: once.id,
          now: NOW,
        }),
        DuplicateClientIdError,
      )
      assert.equal((await store.getInitialAccessToken(once.id))?.usesLeft, 1)
    })

    /** Inserts `records` at once under `caps`; the clients stored and the caps' refusals. */
    async function insertAtOnce(records: NewClientRecord[], caps: ClientCaps) {
      const results = await Promise.allSettled(
        records.map((record) =>
          store.insertClient(
            record,
            record.initialAccessTokenId ? { id: record.initialAccessTokenId, now: NOW } : undefined,
            caps,
          ),
        ),
      )
      const stored: ClientRecord[] = []
      const refused: ClientCapReachedError[] = []
      for (const result of results) {
        if (result.status === 'fulfilled') stored.push(result.value)
        else if (result.reason instanceof ClientCapReachedError) refused.push(result.reason)
        else throw result.reason
      }
      return { stored, refused }
    }

    const clientCount = async (serviceApiKey: number) =>
      (await store.listClients(serviceApiKey, { start: 0, end: 0 })).totalCount

    test('maxClients: of 50 inserts at once exactly 10 land; a delete makes room for one more', async () => {
      const service = await newService()
      const other = await newService()
      const caps = { maxClients: 10 }
      const records = Array.from({ length: 50 }, () => newClient(service.apiKey))
      const { stored, refused } = await insertAtOnce(records, caps)
      assert.equal(stored.length, 10)
      assert.equal(refused.length, 40)
      for (const error of refused) assert.deepEqual([error.cap, error.limit], ['maxClients', 10])
      assert.equal(await clientCount(service.apiKey), 10)
      // Another service counts its own clients.
      await store.insertClient(newClient(other.apiKey), undefined, caps)

      assert.equal(await store.deleteClient(service.apiKey, stored[0].clientId), true)
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await assert.rejects(
        store.insertClient(newClient(service.apiKey), undefined, caps),
        ClientCapReachedError,
      )
      assert.equal(await clientCount(service.apiKey), 10)
    })

    test('maxClients: inserts at once that fit land together, up to the cap exactly; past it only the room left lands', async () => {
      const service = await newService()
      const caps = { maxClients: 10 }
      const fit = await insertAtOnce(
        Array.from({ length: 6 }, () => newClient(service.apiKey)),
        caps,
      )
      assert.equal(fit.stored.length, 6)
      const exactly = await insertAtOnce(
        Array.from({ length: 4 }, () => newClient(service.apiKey)),
        caps,
      )
      assert.equal(exactly.stored.length, 4, 'a batch may fill the service to its cap')
      assert.equal(await clientCount(service.apiKey), 10)
      for (const client of [...fit.stored.slice(0, 3), exactly.stored[0]])
        await store.deleteClient(service.apiKey, client.clientId)
      const crossing = await insertAtOnce(
        Array.from({ length: 30 }, () => newClient(service.apiKey)),
        caps,
      )
      assert.equal(crossing.stored.length, 4)
      assert.equal(crossing.refused.length, 26)
      for (const error of crossing.refused) assert.equal(error.cap, 'maxClients')
      assert.equal(await clientCount(service.apiKey), 10)
    })

    test('inserts at once with a taken id, or sharing one: one lands, the others are refused as taken and not counted', async () => {
      const service = await newService()
      const caps = { maxClients: 9 }
      const taken = await store.insertClient(newClient(service.apiKey), undefined, caps)
      const shared = newKey()
      const results = await Promise.allSettled(
        [
          newClient(service.apiKey, { clientId: taken.clientId }),
          ...Array.from({ length: 4 }, () => newClient(service.apiKey, { clientId: shared })),
          ...Array.from({ length: 5 }, () => newClient(service.apiKey)),
        ].map((record) => store.insertClient(record, undefined, caps)),
      )
      const refused = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason] : [],
      )
      assert.equal(refused.length, 4)
      for (const error of refused) assert.ok(error instanceof DuplicateClientIdError)
      assert.equal(await clientCount(service.apiKey), 7)
      // Had a refused one been counted, the cap would refuse the second of these.
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await assert.rejects(store.insertClient(newClient(service.apiKey), undefined, caps), {
        cap: 'maxClients',
      })
    })

    test('inserts at once with and without other caps share maxClients exactly', async () => {
      const service = await newService()
      const plain = { maxClients: 5 }
      const perSoftwareId = { maxClients: 5, perSoftwareId: 2 }
      const results = await Promise.allSettled([
        ...Array.from({ length: 4 }, () =>
          store.insertClient(newClient(service.apiKey), undefined, plain),
        ),
        ...Array.from({ length: 4 }, () =>
          store.insertClient(
            newClient(service.apiKey, { metadata: { software_id: 'sw' } }),
            undefined,
            perSoftwareId,
          ),
        ),
      ])
      const landed = results.filter((result) => result.status === 'fulfilled')
      assert.equal(landed.length, 5)
      assert.ok(results.slice(4).filter((result) => result.status === 'fulfilled').length <= 2)
      for (const result of results) {
        if (result.status === 'rejected') assert.ok(result.reason instanceof ClientCapReachedError)
      }
      assert.equal(await clientCount(service.apiKey), 5)
    })

    test('API tokens: listed by service oldest first, revoked by service and id, their use moving forward', async () => {
      const [service, other] = [await newService(), await newService()]
      const token = (id: string, serviceApiKey: number, createdAt: number, expiresAt?: number) => ({
        id,
        serviceApiKey,
        secretHash: 'hash',
        createdAt,
        ...(expiresAt !== undefined && { expiresAt }),
      })
      const suffix = String(service.apiKey)
      await store.insertApiToken(token(`b${suffix}`, service.apiKey, NOW + 1, NOW + 60_000))
      await store.insertApiToken(token(`a${suffix}`, service.apiKey, NOW))
      await store.insertApiToken(token(`c${suffix}`, other.apiKey, NOW))
      const listed = await store.listApiTokens(service.apiKey)
      assert.deepEqual(
        listed.map((t) => [t.id, t.expiresAt]),
        [
          [`a${suffix}`, undefined],
          [`b${suffix}`, NOW + 60_000],
        ],
      )
      await store.recordApiTokenUse(`a${suffix}`, NOW + 10)
      await store.recordApiTokenUse(`a${suffix}`, NOW + 5)
      assert.equal((await store.getApiToken(`a${suffix}`))?.lastUsedAt, NOW + 10)
      assert.equal(await store.deleteApiToken(other.apiKey, `a${suffix}`), false)
      assert.equal(await store.deleteApiToken(service.apiKey, `a${suffix}`), true)
      assert.equal(await store.getApiToken(`a${suffix}`), undefined)
      assert.equal(await store.deleteApiToken(service.apiKey, `a${suffix}`), false)
    })

    test('recordClientUse moves lastUsedAt only forward, and an update of the client keeps it', async () => {
      const service = await newService()
      const client = await store.insertClient(newClient(service.apiKey))
      assert.equal('lastUsedAt' in client, false)
      await store.recordClientUse(service.apiKey, client.clientId, NOW + 10)
      const used = await store.getClient(service.apiKey, client.clientId)
      assert.equal(used?.lastUsedAt, NOW + 10)
      await store.recordClientUse(service.apiKey, client.clientId, NOW + 5)
      assert.equal((await store.getClient(service.apiKey, client.clientId))?.lastUsedAt, NOW + 10)
      // An update made from a record read before the use leaves the use as recorded.
      await store.recordClientUse(service.apiKey, client.clientId, NOW + 20)
      const updated = await store.updateClient({ ...used!, developer: 'changed' })
      assert.equal(updated?.developer, 'changed')
      assert.equal((await store.getClient(service.apiKey, client.clientId))?.lastUsedAt, NOW + 20)
      // No such client: nothing to record, and no error.
      await store.recordClientUse(service.apiKey, client.clientId + 1, NOW)
    })

    test('a client’s expiresAt survives a round trip; an update keeps it, and none stays none', async () => {
      const service = await newService()
      const expiring = await store.insertClient(
        newClient(service.apiKey, { expiresAt: NOW + 60_000 }),
      )
      assert.equal(expiring.expiresAt, NOW + 60_000)
      assert.deepEqual(await store.getClient(service.apiKey, expiring.clientId), expiring)
      const updated = await store.updateClient({ ...expiring, modifiedAt: NOW + 1 })
      assert.equal(updated?.expiresAt, NOW + 60_000)
      const lasting = await store.insertClient(newClient(service.apiKey))
      const read = await store.getClient(service.apiKey, lasting.clientId)
      assert.equal(read && 'expiresAt' in read, false)
      // Registrations counted under maxClients alone take the bulk insert (batch-plan.ts).
      const counted = await Promise.all(
        [NOW + 1, undefined].map((expiresAt) =>
          store.insertClient(newClient(service.apiKey, { expiresAt }), undefined, {
            maxClients: 10,
          }),
        ),
      )
      for (const [i, client] of counted.entries()) {
        const stored = await store.getClient(service.apiKey, client.clientId)
        assert.equal(stored?.expiresAt, i === 0 ? NOW + 1 : undefined)
      }
    })

    test('a client’s previous secret and its end survive a round trip and an update; dropped, they stay absent', async () => {
      const service = await newService()
      const rotated = {
        previousClientSecret: 'old-secret',
        previousSecretValidUntil: NOW + 300_000,
      }
      const client = await store.insertClient(newClient(service.apiKey, rotated))
      assert.deepEqual(await store.getClient(service.apiKey, client.clientId), client)
      assert.equal(client.previousClientSecret, 'old-secret')
      const kept = await store.updateClient({ ...client, modifiedAt: NOW + 1 })
      assert.deepEqual({ ...kept }, { ...client, modifiedAt: NOW + 1, version: 2 })
      const { previousClientSecret: _secret, previousSecretValidUntil: _until, ...dropped } = kept!
      const updated = await store.updateClient({ ...dropped, modifiedAt: NOW + 2 })
      const read = await store.getClient(service.apiKey, client.clientId)
      assert.deepEqual(read, updated)
      assert.equal(
        read && ('previousClientSecret' in read || 'previousSecretValidUntil' in read),
        false,
      )
      // Registrations counted under maxClients alone take the bulk insert (batch-plan.ts).
      const [bulk] = await Promise.all([
        store.insertClient(newClient(service.apiKey, rotated), undefined, { maxClients: 10 }),
        store.insertClient(newClient(service.apiKey), undefined, { maxClients: 10 }),
      ])
      const stored = await store.getClient(service.apiKey, bulk.clientId)
      assert.equal(stored?.previousClientSecret, 'old-secret')
      assert.equal(stored?.previousSecretValidUntil, NOW + 300_000)
    })

    test('listClients with now leaves out the clients expired by then', async () => {
      const service = await newService()
      const early = await store.insertClient(newClient(service.apiKey, { expiresAt: NOW + 10 }))
      const late = await store.insertClient(newClient(service.apiKey, { expiresAt: NOW + 20 }))
      const lasting = await store.insertClient(newClient(service.apiKey))
      const ids = async (now?: number) => {
        const page = await store.listClients(service.apiKey, { start: 0, end: 10, now })
        assert.equal(page.totalCount, page.items.length)
        return page.items.map((client) => client.clientId)
      }
      assert.deepEqual(await ids(), [early.clientId, late.clientId, lasting.clientId])
      assert.deepEqual(await ids(NOW + 9), [early.clientId, late.clientId, lasting.clientId])
      assert.deepEqual(await ids(NOW + 10), [late.clientId, lasting.clientId])
      assert.deepEqual(await ids(NOW + 20), [lasting.clientId])
    })

    test('deleteExpiredClients deletes the clients expired by now, in every service, and frees their place under maxClients', async () => {
      const service = await newService()
      const other = await newService()
      const caps = { maxClients: 3 }
      const expired = [
        await store.insertClient(newClient(service.apiKey, { expiresAt: NOW }), undefined, caps),
        await store.insertClient(newClient(other.apiKey, { expiresAt: NOW - 1 }), undefined, caps),
      ]
      const later = await store.insertClient(
        newClient(service.apiKey, { expiresAt: NOW + 1 }),
        undefined,
        caps,
      )
      const lasting = await store.insertClient(newClient(service.apiKey), undefined, caps)
      await assert.rejects(
        store.insertClient(newClient(service.apiKey), undefined, caps),
        ClientCapReachedError,
      )
      assert.equal(await store.deleteExpiredClients(NOW), 2)
      for (const { serviceApiKey, clientId } of expired) {
        assert.equal(await store.getClient(serviceApiKey, clientId), undefined)
      }
      assert.ok(await store.getClient(service.apiKey, later.clientId))
      assert.ok(await store.getClient(service.apiKey, lasting.clientId))
      assert.equal(await clientCount(service.apiKey), 2)
      assert.equal(await clientCount(other.apiKey), 0)
      // The count the cap reads went down with the rows: one place is free, not more.
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await assert.rejects(
        store.insertClient(newClient(service.apiKey), undefined, caps),
        ClientCapReachedError,
      )
      assert.equal(await store.deleteExpiredClients(NOW), 0)
    })

    databaseTest(
      'deleteExpiredClients deletes a backlog larger than one statement deletes',
      async () => {
        const service = await newService()
        const clients = Array.from({ length: 2100 }, () =>
          newClient(service.apiKey, { expiresAt: NOW - 1000 }),
        )
        await Promise.all(clients.map((client) => store.insertClient(client)))
        assert.equal(await clientCount(service.apiKey), 2100)
        assert.equal(await store.deleteExpiredClients(NOW - 1000), 2100)
        assert.equal(await clientCount(service.apiKey), 0)
        await store.insertClient(newClient(service.apiKey), undefined, { maxClients: 1 })
      },
    )

    test('perSoftwareId caps one software_id’s clients; others and clients without one are not counted', async () => {
      const service = await newService()
      const caps = { perSoftwareId: 3 }
      const withId = (software_id: string) =>
        newClient(service.apiKey, { metadata: { software_id } })
      const { stored, refused } = await insertAtOnce(
        Array.from({ length: 20 }, () => withId('sw-capped')),
        caps,
      )
      assert.equal(stored.length, 3)
      assert.equal(refused.length, 17)
      assert.deepEqual([refused[0].cap, refused[0].limit], ['perSoftwareId', 3])
      await store.insertClient(withId('sw-other'), undefined, caps)
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await store.deleteClient(service.apiKey, stored[1].clientId)
      await store.insertClient(withId('sw-capped'), undefined, caps)
      await assert.rejects(
        store.insertClient(withId('sw-capped'), undefined, caps),
        ClientCapReachedError,
      )
      assert.equal(await clientCount(service.apiKey), 5)
    })

    test('perInitialAccessToken caps the clients registered with one token, which they keep', async () => {
      const service = await newService()
      const token = newToken(service.apiKey)
      await store.insertInitialAccessToken(token)
      const caps = { perInitialAccessToken: 5 }
      const withToken = () => newClient(service.apiKey, { initialAccessTokenId: token.id })
      const { stored, refused } = await insertAtOnce(Array.from({ length: 20 }, withToken), caps)
      assert.equal(stored.length, 5)
      assert.equal(refused.length, 15)
      assert.deepEqual([refused[0].cap, refused[0].limit], ['perInitialAccessToken', 5])
      const read = await store.getClient(service.apiKey, stored[0].clientId)
      assert.equal(read?.initialAccessTokenId, token.id)
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await store.deleteClient(service.apiKey, stored[0].clientId)
      await store.insertClient(withToken(), { id: token.id, now: NOW }, caps)
      await assert.rejects(
        store.insertClient(withToken(), { id: token.id, now: NOW }, caps),
        ClientCapReachedError,
      )
    })

    test('perDeveloper caps one developer’s clients', async () => {
      const service = await newService()
      const caps = { perDeveloper: 4 }
      const { stored, refused } = await insertAtOnce(
        Array.from({ length: 20 }, () => newClient(service.apiKey, { developer: 'capped' })),
        caps,
      )
      assert.equal(stored.length, 4)
      assert.deepEqual([refused[0].cap, refused[0].limit], ['perDeveloper', 4])
      await store.insertClient(newClient(service.apiKey, { developer: 'other' }), undefined, caps)
      await store.deleteClient(service.apiKey, stored[3].clientId)
      await store.insertClient(newClient(service.apiKey, { developer: 'capped' }), undefined, caps)
      assert.equal(await clientCount(service.apiKey), 5)
    })

    test('an insert refused after it was counted gives its count back; a cap of 0 refuses all', async () => {
      const service = await newService()
      const spent = newToken(service.apiKey, { maxUses: 1, usesLeft: 0 })
      await store.insertInitialAccessToken(spent)
      const caps = { maxClients: 2, perSoftwareId: 1 }
      const first = await store.insertClient(
        newClient(service.apiKey, { metadata: { software_id: 'once' } }),
        undefined,
        caps,
      )
      const refusals: [NewClientRecord, object | undefined, unknown][] = [
        [
          newClient(service.apiKey, { clientId: first.clientId }),
          undefined,
          DuplicateClientIdError,
        ],
        [newClient(service.apiKey), { id: spent.id, now: NOW }, InitialAccessTokenSpentError],
        [
          newClient(service.apiKey, { metadata: { software_id: 'once' } }),
          undefined,
          ClientCapReachedError,
        ],
      ]
      for (const [record, consume, error] of refusals) {
        await assert.rejects(
          store.insertClient(record, consume as { id: string; now: number }, caps),
          error as typeof Error,
        )
      }
      // Had any refusal kept its count, this second client would be over maxClients.
      await store.insertClient(newClient(service.apiKey), undefined, caps)
      await assert.rejects(store.insertClient(newClient(service.apiKey), undefined, caps), {
        cap: 'maxClients',
        limit: 2,
      })
      await assert.rejects(
        store.insertClient(newClient((await newService()).apiKey), undefined, { maxClients: 0 }),
        { cap: 'maxClients', limit: 0 },
      )
    })

    test('lists live initial access tokens only, and deletes a token only for its service', async () => {
      const service = await newService()
      const live = newToken(service.apiKey, { maxUses: 3, usesLeft: 1, expiresAt: NOW + 1 })
      const unlimited = newToken(service.apiKey, { createdAt: NOW + 1 })
      await store.insertInitialAccessToken(live)
      await store.insertInitialAccessToken(unlimited)
      await store.insertInitialAccessToken(newToken(service.apiKey, { maxUses: 3, usesLeft: 0 }))
      await store.insertInitialAccessToken(newToken(service.apiKey, { expiresAt: NOW }))
      const listed = await store.listInitialAccessTokens(service.apiKey, NOW, { start: 0, end: 10 })
      assert.deepEqual(listed.items, [live, unlimited])
      assert.equal(listed.totalCount, 2)
      const second = await store.listInitialAccessTokens(service.apiKey, NOW, { start: 1, end: 2 })
      assert.deepEqual(second.items, [unlimited])
      assert.equal(second.totalCount, 2)
      assert.equal(await store.deleteInitialAccessToken(newKey(), live.id), false)
      assert.equal(await store.deleteInitialAccessToken(service.apiKey, live.id), true)
      assert.equal(await store.getInitialAccessToken(live.id), undefined)
      assert.equal(await store.deleteInitialAccessToken(service.apiKey, live.id), false)
    })

    test('stores and reads API tokens and settings', async () => {
      const service = await newService()
      const token = {
        id: 'api-' + newKey(),
        serviceApiKey: service.apiKey,
        secretHash: 'h',
        createdAt: NOW,
      }
      await store.insertApiToken(token)
      assert.deepEqual(await store.getApiToken(token.id), token)
      assert.equal(await store.getApiToken('api-missing'), undefined)
      const key = 'setting-' + newKey()
      assert.equal(await store.getSetting(key), undefined)
      await store.putSetting(key, 'one')
      await store.putSetting(key, 'two')
      assert.equal(await store.getSetting(key), 'two')
    })

    test('deleting a service deletes its clients and tokens, and nothing else', async () => {
      const service = await newService()
      const kept = await newService()
      const client = await store.insertClient(newClient(service.apiKey))
      const keptClient = await store.insertClient(newClient(kept.apiKey))
      const iat = newToken(service.apiKey)
      const apiToken = {
        id: 'api-' + newKey(),
        serviceApiKey: service.apiKey,
        secretHash: 'h',
        createdAt: NOW,
      }
      await store.insertInitialAccessToken(iat)
      await store.insertApiToken(apiToken)
      assert.equal(await store.deleteService(service.apiKey), true)
      assert.equal(await store.getService(service.apiKey), undefined)
      assert.equal(await store.getClient(service.apiKey, client.clientId), undefined)
      assert.equal(await store.getInitialAccessToken(iat.id), undefined)
      assert.equal(await store.getApiToken(apiToken.id), undefined)
      assert.deepEqual(await store.getClient(kept.apiKey, keptClient.clientId), keptClient)
      assert.equal(await store.deleteService(service.apiKey), false)
    })

    databaseTest(
      'registrations arriving together share transactions, and all are stored',
      async () => {
        const service = await newService()
        const before = insertStats()
        const records = Array.from({ length: 200 }, () => newClient(service.apiKey))
        const stored = await Promise.all(records.map((record) => store.insertClient(record)))
        const after = insertStats()
        assert.equal(after.clientInserts - before.clientInserts, 200)
        assert.ok(after.clientInsertTransactions - before.clientInsertTransactions < 200)
        assert.equal(new Set(stored.map((client) => client.number)).size, 200)
        for (const record of records) {
          assert.equal(
            (await store.getClient(service.apiKey, record.clientId))?.clientId,
            record.clientId,
          )
        }
      },
    )

    databaseTest('one failing registration in a batch does not fail the others', async () => {
      const service = await newService()
      const taken = await store.insertClient(newClient(service.apiKey))
      const good = Array.from({ length: 20 }, () => newClient(service.apiKey))
      const bad = [
        newClient(service.apiKey, { clientId: taken.clientId }),
        newClient(newKey()), // no such service: its INSERT fails, and with it the transaction
      ]
      const submitted = [...good.slice(0, 10), ...bad, ...good.slice(10)]
      const results = await Promise.allSettled(
        submitted.map((record) => store.insertClient(record)),
      )
      const rejected = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason] : [],
      )
      assert.equal(rejected.length, 2)
      assert.ok(rejected[0] instanceof DuplicateClientIdError)
      for (const record of good) assert.ok(await store.getClient(service.apiKey, record.clientId))
      assert.deepEqual(await store.getClient(service.apiKey, taken.clientId), taken)
    })

    databaseTest(
      'a registration no column can hold fails alone, before its batch: the others commit without retries',
      async () => {
        const service = await newService()
        let deep: unknown = []
        for (let level = 0; level < 30_000; level++) deep = [deep]
        const poisoned = [
          newClient(service.apiKey, { metadata: { software_id: 'nul\u0000' } }),
          newClient(service.apiKey, { metadata: { software_id: 'lone \ud800' } }),
          newClient(service.apiKey, { developer: 'nul\u0000' }),
          newClient(service.apiKey, { metadata: { jwks: { keys: [{ x: deep }] } } }),
          newClient(service.apiKey, { clientSecretExpiresAt: 2 ** 60 }),
        ]
        const good = Array.from({ length: 20 }, () => newClient(service.apiKey))
        const before = insertStats()
        const results = await Promise.allSettled(
          [...good.slice(0, 10), ...poisoned, ...good.slice(10)].map((record) =>
            store.insertClient(record),
          ),
        )
        const after = insertStats()
        const rejected = results.flatMap((result) =>
          result.status === 'rejected' ? [result.reason] : [],
        )
        assert.equal(rejected.length, poisoned.length)
        for (const error of rejected)
          assert.ok(error instanceof UnstorableValueError, String(error))
        // Refused before joining: the good ones share one transaction per commit slot (SQLite
        // has 1, PostgreSQL 4), with no transaction failed and retried item by item.
        assert.equal(after.clientInserts - before.clientInserts, good.length)
        assert.ok(after.clientInsertTransactions - before.clientInsertTransactions <= 4)
        for (const record of good) assert.ok(await store.getClient(service.apiKey, record.clientId))
      },
    )

    databaseTest(
      'an update or a token no column can hold is refused with UnstorableValueError',
      async () => {
        const service = await newService()
        const client = await store.insertClient(newClient(service.apiKey))
        await assert.rejects(
          store.updateClient({ ...client, metadata: { software_id: '\u0000' } }),
          UnstorableValueError,
        )
        await assert.rejects(
          store.insertInitialAccessToken(newToken(service.apiKey, { maxUses: 3_000_000_000 })),
          UnstorableValueError,
        )
        await assert.rejects(
          store.insertApiToken({
            id: 'api-' + newKey(),
            serviceApiKey: service.apiKey,
            secretHash: 'h',
            description: '\udc00',
            createdAt: NOW,
          }),
          UnstorableValueError,
        )
        assert.deepEqual(await store.getClient(service.apiKey, client.clientId), client)
      },
    )

    idempotencyKeyTests({ store: () => store, open: () => harness.open(), newService, database })
    clientLifecycleTests({ store: () => store, newService })
    metadataDocumentTests({ store: () => store, newService })
    metadataDocumentClientTests({ store: () => store, newService })

    test('ping resolves while the database answers', async () => {
      await store.ping()
    })

    databaseTest(
      'opening again migrates nothing, and finds every acknowledged write after a restart',
      async () => {
        const first = await harness.open()
        const service = await first.insertService({
          apiKey: newKey(),
          apiSecretHash: 's',
          settings: {},
          policy: {},
          createdAt: NOW,
          modifiedAt: NOW,
        })
        const pending = first.insertClient(newClient(service.apiKey))
        await first.close()
        const client = await pending
        const second = await harness.open()
        try {
          assert.deepEqual(await second.getService(service.apiKey), service)
          assert.deepEqual(await second.getClient(service.apiKey, client.clientId), client)
        } finally {
          await second.close()
        }
      },
    )
  })
}
