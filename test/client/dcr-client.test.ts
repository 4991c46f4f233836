/**
 * registrar/client against the real `registrar serve` (build first): discovery of a
 * service, the RFC 7591 / RFC 7592 round trip, ensureRegistered's recoveries, and the
 * server's errors surfaced as DcrError.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  DcrClient,
  DcrError,
  discover,
  FileCredentialStore,
  MemoryCredentialStore,
  type WarningCode,
} from '../../src/client/index.js'
import { Registrar } from '../../src/sdk/index.js'
import { startForwardingProxy } from '../support/forwarding-proxy.js'
import { startServer, type RunningServer } from '../support/start-server.js'
import { freePort } from '../support/free-port.js'

/** The built client library, as another process loads it. */
const CLIENT_LIBRARY = new URL('../../dist/src/client/index.js', import.meta.url).href

/** Runs ensureRegistered in a process of its own on the credentials file; its client_id. */
function ensureRegisteredInChildProcess(issuer: string, path: string): Promise<string> {
  const script = `
    const { DcrClient, FileCredentialStore } = await import(${JSON.stringify(CLIENT_LIBRARY)})
    const dcr = new DcrClient({ issuer: process.argv[1], store: new FileCredentialStore(process.argv[2]) })
    const credentials = await dcr.ensureRegistered(${JSON.stringify(METADATA)})
    process.stdout.write(credentials.client_id)
  `
  return runModule(script, [issuer, path])
}

/** Runs an ES module script in a node process of its own and resolves with its stdout. */
function runModule(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(stderr || String(error))) : resolve(stdout),
    )
  })
}

/** Imports the built client in a process of its own, uses it, and reports its listener counts. */
async function listenerCountsInChildProcess(issuer: string, path: string): Promise<unknown> {
  const script = `
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'beforeExit']
    const count = () => events.map((event) => process.listenerCount(event))
    const before = count()
    const { DcrClient, FileCredentialStore } = await import(${JSON.stringify(CLIENT_LIBRARY)})
    const dcr = new DcrClient({ issuer: process.argv[1], store: new FileCredentialStore(process.argv[2]) })
    await dcr.ensureRegistered(${JSON.stringify(METADATA)})
    await dcr.ensureRegistered(${JSON.stringify(METADATA)})
    process.stdout.write(JSON.stringify({ before, after: count() }))
  `
  return JSON.parse(await runModule(script, [issuer, path]))
}

/** A server on another origin that records every request and answers like the real one. */
async function startEvilServer(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = []
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '(no authorization)'}`)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ client_id: 'evil' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

async function rejection(promise: Promise<unknown>): Promise<DcrError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.ok(error instanceof DcrError, String(error))
  return error
}

const METADATA = {
  client_name: 'test agent',
  redirect_uris: ['http://127.0.0.1:7777/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
}

describe('registrar/client against a running Registrar', () => {
  let server: RunningServer
  let registrar: Registrar
  let dir: string
  before(async () => {
    server = await startServer()
    registrar = new Registrar({ baseUrl: server.url, token: server.adminToken })
    dir = await mkdtemp(join(tmpdir(), 'registrar-dcr-'))
  })
  after(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  async function newService(settings: Parameters<Registrar['services']['create']>[0] = {}) {
    const { apiKey } = await registrar.services.create({
      serviceName: 'dcr client test',
      ...settings,
    })
    assert.ok(apiKey)
    return { serviceId: apiKey, issuer: `${server.url}/${apiKey}` }
  }

  test('discovers a service by RFC 8414 path insertion and checks its issuer (RFC 8414 §3)', async () => {
    const { serviceId, issuer } = await newService()
    const metadata = await discover(issuer)
    assert.equal(metadata.issuer, issuer)
    assert.equal(metadata.registration_endpoint, `${server.url}/${serviceId}/register`)
    const error = await discover(`${server.url}/999999`).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof DcrError)
    assert.equal(error.error, 'discovery_failed')
  })

  test('registers, reads, updates and deletes, keeping a 0600 credentials file current (RFC 7591, RFC 7592)', async () => {
    const { issuer } = await newService()
    const path = join(dir, 'roundtrip.json')
    const dcr = new DcrClient({ issuer, store: new FileCredentialStore(path) })

    const registered = await dcr.register(METADATA)
    assert.match(registered.client_id, /^\d+$/)
    assert.ok(registered.client_secret)
    assert.equal(registered.client_secret_expires_at, 0)
    assert.ok(registered.registration_access_token)
    assert.equal(registered.client_name, 'test agent')
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    assert.deepEqual(await new FileCredentialStore(path).load(issuer), registered)

    const read = await dcr.read()
    assert.equal(read.client_id, registered.client_id)
    assert.equal(read.client_secret, registered.client_secret)

    const updated = await dcr.update({ ...METADATA, client_name: 'renamed agent' })
    assert.equal(updated.client_name, 'renamed agent')
    assert.equal((await dcr.credentials())?.client_name, 'renamed agent')

    await dcr.delete()
    assert.equal(await dcr.credentials(), undefined)
  })

  test('carries the server error, description and status for bad metadata (RFC 7591 §3.2.2)', async () => {
    const { issuer } = await newService()
    const error = await new DcrClient({ issuer }).register({ redirect_uris: ['not a url'] }).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof DcrError)
    assert.equal(error.status, 400)
    assert.equal(error.error, 'invalid_redirect_uri')
    assert.ok(error.error_description)
  })

  test('sends the initial access token a service requires (RFC 7591 §3)', async () => {
    const { serviceId, issuer } = await newService({ initialAccessTokenRequired: true })
    const dcr = new DcrClient({ issuer })
    const refused = await dcr.register(METADATA).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(refused instanceof DcrError)
    assert.equal(refused.status, 401)
    assert.equal(refused.error, 'invalid_token')

    const { token } = await registrar.initialAccessTokens.create(serviceId, { maxUses: 1 })
    const registered = await dcr.register(METADATA, { initialAccessToken: token })
    assert.ok(registered.client_id)
  })

  test('follows a registration access token rotated on every use, and recovers a lost answer with the token it kept (RFC 7592 §3)', async () => {
    const { issuer } = await newService({ registrationAccessTokenRotation: 'on_use' })
    const dcr = new DcrClient({ issuer, store: new MemoryCredentialStore() })
    const registered = await dcr.register(METADATA)
    const seen = new Set([registered.registration_access_token])
    const stored = async () => (await dcr.credentials())!.registration_access_token!
    for (let i = 0; i < 3; i++) {
      const read = await dcr.read()
      assert.equal(read.client_id, registered.client_id)
      assert.equal(read.registration_access_token, await stored())
      assert.equal(seen.has(await stored()), false, 'a new token at each read')
      seen.add(await stored())
    }
    await dcr.update({ ...METADATA, client_name: 'rotated agent' })
    assert.equal(seen.has(await stored()), false, 'and at an update')
    seen.add(await stored())
    const ensured = await dcr.ensureRegistered({ ...METADATA, client_name: 'rotated agent' })
    assert.equal(ensured.client_id, registered.client_id)

    // A read whose answer is lost: the server rotated, the client still holds its token.
    const held = (await dcr.credentials())!
    const lost = await fetch(held.registration_client_uri!, {
      headers: { authorization: `Bearer ${held.registration_access_token}` },
    })
    assert.equal(lost.status, 200)
    const lostToken = ((await lost.json()) as { registration_access_token: string })
      .registration_access_token
    const recovered = await dcr.read()
    assert.equal(recovered.client_id, registered.client_id)
    assert.notEqual(recovered.registration_access_token, lostToken)
    assert.notEqual(recovered.registration_access_token, held.registration_access_token)
    const again = await dcr.ensureRegistered({ ...METADATA, client_name: 'rotated agent' })
    assert.equal(again.client_id, registered.client_id, 'no new registration was needed')
    await dcr.delete()
  })

  test('ensureRegistered reuses stored credentials while the server knows them', async () => {
    const { issuer } = await newService()
    const dcr = new DcrClient({ issuer, store: new MemoryCredentialStore() })
    const first = await dcr.ensureRegistered(METADATA)
    const again = await dcr.ensureRegistered(METADATA)
    assert.equal(again.client_id, first.client_id)
    assert.equal(again.client_secret, first.client_secret)
  })

  test('processes sharing a credentials file take turns in ensureRegistered: one registration, not one each', async () => {
    const { serviceId, issuer } = await newService()
    const path = join(dir, 'shared.json')
    const clientIds = await Promise.all(
      Array.from({ length: 4 }, () => ensureRegisteredInChildProcess(issuer, path)),
    )
    assert.equal(new Set(clientIds).size, 1, clientIds.join(' '))
    const { totalCount } = await registrar.clients.list(serviceId)
    assert.equal(totalCount, 1)
    await assert.rejects(stat(`${path}.lock`), { code: 'ENOENT' })
  })

  test('ensureRegistered calls in one process on one memory store take turns too', async () => {
    const { serviceId, issuer } = await newService()
    const store = new MemoryCredentialStore()
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => new DcrClient({ issuer, store }).ensureRegistered(METADATA)),
    )
    assert.equal(new Set(answers.map((answer) => answer.client_id)).size, 1)
    assert.equal((await registrar.clients.list(serviceId)).totalCount, 1)
  })

  test('ensureRegistered replaces a registration whose metadata changed, keeping the client id (RFC 7592 §2.2)', async () => {
    const { issuer } = await newService()
    const calls: string[] = []
    const fetchCounting: typeof fetch = (input, init) => {
      calls.push(init?.method ?? 'GET')
      return fetch(input, init)
    }
    const dcr = new DcrClient({ issuer, fetch: fetchCounting })
    const first = await dcr.ensureRegistered(METADATA)
    const renamed = await dcr.ensureRegistered({ ...METADATA, client_name: 'test agent 2' })
    assert.equal(renamed.client_id, first.client_id)
    assert.equal(renamed.client_name, 'test agent 2')
    assert.equal((await dcr.credentials())?.client_name, 'test agent 2')
    calls.length = 0
    await dcr.ensureRegistered({ ...METADATA, client_name: 'test agent 2' })
    assert.deepEqual(calls, ['GET'], 'unchanged metadata: a read and no update')
    const kept = await dcr.ensureRegistered(
      { ...METADATA, client_name: 'test agent 3' },
      { updateChanged: false },
    )
    assert.equal(kept.client_name, 'test agent 2')
  })

  test('ensureRegistered registers anew when the stored client was deleted (RFC 7592 §2.1: 401)', async () => {
    const { serviceId, issuer } = await newService()
    const dcr = new DcrClient({ issuer })
    const first = await dcr.ensureRegistered(METADATA)
    await registrar.clients.delete(serviceId, first.client_id)
    const second = await dcr.ensureRegistered(METADATA)
    assert.notEqual(second.client_id, first.client_id)
    assert.equal((await dcr.credentials())?.client_id, second.client_id)
  })

  test('ensureRegistered renews a secret within the renewal margin at {registration_client_uri}/secret, keeping the client id; the old secret works for the overlap', async () => {
    const { serviceId, issuer } = await newService({
      clientSecretLifetime: 600,
      clientSecretRotationOverlap: 600,
    })
    let now = Date.now()
    const path = join(dir, 'renewal.json')
    const store = new FileCredentialStore(path)
    const dcr = new DcrClient({ issuer, store, now: () => now, secretRenewalMarginSeconds: 60 })
    const first = await dcr.ensureRegistered(METADATA)
    const expiresAt = first.client_secret_expires_at ?? 0
    assert.ok(expiresAt > 0)
    assert.equal((await dcr.ensureRegistered(METADATA)).client_secret, first.client_secret)

    now = (expiresAt - 30) * 1000
    const renewed = await dcr.ensureRegistered(METADATA)
    assert.equal(renewed.client_id, first.client_id)
    assert.notEqual(renewed.client_secret, first.client_secret)
    assert.ok((renewed.client_secret_expires_at ?? 0) >= expiresAt)
    assert.equal(renewed.registration_access_token, first.registration_access_token)
    assert.deepEqual(await new FileCredentialStore(path).load(issuer), renewed)
    for (const secret of [renewed.client_secret!, first.client_secret!]) {
      const found = await registrar.clients.authenticate(serviceId, {
        client_id: first.client_id,
        client_secret: secret,
      })
      assert.equal(String(found.clientId), first.client_id)
    }
  })

  test('ensureRegistered renews an expired secret instead of registering anew (RFC 7591 §3.2.1)', async () => {
    const { serviceId, issuer } = await newService({ clientSecretLifetime: 60 })
    let now = Date.now()
    const dcr = new DcrClient({ issuer, now: () => now, secretRenewalMarginSeconds: 0 })
    const first = await dcr.ensureRegistered(METADATA)
    assert.equal((await dcr.ensureRegistered(METADATA)).client_id, first.client_id)
    // Longer secrets from now on, so the renewed one outlives this test's clock jump.
    await registrar.services.update(serviceId, { clientSecretLifetime: 3600 })

    now = ((first.client_secret_expires_at ?? 0) + 1) * 1000
    const second = await dcr.ensureRegistered(METADATA)
    assert.equal(second.client_id, first.client_id)
    assert.notEqual(second.client_secret, first.client_secret)
    assert.ok((second.client_secret_expires_at ?? 0) * 1000 > now)
    assert.equal((await registrar.clients.list(serviceId)).totalCount, 1)
  })

  test('renewSecret stores the new secret; a public client is refused with invalid_request', async () => {
    const { issuer } = await newService()
    const dcr = new DcrClient({ issuer })
    const first = await dcr.register(METADATA)
    const renewed = await dcr.renewSecret()
    assert.equal(renewed.client_id, first.client_id)
    assert.notEqual(renewed.client_secret, first.client_secret)
    assert.equal(renewed.client_secret_expires_at, 0)
    assert.equal((await dcr.credentials())?.client_secret, renewed.client_secret)

    const publicClient = new DcrClient({ issuer })
    await publicClient.register({ ...METADATA, token_endpoint_auth_method: 'none' })
    const error = await rejection(publicClient.renewSecret())
    assert.equal(error.status, 400)
    assert.equal(error.error, 'invalid_request')
  })

  test('against a server without the renewal extension (404) it keeps the secret while it lasts, then registers anew, asking once', async () => {
    // A server without Registrar's extension of RFC 7592: secret renewals answer 404.
    const proxy = await startForwardingProxy(server.url, {
      refuse: (method, path) => method === 'POST' && path.endsWith('/secret'),
    })
    try {
      const { serviceId } = await newService({ clientSecretLifetime: 60 })
      // The service's own registration_client_uri goes through the proxy (spec §3.4).
      await registrar.services.update(serviceId, {
        registrationEndpoint: `${proxy.url}/${serviceId}/register`,
      })
      let now = Date.now()
      const dcr = new DcrClient({
        issuer: `${server.url}/${serviceId}`,
        registrationEndpoint: `${proxy.url}/${serviceId}/register`,
        now: () => now,
      })
      const first = await dcr.ensureRegistered(METADATA)
      assert.ok(first.registration_client_uri?.startsWith(proxy.url))
      // Within the default margin of an hour: renewal is tried, refused, and not tried again.
      const kept = await dcr.ensureRegistered(METADATA)
      assert.equal(kept.client_secret, first.client_secret)
      await dcr.ensureRegistered(METADATA)
      assert.equal(proxy.refused.length, 1, proxy.refused.join(' '))

      now = ((first.client_secret_expires_at ?? 0) + 1) * 1000
      const second = await dcr.ensureRegistered(METADATA)
      assert.notEqual(second.client_id, first.client_id)
    } finally {
      await proxy.close()
    }
  })

  test('reports an unreachable server as network_error, with no status', async () => {
    const port = await freePort()
    const error = await discover(`http://127.0.0.1:${port}/1`).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof DcrError)
    assert.equal(error.error, 'network_error')
    assert.equal(error.status, undefined)
  })

  test('never sends the registration access token off the registration endpoint origin: read, update and delete refuse, ensureRegistered registers anew (RFC 6750 §5.3)', async () => {
    const evil = await startEvilServer()
    try {
      const { serviceId, issuer } = await newService()
      const path = join(dir, 'poisoned-uri.json')
      const warnings: WarningCode[] = []
      const options = {
        issuer,
        store: new FileCredentialStore(path),
        onWarning: (_message: string, code: WarningCode) => warnings.push(code),
      }
      const dcr = new DcrClient(options)
      const first = await dcr.register(METADATA)
      const poisoned = [
        `${evil.url}/${serviceId}/register/${first.client_id}`,
        `${evil.url.replace('127.0.0.1', 'localhost')}/${serviceId}/register/${first.client_id}`,
        `https://${new URL(evil.url).host}/${serviceId}/register/${first.client_id}`,
        `http://evil.example/${serviceId}/register/${first.client_id}`,
      ]
      for (const uri of poisoned) {
        const file = JSON.parse(await readFile(path, 'utf8')) as {
          credentials: Record<string, Record<string, unknown>>
        }
        const registered = file.credentials[issuer]
        registered.registration_client_uri = uri
        await writeFile(path, JSON.stringify(file))
        const previous = registered.client_id

        for (const call of [() => dcr.read(), () => dcr.update(METADATA), () => dcr.delete()]) {
          assert.equal((await rejection(call())).error, 'untrusted_credentials', uri)
        }
        // An expired secret would have the stored client deleted: not at the poisoned URI.
        const later = new DcrClient({ ...options, now: () => Date.now() + 1e12 })
        await writeFile(
          path,
          JSON.stringify({
            ...file,
            credentials: { [issuer]: { ...registered, client_secret_expires_at: 1 } },
          }),
        )
        const fresh = await later.ensureRegistered(METADATA)
        assert.notEqual(fresh.client_id, previous)
        await writeFile(path, JSON.stringify(file))

        const again = await dcr.ensureRegistered(METADATA)
        assert.notEqual(again.client_id, previous, uri)
        assert.equal(
          (await dcr.credentials())?.registration_client_uri,
          `${server.url}/${serviceId}/register/${again.client_id}`,
        )
        assert.deepEqual(evil.seen, [], uri)
      }
      assert.ok(warnings.includes('REGISTRAR_CREDENTIALS_UNTRUSTED'))
    } finally {
      evil.server.close()
    }
  })

  test('an entry with a member of the wrong type counts as no entry: ensureRegistered registers anew, with a warning', async () => {
    const { issuer } = await newService()
    const path = join(dir, 'poisoned-types.json')
    const warnings: WarningCode[] = []
    const onWarning = (_message: string, code: WarningCode) => warnings.push(code)
    const dcr = new DcrClient({ issuer, store: new FileCredentialStore(path, { onWarning }) })
    const first = await dcr.register(METADATA)
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      credentials: Record<string, Record<string, unknown>>
    }
    file.credentials[issuer].registration_access_token = { toString: 'x' }
    await writeFile(path, JSON.stringify(file), { mode: 0o600 })
    assert.equal(await dcr.credentials(), undefined)
    const again = await dcr.ensureRegistered(METADATA)
    assert.notEqual(again.client_id, first.client_id)
    assert.ok(warnings.includes('REGISTRAR_CREDENTIALS_INVALID'))
  })

  test('refuses a server answer whose registration_client_uri is on another origin, storing nothing', async () => {
    const evil = await startEvilServer()
    const answering = createServer((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          client_id: 'c1',
          registration_access_token: 'rat',
          registration_client_uri: `${evil.url}/register/c1`,
        }),
      )
    })
    await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(answering.address() as AddressInfo).port}`
      const store = new MemoryCredentialStore()
      const dcr = new DcrClient({ issuer: url, registrationEndpoint: `${url}/register`, store })
      const error = await rejection(dcr.register(METADATA))
      assert.equal(error.error, 'invalid_response')
      assert.equal(await store.load(dcr.issuer), undefined)
      assert.deepEqual(evil.seen, [])
    } finally {
      answering.close()
      evil.server.close()
    }
  })

  test('checks what any store loads: the entry of a custom store of the wrong type counts as none', async () => {
    const { issuer } = await newService()
    const store = new MemoryCredentialStore()
    const warnings: WarningCode[] = []
    const dcr = new DcrClient({ issuer, store, onWarning: (_m, code) => warnings.push(code) })
    await store.save(issuer, { client_id: 'x', client_secret: 42 } as never)
    assert.equal(await dcr.credentials(), undefined)
    const registered = await dcr.ensureRegistered(METADATA)
    assert.notEqual(registered.client_id, 'x')
    assert.deepEqual(warnings, ['REGISTRAR_CREDENTIALS_INVALID', 'REGISTRAR_CREDENTIALS_INVALID'])
  })

  test('refuses a discovered registration_endpoint that is plain http off the loopback (RFC 7591 §3)', async () => {
    let issuer = ''
    const metadataServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ issuer, registration_endpoint: 'http://as.example.com/register' }))
    })
    await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve))
    try {
      issuer = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}`
      const error = await rejection(new DcrClient({ issuer }).register(METADATA))
      assert.equal(error.error, 'invalid_response')
      assert.match(
        error.message,
        /registration_endpoint http:\/\/as\.example\.com\/register is neither https/,
      )
    } finally {
      metadataServer.close()
    }
  })

  test('importing and using the client adds no SIGINT, SIGTERM or exit listener to the process', async () => {
    const { issuer } = await newService()
    const counts = (await listenerCountsInChildProcess(issuer, join(dir, 'listeners.json'))) as {
      before: number[]
      after: number[]
    }
    assert.deepEqual(counts.after, counts.before)
  })

  test('read without stored credentials is not_registered', async () => {
    const { issuer } = await newService()
    const error = await new DcrClient({ issuer }).read().then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof DcrError)
    assert.equal(error.error, 'not_registered')
  })
})
