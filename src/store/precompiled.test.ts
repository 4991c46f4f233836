import assert from 'node:assert/strict'
import { test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { precompile } from './precompiled.js'

interface Db {
  t: { id: number; name: string; kind: string }
}

function open(): Kysely<Db> {
  const database = new SqliteDatabase(':memory:')
  database.exec('create table t (id integer primary key, name text not null, kind text not null)')
  return new Kysely<Db>({ dialect: new SqliteDialect({ database }) })
}

test('builds once, then binds each run’s arguments where its placeholders were, constants kept', async () => {
  const db = open()
  let builds = 0
  const insert = precompile((db: Kysely<Db>, row: Db['t']) => {
    builds++
    return db.insertInto('t').values(row)
  })
  const find = precompile((db: Kysely<Db>, args: { kind: string; from: number }) => {
    builds++
    return db
      .selectFrom('t')
      .select('name')
      .where('id', '>=', args.from)
      .where('kind', '=', args.kind)
      .where('name', '!=', 'never') // a constant among the parameters
      .orderBy('id')
  })
  for (let id = 1; id <= 6; id++) {
    await insert(db, { id, name: `n${id}`, kind: id % 2 ? 'odd' : 'even' })
  }
  const names = async (kind: string, from: number) =>
    (await find(db, { kind, from })).rows.map((row) => row.name)
  assert.deepEqual(await names('odd', 1), ['n1', 'n3', 'n5'])
  assert.deepEqual(await names('even', 3), ['n4', 'n6'])
  assert.deepEqual(await names('none', 0), [])
  assert.equal(builds, 2)
  await db.destroy()
})

test('runs on a transaction it is handed', async () => {
  const db = open()
  const insert = precompile((db: Kysely<Db>, row: Db['t']) => db.insertInto('t').values(row))
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await insert(trx, { id: 1, name: 'rolled back', kind: 'k' })
      throw new Error('abort')
    }),
    /abort/,
  )
  await insert(db, { id: 2, name: 'kept', kind: 'k' })
  assert.deepEqual(await db.selectFrom('t').select('name').execute(), [{ name: 'kept' }])
  await db.destroy()
})

test('an argument the builder looks into, instead of binding it, is refused', async () => {
  const db = open()
  const find = precompile((db: Kysely<Db>, args: { name: string }) =>
    db.selectFrom('t').selectAll().where('name', '=', `${args.name}-suffix`),
  )
  await assert.rejects(async () => find(db, { name: 'x' }), /arguments not bound: name/)
  await db.destroy()
})
