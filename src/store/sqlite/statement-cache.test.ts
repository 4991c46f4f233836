import assert from 'node:assert/strict'
import { test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { cachingStatements } from './statement-cache.js'

function openMemory() {
  const database = new SqliteDatabase(':memory:')
  database.exec('create table t (id integer primary key, name text not null)')
  return database
}

test('the same SQL gets the same statement back; it answers every run with that run’s parameters', () => {
  const database = cachingStatements(openMemory())
  const insert = database.prepare('insert into t (id, name) values (?, ?)')
  assert.equal(database.prepare('insert into t (id, name) values (?, ?)'), insert)
  for (let id = 1; id <= 3; id++) insert.run([id, `name-${id}`])
  const select = 'select name from t where id = ?'
  for (let id = 1; id <= 3; id++) {
    assert.deepEqual(database.prepare(select).all([id]), [{ name: `name-${id}` }])
  }
  assert.deepEqual(database.prepare(select).all([4]), [])
  assert.deepEqual(database.stats, { hits: 4, misses: 2, size: 2 })
  database.close()
})

test('holds at most `capacity` statements, dropping the least recently used', () => {
  const database = cachingStatements(openMemory(), 2)
  const a = database.prepare('select 1')
  const b = database.prepare('select 2')
  assert.equal(database.prepare('select 1'), a) // now "select 2" is the oldest
  database.prepare('select 3')
  assert.equal(database.stats.size, 2)
  assert.equal(database.prepare('select 1'), a)
  assert.notEqual(database.prepare('select 2'), b)
  database.close()
})

test('a statement still being iterated is not handed out again', () => {
  const database = cachingStatements(openMemory())
  database.prepare('insert into t (id, name) values (1, ?), (2, ?)').run(['a', 'b'])
  const select = 'select name from t order by id'
  const rows = database.prepare(select).iterate([])
  assert.deepEqual(rows.next().value, { name: 'a' })
  assert.deepEqual(database.prepare(select).all([]), [{ name: 'a' }, { name: 'b' }])
  assert.deepEqual(rows.next().value, { name: 'b' })
  assert.equal(rows.next().done, true)
  database.close()
})

test('Kysely runs repeated queries on kept statements, with correct results and errors', async () => {
  const database = cachingStatements(openMemory())
  const db = new Kysely<{ t: { id: number; name: string } }>({
    dialect: new SqliteDialect({ database }),
  })
  for (let id = 1; id <= 50; id++)
    await db
      .insertInto('t')
      .values({ id, name: `n${id}` })
      .execute()
  for (let id = 50; id >= 1; id--) {
    const row = await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst()
    assert.equal(row?.name, `n${id}`)
  }
  await assert.rejects(db.insertInto('t').values({ id: 1, name: 'again' }).execute(), /UNIQUE/)
  // The failed run leaves its statement usable.
  await db.insertInto('t').values({ id: 51, name: 'n51' }).execute()
  const { count } = await db
    .selectFrom('t')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  assert.equal(count, 51)
  assert.equal((await sql<{ n: number }>`select ${7} as n`.execute(db)).rows[0].n, 7)
  assert.equal(database.stats.misses, 4)
  assert.ok(database.stats.hits >= 100)
  await db.destroy()
})
