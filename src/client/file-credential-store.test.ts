import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { FileCredentialStore } from './file-credential-store.js'
import { MemoryCredentialStore } from './credential-store.js'

const ISSUER = 'https://as.example.com/tenant'
const CREDENTIALS = {
  client_id: 'abc',
  client_secret: 's3cret',
  client_secret_expires_at: 0,
  registration_access_token: 'rat',
  registration_client_uri: 'https://as.example.com/register/abc',
  redirect_uris: ['http://127.0.0.1/callback'],
}

describe('FileCredentialStore', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registrar-creds-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('loads nothing from a file that does not exist', async () => {
    const store = new FileCredentialStore(join(dir, 'absent.json'))
    assert.equal(await store.load(ISSUER), undefined)
    assert.deepEqual(await store.issuers(), [])
  })

  test('exclusive work takes turns between stores of one file, and leaves no lock behind', async () => {
    const path = join(dir, 'turns.json')
    const [first, second] = [new FileCredentialStore(path), new FileCredentialStore(path)]
    const order: string[] = []
    const work = (name: string) => async () => {
      order.push(`${name} in`)
      await new Promise((resolve) => setTimeout(resolve, 50))
      order.push(`${name} out`)
      return name
    }
    const results = await Promise.all([
      first.exclusive(ISSUER, work('a')),
      second.exclusive(ISSUER, work('b')),
    ])
    assert.deepEqual(results, ['a', 'b'])
    assert.deepEqual(order.slice(0, 2), [order[0], order[0].replace('in', 'out')])
    await assert.rejects(stat(`${path}.lock`), { code: 'ENOENT' })
  })

  test('exclusive work takes over a lock whose holder is gone (not refreshed for 10 s)', async () => {
    const path = join(dir, 'stale.json')
    await mkdir(`${path}.lock`)
    const longAgo = new Date(Date.now() - 60_000)
    await utimes(`${path}.lock`, longAgo, longAgo)
    const store = new FileCredentialStore(path)
    assert.equal(await store.exclusive(ISSUER, async () => 'ran'), 'ran')
    await assert.rejects(stat(`${path}.lock`), { code: 'ENOENT' })
  })

  test('saves, loads and removes credentials keyed by issuer', async () => {
    const path = join(dir, 'roundtrip.json')
    const store = new FileCredentialStore(path)
    await store.save(ISSUER, CREDENTIALS)
    await store.save('https://other.example.com', { client_id: 'other' })
    assert.deepEqual(await store.load(ISSUER), CREDENTIALS)
    assert.deepEqual(await new FileCredentialStore(path).load(ISSUER), CREDENTIALS)
    await store.remove(ISSUER)
    assert.equal(await store.load(ISSUER), undefined)
    assert.deepEqual(await store.issuers(), ['https://other.example.com'])
  })

  test('creates the file with mode 0600, also when replacing a more open one', async () => {
    const path = join(dir, 'mode.json')
    await writeFile(path, JSON.stringify({ version: 1, credentials: {} }), { mode: 0o644 })
    await new FileCredentialStore(path).save(ISSUER, CREDENTIALS)
    assert.equal((await stat(path)).mode & 0o777, 0o600)
  })

  test('writes atomically: concurrent saves all land and no temporary file is left', async () => {
    const path = join(dir, 'atomic.json')
    const store = new FileCredentialStore(path)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.save(`https://as${i}.example.com`, { client_id: `c${i}` }),
      ),
    )
    assert.equal((await store.issuers()).length, 20)
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { version: number }
    assert.equal(parsed.version, 1)
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
    )
  })

  test('refuses a file that is not a credentials file, naming it', async () => {
    const path = join(dir, 'garbage.json')
    await writeFile(path, '{"hello":')
    await assert.rejects(new FileCredentialStore(path).load(ISSUER), /garbage\.json is not JSON/)
  })
})

describe('MemoryCredentialStore', () => {
  test('returns copies, so callers cannot change what is stored', async () => {
    const store = new MemoryCredentialStore()
    await store.save(ISSUER, CREDENTIALS)
    const loaded = await store.load(ISSUER)
    assert.ok(loaded)
    loaded.client_id = 'changed'
    assert.equal((await store.load(ISSUER))?.client_id, 'abc')
    await store.remove(ISSUER)
    assert.equal(await store.load(ISSUER), undefined)
  })
})
