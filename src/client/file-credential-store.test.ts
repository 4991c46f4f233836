import assert from 'node:assert/strict'
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { after, before, describe, test } from 'node:test'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { FileCredentialStore } from './file-credential-store.js'
import { MemoryCredentialStore } from './credential-store.js'
import type { WarningCode } from './errors.js'

/** A store whose warnings land in `warnings`. */
function storeWithWarnings(path: string) {
  const warnings: { message: string; code: WarningCode }[] = []
  const store = new FileCredentialStore(path, {
    onWarning: (message, code) => warnings.push({ message, code }),
  })
  return { store, warnings }
}

const STORE_MODULE = new URL('./file-credential-store.ts', import.meta.url).href
const run = promisify(execFile)

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

  test('looks up issuers as own keys only: constructor, __proto__ and toString are strings like any other', async () => {
    const path = join(dir, 'prototype.json')
    const store = new FileCredentialStore(path)
    for (const issuer of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(await store.load(issuer), undefined, issuer)
    }
    await store.save(ISSUER, CREDENTIALS)
    for (const issuer of ['constructor', '__proto__', 'toString', 'valueOf']) {
      assert.equal(await store.load(issuer), undefined, issuer)
    }
    await store.save('__proto__', { client_id: 'proto' })
    await store.save('constructor', { client_id: 'ctor' })
    const reopened = new FileCredentialStore(path)
    assert.deepEqual(await reopened.load('__proto__'), { client_id: 'proto' })
    assert.deepEqual(await reopened.load('constructor'), { client_id: 'ctor' })
    assert.deepEqual((await reopened.issuers()).sort(), [ISSUER, '__proto__', 'constructor'].sort())
    await reopened.remove('__proto__')
    assert.equal(await reopened.load('__proto__'), undefined)
    assert.deepEqual(await reopened.load('constructor'), { client_id: 'ctor' })
  })

  test('treats an entry that is not client information as absent, with a warning', async () => {
    const path = join(dir, 'poisoned.json')
    const entries = {
      'https://as1.example.com': { client_id: 42 },
      'https://as2.example.com': { ...CREDENTIALS, registration_access_token: { token: 'x' } },
      'https://as3.example.com': { ...CREDENTIALS, client_secret_expires_at: '0' },
      'https://as4.example.com': { ...CREDENTIALS, redirect_uris: 'http://127.0.0.1/cb' },
      'https://as5.example.com': 'not an object',
      'https://as6.example.com': null,
      'https://as7.example.com': [CREDENTIALS],
    }
    await writeFile(path, JSON.stringify({ version: 1, credentials: entries }), { mode: 0o600 })
    const { store, warnings } = storeWithWarnings(path)
    for (const issuer of Object.keys(entries)) {
      assert.equal(await store.load(issuer), undefined, issuer)
    }
    assert.equal(warnings.length, Object.keys(entries).length)
    assert.ok(warnings.every(({ code }) => code === 'REGISTRAR_CREDENTIALS_INVALID'))
    assert.match(warnings[1].message, /registration_access_token/)
    await store.save('https://as1.example.com', CREDENTIALS)
    assert.deepEqual(await store.load('https://as1.example.com'), CREDENTIALS)
  })

  test('warns once when the file is readable or writable by group or others', async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602]) {
      const path = join(dir, `open-${mode.toString(8)}.json`)
      await writeFile(path, JSON.stringify({ version: 1, credentials: { [ISSUER]: CREDENTIALS } }))
      await chmod(path, mode)
      const { store, warnings } = storeWithWarnings(path)
      assert.deepEqual(await store.load(ISSUER), CREDENTIALS)
      await store.load(ISSUER)
      assert.equal(warnings.length, 1, mode.toString(8))
      assert.equal(warnings[0].code, 'REGISTRAR_CREDENTIALS_READABLE')
      assert.match(warnings[0].message, new RegExp(`mode ${mode.toString(8)}`))
    }
    const path = join(dir, 'private.json')
    await writeFile(path, JSON.stringify({ version: 1, credentials: {} }), { mode: 0o600 })
    const { store, warnings } = storeWithWarnings(path)
    await store.load(ISSUER)
    assert.deepEqual(warnings, [])
  })

  test('warns by process.emitWarning when no onWarning is given', async () => {
    const path = join(dir, 'emit.json')
    await writeFile(path, JSON.stringify({ version: 1, credentials: {} }))
    await chmod(path, 0o644)
    const warnings: (Error & { code?: string })[] = []
    const listener = (warning: Error) => warnings.push(warning)
    process.on('warning', listener)
    try {
      await new FileCredentialStore(path).load(ISSUER)
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', listener)
    }
    assert.equal(warnings.length, 1)
    const [warning] = warnings
    assert.equal(warning.name, 'RegistrarWarning')
    assert.equal(warning.code, 'REGISTRAR_CREDENTIALS_READABLE')
  })

  test('creates a missing folder with mode 0700 and the file with mode 0600', async () => {
    const path = join(dir, 'new', 'nested', 'credentials.json')
    await new FileCredentialStore(path).save(ISSUER, CREDENTIALS)
    assert.equal((await stat(join(dir, 'new'))).mode & 0o777, 0o700)
    assert.equal((await stat(join(dir, 'new', 'nested'))).mode & 0o777, 0o700)
    assert.equal((await stat(path)).mode & 0o777, 0o600)
  })

  test('installs no SIGINT, SIGTERM or exit listener in the host process', async () => {
    // In a fresh process: what a module installs when first loaded is counted too.
    const script = `
      const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'beforeExit']
      const count = () => events.map((event) => process.listenerCount(event))
      const before = count()
      const { FileCredentialStore } = await import(${JSON.stringify(STORE_MODULE)})
      const store = new FileCredentialStore(process.argv[1])
      await store.exclusive('https://as.example.com', () =>
        store.save('https://as.example.com', { client_id: 'a' }),
      )
      process.stdout.write(JSON.stringify({ before, after: count() }))
    `
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
      join(dir, 'listeners.json'),
    ])
    const { before, after } = JSON.parse(stdout) as { before: number[]; after: number[] }
    assert.deepEqual(after, before)
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
