/**
 * The DCR client against a real peer: node-oidc-provider with registration and
 * registration management on, started in-process on 127.0.0.1. Once at the issuer's
 * root, once mounted under a path so discovery needs the issuer-suffix form.
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { DcrClient, DcrError, discover, MemoryCredentialStore } from '../../src/client/index.js'

/** The little of node-oidc-provider's API used here (the package ships no types). */
interface ProviderConstructor {
  new (
    issuer: string,
    configuration: Record<string, unknown>,
  ): { callback(): (req: IncomingMessage, res: ServerResponse) => void }
}
const packageName: string = 'oidc-provider'
const { default: Provider } = (await import(packageName)) as { default: ProviderConstructor }

interface Peer {
  issuer: string
  stop(): Promise<void>
}

/** Starts node-oidc-provider; with a mount path, requests outside it answer 404. */
async function startProvider(mountPath = ''): Promise<Peer> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
  const server: Server = createServer((req, res) => handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}${mountPath}`
  const provider = new Provider(issuer, {
    features: {
      registration: { enabled: true },
      registrationManagement: { enabled: true },
      devInteractions: { enabled: false },
    },
  })
  const callback = provider.callback()
  handle = (req, res) => {
    if (!req.url?.startsWith(`${mountPath}/`)) {
      res.writeHead(404).end()
      return
    }
    // As express mounts it: node-oidc-provider derives the mount path from originalUrl.
    Object.assign(req, { originalUrl: req.url })
    req.url = req.url.slice(mountPath.length)
    callback(req, res)
  }
  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const METADATA = {
  client_name: 'interop agent',
  redirect_uris: ['http://127.0.0.1:4000/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
}

describe('DCR client against node-oidc-provider', () => {
  let peer: Peer
  before(async () => {
    peer = await startProvider()
  })
  after(() => peer.stop())

  test('discovers, registers, reads, updates and deletes (RFC 8414, RFC 7591, RFC 7592)', async () => {
    const dcr = new DcrClient({ issuer: peer.issuer, store: new MemoryCredentialStore() })
    const metadata = await dcr.discover()
    assert.equal(metadata.issuer, peer.issuer)
    assert.equal(metadata.registration_endpoint, `${peer.issuer}/reg`)

    const registered = await dcr.register(METADATA)
    assert.equal(typeof registered.client_id, 'string')
    assert.equal(typeof registered.client_secret, 'string')
    assert.equal(registered.client_name, 'interop agent')
    assert.ok(registered.registration_access_token)
    assert.equal(registered.registration_client_uri, `${peer.issuer}/reg/${registered.client_id}`)
    assert.deepEqual(await dcr.credentials(), registered)

    const read = await dcr.read()
    assert.equal(read.client_id, registered.client_id)
    assert.equal(read.client_secret, registered.client_secret)

    // node-oidc-provider rotates the registration access token on update by default.
    const updated = await dcr.update({ ...METADATA, client_name: 'renamed agent' })
    assert.equal(updated.client_name, 'renamed agent')
    assert.notEqual(updated.registration_access_token, registered.registration_access_token)
    const stored = await dcr.credentials()
    assert.equal(stored?.registration_access_token, updated.registration_access_token)
    assert.equal((await dcr.read()).client_name, 'renamed agent')

    await dcr.delete()
    assert.equal(await dcr.credentials(), undefined)
  })

  test('surfaces the server error code and status for bad metadata (RFC 7591 §3.2.2)', async () => {
    const dcr = new DcrClient({ issuer: peer.issuer })
    const error = await dcr
      .register({ redirect_uris: ['https://app.example.com/cb#fragment'] })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    assert.ok(error instanceof DcrError)
    assert.equal(error.status, 400)
    assert.equal(error.error, 'invalid_redirect_uri')
    assert.ok(error.error_description)
  })

  test('ensureRegistered reuses live credentials and re-registers when the server forgot them', async () => {
    const store = new MemoryCredentialStore()
    const dcr = new DcrClient({ issuer: peer.issuer, store })
    const first = await dcr.ensureRegistered(METADATA)
    assert.equal((await dcr.ensureRegistered(METADATA)).client_id, first.client_id)

    // Delete behind the store's back: the stored token now earns 401 invalid_token.
    const forgotten = await dcr.credentials()
    await dcr.delete()
    assert.ok(forgotten)
    await store.save(peer.issuer, forgotten)
    const second = await dcr.ensureRegistered(METADATA)
    assert.notEqual(second.client_id, first.client_id)
    assert.equal((await store.load(peer.issuer))?.client_id, second.client_id)
  })
})

describe('discovery against node-oidc-provider mounted under a path', () => {
  let peer: Peer
  before(async () => {
    peer = await startProvider('/oidc')
  })
  after(() => peer.stop())

  test('falls back to the issuer-suffix OpenID Connect form (OIDC Discovery §4.1)', async () => {
    const metadata = await discover(peer.issuer)
    assert.equal(metadata.issuer, peer.issuer)
    assert.equal(metadata.registration_endpoint, `${peer.issuer}/reg`)
  })

  test('refuses metadata naming another issuer (RFC 8414 §3.3)', async () => {
    const error = await discover(`${peer.issuer}/`).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(error instanceof DcrError)
    assert.equal(error.error, 'invalid_issuer')
  })
})
