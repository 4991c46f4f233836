/**
 * node-oidc-provider (panva) with dynamic registration on and everything else at its
 * defaults: POST /reg registers (OIDC DCR §3), GET /reg/:id reads with the registration
 * access token (OIDC DCR §4, as RFC 7592 §2.1). Signing keys come from BENCH_JWKS, as a
 * deployment loads them from configuration, so key generation is not part of cold start.
 *
 * Storage is a plain Map: the bundled memory adapter is an LRU of 1,000 entries, which
 * would evict the clients the read scenario reads.
 */
import { createServer, type RequestListener } from 'node:http'
import { listen } from './listen.js'
import { importUntyped } from './untyped.js'

interface Provider {
  callback(): RequestListener
}
type ProviderClass = new (issuer: string, configuration: object) => Provider

const { default: Provider } = await importUntyped<{ default: ProviderClass }>('oidc-provider')

const models = new Map<string, Map<string, Record<string, unknown>>>()

/** The adapter interface node-oidc-provider asks of a store, over Maps, without expiry. */
class MapAdapter {
  readonly #entries: Map<string, Record<string, unknown>>

  constructor(model: string) {
    if (!models.has(model)) models.set(model, new Map())
    this.#entries = models.get(model)!
  }

  async upsert(id: string, payload: Record<string, unknown>): Promise<void> {
    this.#entries.set(id, payload)
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    return this.#entries.get(id)
  }

  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    return [...this.#entries.values()].find((payload) => payload['uid'] === uid)
  }

  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    return [...this.#entries.values()].find((payload) => payload['userCode'] === userCode)
  }

  async consume(id: string): Promise<void> {
    const payload = this.#entries.get(id)
    if (payload) payload['consumed'] = Math.floor(Date.now() / 1000)
  }

  async destroy(id: string): Promise<void> {
    this.#entries.delete(id)
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, payload] of this.#entries)
      if (payload['grantId'] === grantId) this.#entries.delete(id)
  }
}

const server = createServer()
await listen(server, (issuer) => {
  const provider = new Provider(issuer, {
    adapter: MapAdapter,
    jwks: JSON.parse(process.env['BENCH_JWKS'] ?? '{}'),
    cookies: { keys: ['bench-cookie-signing-key'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    features: { registration: { enabled: true }, devInteractions: { enabled: false } },
  })
  server.on('request', provider.callback())
})
