/**
 * Client secrets sealed at rest (src/store/secret-box.ts, secret-sealing.ts), on SQLite and
 * PostgreSQL: the rows hold sealed values the store opens; plaintext rows from before are
 * sealed on open; a keyring that lacks a key, or holds another key under its id, refuses to
 * open; rekeying moves every secret to the first key; a SQLite file's key file.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, statSync } from 'node:fs'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import {
  KyselyStore,
  connect,
  openStore,
  rekeySecrets,
  type Keyring,
} from '../../src/store/index.js'
import { TEST_DATABASES } from '../support/databases.js'
import { createTestSchema } from '../support/postgres.js'
import { NOW, newClient, newKey } from './records.js'

const key = (id: string) => ({ id, key: randomBytes(32) })
const A = key('a')
const B = key('b')

async function addService(store: KyselyStore): Promise<number> {
  const service = await store.insertService({
    apiKey: newKey(),
    apiSecretHash: 's',
    settings: {},
    policy: {},
    createdAt: NOW,
    modifiedAt: NOW,
  })
  return service.apiKey
}

/** The stored client_secret column of every client, by client id. */
async function storedSecrets(url: string): Promise<Map<number, string | null>> {
  const { db } = await connect(url)
  try {
    const rows = await db.selectFrom('clients').select(['client_id', 'client_secret']).execute()
    return new Map(rows.map((row) => [row.client_id, row.client_secret]))
  } finally {
    await db.destroy()
  }
}

for (const backend of TEST_DATABASES) {
  describe(`client secrets at rest on ${backend.name}`, () => {
    /** A fresh database, a store on it under `keys`, and a client registered there. */
    async function withClient(keys: Keyring) {
      const { url, drop } = await backend.create()
      const store = await openStore(url, { secretKeys: keys })
      const serviceApiKey = await addService(store)
      const client = await store.insertClient(newClient(serviceApiKey))
      await store.close()
      return { url, drop, serviceApiKey, client }
    }

    test('a row holds the secret sealed; the store reads it back, inserted, listed and updated', async () => {
      const { url, drop, serviceApiKey, client } = await withClient([A])
      try {
        assert.match(client.clientSecret!, /^secret-/)
        const stored = (await storedSecrets(url)).get(client.clientId)!
        assert.match(stored, /^enc1\.a\./)
        assert.ok(!stored.includes(client.clientSecret!))
        const store = await openStore(url, { secretKeys: [A] })
        try {
          assert.equal(
            (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
            client.clientSecret,
          )
          const page = await store.listClients(serviceApiKey, { start: 0, end: 10 })
          assert.equal(page.items[0].clientSecret, client.clientSecret)
          const updated = await store.updateClient({ ...client, clientSecret: 'renewed' })
          assert.equal(updated?.clientSecret, 'renewed')
          const resealed = (await storedSecrets(url)).get(client.clientId)!
          assert.ok(!resealed.includes('renewed') && resealed !== stored)
          assert.equal(
            (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
            'renewed',
          )
        } finally {
          await store.close()
        }
      } finally {
        await drop()
      }
    })

    test('the secret a rotation replaced is sealed too, and rekeyed with the current one', async () => {
      const { url, drop, serviceApiKey, client } = await withClient([A])
      try {
        let store = await openStore(url, { secretKeys: [A] })
        await store.updateClient({
          ...client,
          clientSecret: 'rotated-in',
          previousClientSecret: client.clientSecret!,
          previousSecretValidUntil: NOW + 60_000,
        })
        await store.close()
        const previous = async () => {
          const { db } = await connect(url)
          try {
            const row = await db
              .selectFrom('clients')
              .select('previous_client_secret')
              .where('client_id', '=', client.clientId)
              .executeTakeFirstOrThrow()
            return row.previous_client_secret!
          } finally {
            await db.destroy()
          }
        }
        assert.match(await previous(), /^enc1\.a\./)
        assert.ok(!(await previous()).includes(client.clientSecret!))
        await rekeySecrets(url, { secretKeys: [B, A] })
        assert.match(await previous(), /^enc1\.b\./)
        store = await openStore(url, { secretKeys: [B] })
        try {
          const read = await store.getClient(serviceApiKey, client.clientId)
          assert.equal(read?.previousClientSecret, client.clientSecret)
          assert.equal(read?.clientSecret, 'rotated-in')
        } finally {
          await store.close()
        }
      } finally {
        await drop()
      }
    })

    test('a sealed secret copied to another client of the database does not open there', async () => {
      const { url, drop, serviceApiKey, client } = await withClient([A])
      const store = await openStore(url, { secretKeys: [A] })
      try {
        const other = await store.insertClient(newClient(serviceApiKey))
        // Read first, so this store has opened the value it then meets in the other row.
        assert.equal(
          (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
          client.clientSecret,
        )
        const { db } = await connect(url)
        await db
          .updateTable('clients')
          .set({ client_secret: (await storedSecrets(url)).get(client.clientId)! })
          .where('client_id', '=', other.clientId)
          .execute()
        await db.destroy()
        await assert.rejects(store.getClient(serviceApiKey, other.clientId), /does not open/)
      } finally {
        await store.close()
        await drop()
      }
    })

    test('a secret another store on the database changed reads as the new one where the old one was read', async () => {
      const { url, drop, serviceApiKey, client } = await withClient([A])
      const reader = await openStore(url, { secretKeys: [A] })
      const writer = await openStore(url, { secretKeys: [A] })
      try {
        const read = async () => (await reader.getClient(serviceApiKey, client.clientId))!
        assert.equal((await read()).clientSecret, client.clientSecret)
        const current = await writer.getClient(serviceApiKey, client.clientId)
        await writer.updateClient({ ...current!, clientSecret: 'renewed-elsewhere' })
        assert.equal((await read()).clientSecret, 'renewed-elsewhere')
        // The same secret sealed again (a rekey) is a new value, and reads the same.
        const renewed = await writer.getClient(serviceApiKey, client.clientId)
        await writer.updateClient({ ...renewed!, clientSecret: 'renewed-elsewhere' })
        assert.equal((await read()).clientSecret, 'renewed-elsewhere')
      } finally {
        await reader.close()
        await writer.close()
        await drop()
      }
    })

    test('plaintext secrets stored before sealing are sealed when the store opens', async () => {
      const { url, drop, serviceApiKey } = await backend.create().then(async (database) => {
        // A store given no keyring writes secrets as they are: the rows of an older version.
        const { db, flavor } = await connect(database.url)
        const plain = new KyselyStore(db, { flavor })
        const apiKey = await addService(plain)
        await plain.insertClient(newClient(apiKey, { clientSecret: 'legacy-one' }))
        await plain.insertClient(newClient(apiKey, { clientSecret: 'legacy-two' }))
        await plain.insertClient(newClient(apiKey, { clientSecret: undefined }))
        await plain.close()
        return { ...database, serviceApiKey: apiKey }
      })
      try {
        const before = [...(await storedSecrets(url)).values()]
        assert.deepEqual(before.filter((value) => value?.startsWith('legacy')).length, 2)
        const store = await openStore(url, { secretKeys: [A] })
        try {
          const after = [...(await storedSecrets(url)).values()]
          assert.equal(after.filter((value) => value?.startsWith('enc1.a.')).length, 2)
          assert.equal(after.filter((value) => value === null).length, 1)
          const page = await store.listClients(serviceApiKey, { start: 0, end: 10 })
          assert.deepEqual(page.items.map((item) => item.clientSecret ?? null).sort(), [
            'legacy-one',
            'legacy-two',
            null,
          ])
        } finally {
          await store.close()
        }
      } finally {
        await drop()
      }
    })

    test('rotation: a new key first still reads the old; rekey moves all to it; the old key can go', async () => {
      const { url, drop, serviceApiKey, client } = await withClient([A])
      try {
        let store = await openStore(url, { secretKeys: [B, A] })
        const second = await store.insertClient(newClient(serviceApiKey))
        assert.equal(
          (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
          client.clientSecret,
        )
        await store.close()
        const mixed = await storedSecrets(url)
        assert.match(mixed.get(client.clientId)!, /^enc1\.a\./)
        assert.match(mixed.get(second.clientId)!, /^enc1\.b\./)

        assert.deepEqual(await rekeySecrets(url, { secretKeys: [B, A] }), {
          rewritten: 1,
          keyId: 'b',
        })
        assert.deepEqual(await rekeySecrets(url, { secretKeys: [B, A] }), {
          rewritten: 0,
          keyId: 'b',
        })
        for (const value of (await storedSecrets(url)).values()) assert.match(value!, /^enc1\.b\./)

        store = await openStore(url, { secretKeys: [B] })
        assert.equal(
          (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
          client.clientSecret,
        )
        assert.equal(
          (await store.getClient(serviceApiKey, second.clientId))?.clientSecret,
          second.clientSecret,
        )
        await store.close()

        await assert.rejects(
          openStore(url, { secretKeys: [A] }),
          /sealed with key "b", which the secret keyring lacks/,
        )
      } finally {
        await drop()
      }
    })

    test('another key under a known id refuses to open, naming the key', async () => {
      const { url, drop } = await withClient([A])
      try {
        await assert.rejects(
          openStore(url, { secretKeys: [key('a')] }),
          /does not open with key "a"/,
        )
      } finally {
        await drop()
      }
    })
  })
}

describe('where the keys come from', () => {
  test('a SQLite file gets a key file beside it, 0600, created once and read from then on', async () => {
    const { url, drop } = await TEST_DATABASES[0].create()
    try {
      let store = await openStore(url)
      const serviceApiKey = await addService(store)
      const client = await store.insertClient(newClient(serviceApiKey))
      await store.close()
      const keyFile = `${url}.key`
      assert.equal((statSync(keyFile).mode & 0o777).toString(8), '600')
      store = await openStore(url)
      assert.equal(
        (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
        client.clientSecret,
      )
      await store.close()

      chmodSync(keyFile, 0o644)
      await assert.rejects(openStore(url), /may be read by others \(mode 644\).*chmod 600/)
    } finally {
      await drop()
    }
  })

  test('an in-memory database needs no key file', async () => {
    const store = await openStore(':memory:')
    const serviceApiKey = await addService(store)
    const client = await store.insertClient(newClient(serviceApiKey))
    assert.equal(
      (await store.getClient(serviceApiKey, client.clientId))?.clientSecret,
      client.clientSecret,
    )
    await store.close()
    assert.ok(!existsSync(':memory:.key'))
  })

  test('PostgreSQL without a keyring refuses to open, naming the settings', async () => {
    const { url, drop } = await createTestSchema()
    try {
      await assert.rejects(openStore(url), /REGISTRAR_SECRET_KEYS or --secret-key-file/)
      // Nothing was left half open: the schema is still usable.
      const { db } = await connect(url)
      await sql`select 1`.execute(db)
      await db.destroy()
    } finally {
      await drop()
    }
  })
})
