/**
 * The client secrets a database holds, kept sealed under the keyring (secret-box.ts).
 *
 * On open, checkSecrets makes sure the keyring reads them all before the store serves a
 * request: a secret sealed under a key the keyring lacks, or one whose key id is known but
 * whose key is not the one it was sealed with, refuses the start with a message naming the
 * key. Secrets stored before sealing existed (plaintext) are sealed then, once: the pass
 * finds none on later starts.
 *
 * resealSecrets seals again, under the keyring's first key, every secret not sealed under
 * it (`registrar secrets rekey`, after a new key was put first). It runs beside servers
 * that use the database: in batches, each row rewritten only if it still holds the value
 * read, so a secret a server changed in between keeps the server's value. The version of
 * the row is left alone: the client has not changed, and an RFC 7592 update racing the pass
 * must not fail over it.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import type { Database } from './schema.js'
import {
  SEALED_PREFIX,
  UnknownSecretKeyError,
  isSealed,
  sealedKeyId,
  type SecretBox,
} from './secret-box.js'

/** Rows read and rewritten per transaction: a pass never holds SQLite's write lock for long. */
const RESEAL_BATCH_ROWS = 500

/** The secret is sealed under the key `keyId` (substr: exact on both databases, unlike LIKE). */
function sealedUnder(keyId: string): Expression<SqlBool> {
  const prefix = `${SEALED_PREFIX}${keyId}.`
  return sql<SqlBool>`substr(client_secret, 1, ${sql.lit(prefix.length)}) = ${prefix}`
}

/** A secret the box cannot open with its keys: plaintext, or sealed under another key. */
function notSealedUnder(keyIds: readonly string[]): Expression<SqlBool> {
  if (keyIds.length === 0) return sql<SqlBool>`client_secret is not null`
  return sql<SqlBool>`client_secret is not null and not (${sql.join(keyIds.map(sealedUnder), sql` or `)})`
}

/** A secret stored before sealing existed. */
const PLAINTEXT = sql<SqlBool>`substr(client_secret, 1, ${sql.lit(SEALED_PREFIX.length)}) <> ${SEALED_PREFIX}`

/** The first stored secret `condition` finds, with its owner. */
function firstSecret(db: Kysely<Database>, condition: Expression<SqlBool>) {
  return db
    .selectFrom('clients')
    .select(['service_api_key', 'client_id', 'client_secret'])
    .where(condition)
    .limit(1)
    .executeTakeFirst()
}

/**
 * Refuses (throws) when the keyring cannot read every secret; seals the plaintext ones.
 * One scan of the clients on a healthy database, then per key one that stops at its first secret.
 */
export async function checkSecrets(db: Kysely<Database>, secrets: SecretBox): Promise<void> {
  if (secrets.keyIds.length === 0) return
  const unsealed = notSealedUnder(secrets.keyIds)
  let found = await firstSecret(db, unsealed)
  if (found && !isSealed(found.client_secret!)) {
    await resealSecrets(db, secrets, PLAINTEXT)
    found = await firstSecret(db, unsealed)
  }
  if (found) {
    const stored = found.client_secret!
    if (isSealed(stored)) throw new UnknownSecretKeyError(sealedKeyId(stored))
    throw new Error('a client secret stored in plaintext could not be sealed')
  }
  for (const keyId of secrets.keyIds) {
    const sample = await firstSecret(db, sealedUnder(keyId))
    // Throws, naming the key, when this key is not the one the secret was sealed with.
    if (sample) secrets.open(sample.client_secret!, sample.service_api_key, sample.client_id)
  }
}

/**
 * Seals again under the first key every secret not already under it (or those `which`
 * finds); how many rows were rewritten.
 */
export async function resealSecrets(
  db: Kysely<Database>,
  secrets: SecretBox,
  which: Expression<SqlBool> = notSealedUnder(secrets.keyIds.slice(0, 1)),
): Promise<number> {
  let after = 0
  let rewritten = 0
  for (;;) {
    const rows = await db
      .selectFrom('clients')
      .select(['number', 'service_api_key', 'client_id', 'client_secret'])
      .where('number', '>', after)
      .where('client_secret', 'is not', null)
      .where(which)
      .orderBy('number')
      .limit(RESEAL_BATCH_ROWS)
      .execute()
    if (rows.length === 0) return rewritten
    // Sealed before the transaction opens: the write lock is held for the writes only.
    const changes = rows.map(({ number, service_api_key, client_id, client_secret }) => ({
      number,
      read: client_secret!,
      sealed: secrets.seal(
        secrets.open(client_secret!, service_api_key, client_id),
        service_api_key,
        client_id,
      ),
    }))
    await db.transaction().execute(async (trx) => {
      for (const { number, read, sealed } of changes) {
        const { numUpdatedRows } = await trx
          .updateTable('clients')
          .set({ client_secret: sealed })
          .where('number', '=', number)
          .where('client_secret', '=', read)
          .executeTakeFirst()
        rewritten += Number(numUpdatedRows)
      }
    })
    after = rows[rows.length - 1].number
    if (rows.length < RESEAL_BATCH_ROWS) return rewritten
  }
}
