/**
 * The admin token over its life: generated on first start, rotated (and so recovered) by
 * `registrar admin rotate-token` with database access, which a running server on the same
 * database honours at once; REGISTRAR_ADMIN_TOKEN is stored again at each start.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { call } from '../support/http.js'
import { startServer } from '../support/start-server.js'
import { cli, json } from './run-cli.js'

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-admin-'))
})
after(() => rm(folder, { recursive: true, force: true }))

const status = async (url: string, token: string) =>
  (await call(`${url}/api/service/get/list`, { token })).status

test('rotate-token prints a new token once; a running server on the database drops the old one at once', async () => {
  const database = join(folder, 'generated.db')
  const server = await startServer({ database, adminToken: null })
  try {
    const line = server.stdout.find((text) => text.startsWith('admin token'))
    const generated = line!.split(': ').at(-1)!
    assert.equal(await status(server.url, generated), 200)

    const rotated = await cli(['admin', 'rotate-token', '--database', database])
    assert.equal(rotated.code, 0, rotated.stderr)
    const token = rotated.stdout.trim()
    assert.match(token, /^[A-Za-z0-9_-]{43}$/)
    assert.match(rotated.stderr, /printed once/)
    assert.equal(await status(server.url, generated), 401)
    assert.equal(await status(server.url, token), 200)

    // Lost again: whoever can write the database recovers with another rotation.
    const { adminToken } = json<{ adminToken: string }>(
      await cli(['admin', 'rotate-token', '--database', `sqlite:${database}`, '--json']),
    )
    assert.equal(await status(server.url, token), 401)
    assert.equal(await status(server.url, adminToken), 200)
  } finally {
    await server.stop()
  }
})

test('REGISTRAR_ADMIN_TOKEN wins at each start: its hash replaces a rotated one', async () => {
  const database = join(folder, 'configured.db')
  const configured = 'configured-admin-token-of-at-least-32-characters'
  const first = await startServer({ database, adminToken: configured })
  let rotatedToken: string
  try {
    assert.equal(await status(first.url, configured), 200)
    const rotated = await cli(['admin', 'rotate-token', '--database', database], {
      REGISTRAR_ADMIN_TOKEN: configured,
    })
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.match(rotated.stderr, /REGISTRAR_ADMIN_TOKEN is set/)
    rotatedToken = rotated.stdout.trim()
    assert.equal(await status(first.url, configured), 401)
    assert.equal(await status(first.url, rotatedToken), 200)
  } finally {
    await first.stop()
  }
  const again = await startServer({ database, adminToken: configured })
  try {
    assert.equal(
      again.stdout.some((text) => text.startsWith('admin token')),
      false,
    )
    assert.equal(await status(again.url, configured), 200)
    assert.equal(await status(again.url, rotatedToken), 401)
  } finally {
    await again.stop()
  }
})

test('rotate-token refuses a database that is not there, or in memory, as a usage error', async () => {
  const missing = await cli(['admin', 'rotate-token', '--database', join(folder, 'typo.db')])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /no database at/)
  const memory = await cli(['admin', 'rotate-token', '--database', ':memory:'])
  assert.equal(memory.code, 2)
})
