/**
 * `registrar client-id-document` (build first): the document on stdout or in a file, and
 * a refusal as a usage error naming the draft's rule.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { MAIN } from '../support/start-server.js'

interface Outcome {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const URL_ = 'https://agent.example.com/client.json'

describe('registrar client-id-document', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registrar-cimd-cli-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  test('prints the document with client_id equal to --url (draft §4)', async () => {
    const outcome = await cli([
      'client-id-document',
      '--url',
      URL_,
      '--name',
      'My agent',
      '--redirect-uri',
      'http://127.0.0.1:8765/callback',
      'http://localhost:8765/callback',
    ])
    assert.equal(outcome.code, 0, outcome.stderr)
    assert.deepEqual(JSON.parse(outcome.stdout), {
      client_id: URL_,
      client_name: 'My agent',
      redirect_uris: ['http://127.0.0.1:8765/callback', 'http://localhost:8765/callback'],
      token_endpoint_auth_method: 'none',
    })
  })

  test('adds flags to --metadata and writes --out, 0644; --jwks-uri means private_key_jwt', async () => {
    const metadata = join(dir, 'metadata.json')
    const out = join(dir, 'site', 'client.json')
    await writeFile(
      metadata,
      JSON.stringify({ client_name: 'from file', grant_types: ['client_credentials'] }),
    )
    const outcome = await cli([
      'client-id-document',
      '--url',
      URL_,
      '--metadata',
      metadata,
      '--jwks-uri',
      'https://agent.example.com/jwks.json',
      '--out',
      out,
    ])
    assert.equal(outcome.code, 0, outcome.stderr)
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), {
      client_id: URL_,
      client_name: 'from file',
      grant_types: ['client_credentials'],
      jwks_uri: 'https://agent.example.com/jwks.json',
      token_endpoint_auth_method: 'private_key_jwt',
    })
    assert.equal((await stat(out)).mode & 0o777, 0o644)
  })

  test('exits 2 naming the rule for a URL or metadata the draft forbids, and has an example', async () => {
    const noPath = await cli([
      'client-id-document',
      '--url',
      'https://agent.example.com',
      '--name',
      'a',
    ])
    assert.equal(noPath.code, 2)
    assert.match(noPath.stderr, /path component/)
    const metadata = join(dir, 'secret.json')
    await writeFile(
      metadata,
      JSON.stringify({
        client_name: 'a',
        redirect_uris: ['https://a.example/cb'],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    )
    const secret = await cli(['client-id-document', '--url', URL_, '--metadata', metadata])
    assert.equal(secret.code, 2)
    assert.match(secret.stderr, /shared secret/)
    assert.equal(secret.stdout, '')
    const help = await cli(['client-id-document', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /Example/)
  })
})
