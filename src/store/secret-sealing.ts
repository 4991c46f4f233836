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

/** The columns of `clients` that hold a sealed secret. */
export const SEALED_COLUMNS = ['client_secret', 'previous_client_secret'] as const
type SealedColumn = (typeof SEALED_COLUMNS)[number]

/** Rows read and rewritten per transaction: a pass never holds SQLite's write lock for long. */
const RESEAL_BATCH_ROWS = 500

/** A condition on one sealed column's value. */
type Condition = (column: SealedColumn) => Expression<SqlBool>

/** The secret is sealed under the key `keyId` (substr: exact on both databases, unlike LIKE). */
const sealedUnder =
  (keyId: string): Condition =>
  (column) => {
    const prefix = `${SEALED_PREFIX}${keyId}.`
    return sql<SqlBool>`substr(${sql.ref(column)}, 1, ${sql.lit(prefix.length)}) = ${prefix}`
  }

/** A secret the box cannot open with its keys: plaintext, or sealed under another key. */
const notSealedUnder =
  (keyIds: readonly string[]): Condition =>
  (column) => {
    const sealed = keyIds.map((keyId) => sealedUnder(keyId)(column))
    return sql<SqlBool>`${sql.ref(column)} is not null and not (${sql.join(sealed, sql` or `)})`
  }

/** A secret stored before sealing existed. */
const plaintext: Condition = (column) =>
  sql<SqlBool>`substr(${sql.ref(column)}, 1, ${sql.lit(SEALED_PREFIX.length)}) <> ${SEALED_PREFIX}`

/** The first stored secret in `column` that `condition` finds, with its owner. */
function firstSecret(db: Kysely<Database>, column: SealedColumn, condition: Condition) {
  return db
    .selectFrom('clients')
    .select(['service_api_key', 'client_id', sql<string>`${sql.ref(column)}`.as('stored')])
    .where(condition(column))
    .limit(1)
    .executeTakeFirst()
}

/**
 * Refuses (throws) when the keyring cannot read every secret; seals the plaintext ones.
 * One scan of the clients per column on a healthy database, then per key one that stops
 * at its first secret.
 */
export async function checkSecrets(db: Kysely<Database>, secrets: SecretBox): Promise<void> {
  if (secrets.keyIds.length === 0) return
  const unsealed = notSealedUnder(secrets.keyIds)
  for (const column of SEALED_COLUMNS) {
    let found = await firstSecret(db, column, unsealed)
    if (found && !isSealed(found.stored)) {
      await resealSecrets(db, secrets, plaintext)
      found = await firstSecret(db, column, unsealed)
    }
    if (found) {
      if (isSealed(found.stored)) throw new UnknownSecretKeyError(sealedKeyId(found.stored))
      throw new Error('a client secret stored in plaintext could not be sealed')
    }
    for (const keyId of secrets.keyIds) {
      const sample = await firstSecret(db, column, sealedUnder(keyId))
      // Throws, naming the key, when this key is not the one the secret was sealed with.
      if (sample) secrets.open(sample.stored, sample.service_api_key, sample.client_id)
    }
  }
}

/**
 * Seals again under the first key every secret not already under it (or those `which`
 * finds), in every sealed column; how many values were rewritten.
 */
export async function resealSecrets(
  db: Kysely<Database>,
  secrets: SecretBox,
  which: Condition = notSealedUnder(secrets.keyIds.slice(0, 1)),
): Promise<number> {
  let rewritten = 0
  for (const column of SEALED_COLUMNS) rewritten += await resealColumn(db, secrets, column, which)
  return rewritten
}

async function resealColumn(
  db: Kysely<Database>,
  secrets: SecretBox,
  column: SealedColumn,
  which: Condition,
): Promise<number> {
  let after = 0
  let rewritten = 0
  for (;;) {
    const rows = await db
      .selectFrom('clients')
      .select([
        'number',
        'service_api_key',
        'client_id',
        sql<string>`${sql.ref(column)}`.as('stored'),
      ])
      .where('number', '>', after)
      .where(column, 'is not', null)
      .where(which(column))
      .orderBy('number')
      .limit(RESEAL_BATCH_ROWS)
      .execute()
    if (rows.length === 0) return rewritten
    // Sealed before the transaction opens: the write lock is held for the writes only.
    const changes = rows.map(({ number, service_api_key, client_id, stored }) => ({
      number,
      stored,
      sealed: secrets.seal(
        secrets.open(stored, service_api_key, client_id),
        service_api_key,
        client_id,
      ),
    }))
    await db.transaction().execute(async (trx) => {
      for (const { number, stored, sealed } of changes) {
        const { numUpdatedRows } = await trx
          .updateTable('clients')
          .set({ [column]: sealed })
          .where('number', '=', number)
          .where(column, '=', stored)
          .executeTakeFirst()
        rewritten += Number(numUpdatedRows)
      }
    })
    after = rows[rows.length - 1].number
    if (rows.length < RESEAL_BATCH_ROWS) return rewritten
  }
}
