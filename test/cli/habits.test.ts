/**
 * What the CLI prints and refuses, as a user meets it: the version, effective URLs of a
 * service, ISO 8601 times for people (the API's numbers in --json), ids that are not
 * numbers refused before any request, and a wrong --url named as such.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import { freePort } from '../support/free-port.js'
import { call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import { cli, json } from './run-cli.js'

const ISO_8601 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(
    await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string }
  for (const flag of ['--version', '-V']) {
    const outcome = await cli([flag])
    assert.equal(outcome.code, 0)
    assert.equal(outcome.stdout.trim(), version)
  }
})

test('an id or number that is not one is a usage error (exit 2) before any request', async () => {
  // Nothing listens there: a command that sent a request would exit 3.
  const env = { REGISTRAR_URL: `http://127.0.0.1:${await freePort()}`, REGISTRAR_ADMIN_TOKEN: 't' }
  for (const args of [
    ['service', 'get', 'abc'],
    ['service', 'update', '12x', '--name', 'n'],
    ['service', 'refresh-secret', 'abc'],
    ['service', 'policy', 'get', 'abc'],
    ['client', 'list', 'abc'],
    ['client', 'get', '1', 'abc'],
    ['client', 'delete', '1', '-1'],
    ['client', 'secret', 'refresh', 'abc', '1'],
    ['token', 'create', 'abc'],
    ['webhook', 'list', 'abc'],
    ['audit', 'list', 'abc'],
    ['audit', 'list', '1', '--client', 'abc'],
    ['doctor', '--service', 'abc'],
    ['clients', 'orphans', '--service', 'NaN'],
    ['service', 'list', '--start', 'x'],
    [
      'client',
      'document',
      'approve',
      '1',
      '--document-url',
      'https://a.example/c',
      '--version',
      'abc',
    ],
  ]) {
    const outcome = await cli(args, env)
    const what = args.join(' ')
    assert.equal(outcome.code, 2, `${what}: ${outcome.stderr}`)
    assert.match(outcome.stderr, /invalid|must be a non-negative integer/, what)
    assert.match(outcome.stderr, /--help/, what)
    assert.doesNotMatch(outcome.stderr, /no service|NaN\b.*not found/, what)
  }
})

describe('against a running server', () => {
  let server: RunningServer
  let api: Record<string, string>
  before(async () => {
    server = await startServer()
    api = { REGISTRAR_URL: server.url, REGISTRAR_ADMIN_TOKEN: server.adminToken }
  })
  after(() => server.stop())

  test('service create and list print the effective issuer and registration endpoint', async () => {
    const created = await cli(['service', 'create', '--name', 'effective'], api)
    assert.equal(created.code, 0, created.stderr)
    const apiKey = /created service (\d+)/.exec(created.stdout)![1]
    assert.match(created.stdout, new RegExp(`issuer\\s+${server.url}/${apiKey}\\n`))
    assert.match(
      created.stdout,
      new RegExp(`registrationEndpoint\\s+${server.url}/${apiKey}/register\\n`),
    )
    assert.match(created.stdout, /apiSecret\s+[A-Za-z0-9_-]{43}\n/)

    const custom = await cli(['service', 'create', '--issuer', 'https://as.example', '--json'], api)
    const customKey = json<{ apiKey: number }>(custom).apiKey

    const table = await cli(['service', 'list'], api)
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout, /SERVICE_ID\s+NAME\s+DCR\s+ISSUER\s+REGISTRATION_ENDPOINT/)
    assert.match(
      table.stdout,
      new RegExp(
        `${apiKey}\\s+effective\\s+on\\s+${server.url}/${apiKey}\\s+${server.url}/${apiKey}/register`,
      ),
    )
    assert.match(
      table.stdout,
      new RegExp(`${customKey}.*https://as\\.example\\s+${server.url}/${customKey}/register`),
    )
  })

  test('people read times as ISO 8601; --json keeps the numbers of the API', async () => {
    const created = await cli(['service', 'create', '--name', 'times'], api)
    assert.match(created.stdout, new RegExp(`createdAt\\s+${ISO_8601.source}`))
    assert.doesNotMatch(created.stdout, /\b1\d{12}\b/, 'no epoch milliseconds')
    const apiKey = /created service (\d+)/.exec(created.stdout)![1]!
    const asJson = json<{ createdAt: unknown }>(
      await cli(['service', 'get', apiKey, '--json'], api),
    )
    assert.equal(typeof asJson.createdAt, 'number')

    const registered = await call(`${server.url}/${apiKey}/register`, {
      body: { redirect_uris: ['https://app.example/cb'] },
    })
    const clientId = registered.json.client_id as string
    const got = await cli(['client', 'get', apiKey, clientId], api)
    assert.equal(got.code, 0, got.stderr)
    assert.match(got.stdout, new RegExp(`createdAt\\s+${ISO_8601.source}`))
    assert.match(got.stdout, /clientSecretExpiresAt\s+never|^(?![\s\S]*clientSecretExpiresAt)/)
    assert.doesNotMatch(got.stdout, /At\s+\d+\n/, 'no time member printed as a number')
  })

  test('a 404 from a --url that is not the base URL says to check --url; an unknown id does not', async () => {
    for (const url of [`${server.url}/prefix`, `${server.url}/api`]) {
      const outcome = await cli(['service', 'list'], { ...api, REGISTRAR_URL: url })
      assert.equal(outcome.code, 1, url)
      assert.match(outcome.stderr, /404/)
      assert.match(outcome.stderr, /Check --url/, url)
    }
    const unknown = await cli(['service', 'get', '12345678901234'], api)
    assert.equal(unknown.code, 1)
    assert.doesNotMatch(unknown.stderr, /Check --url/)
    assert.match(unknown.stderr, /Check the ids/)
  })

  test('service refresh-secret prints the new apiSecret once; the old one stops working', async () => {
    const created = json<{ apiKey: number; apiSecret: string }>(
      await cli(['service', 'create', '--json'], api),
    )
    const refreshed = await cli(['service', 'refresh-secret', String(created.apiKey)], api)
    assert.equal(refreshed.code, 0, refreshed.stderr)
    const secret = refreshed.stdout.trim()
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/)
    const status = async (password: string) =>
      (
        await call(`${server.url}/api/${created.apiKey}/service/get`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${created.apiKey}:${password}`).toString('base64')}`,
          },
        })
      ).status
    assert.equal(await status(created.apiSecret), 401)
    assert.equal(await status(secret), 200)
  })
})
