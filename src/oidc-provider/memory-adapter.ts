/**
 * An in-memory store for node-oidc-provider's models other than Client (Session,
 * AccessToken, AuthorizationCode, Grant, Interaction, ...), for development and tests:
 * everything is lost on restart and nothing is shared between processes. node-oidc-provider's
 * own MemoryAdapter is not exported by the package, hence this one.
 *
 * One storage is shared by every model of a factory, keyed `Model:id`, because two lookups
 * cross models: a grant's tokens of every kind are revoked together, and a Session is
 * also found by its uid.
 */
import type { AdapterFactory, AdapterPayload, OidcAdapter } from './types.js'

interface Entry {
  payload: AdapterPayload
  /** Milliseconds since the epoch; Infinity when the model gave no lifetime. */
  expiresAt: number
}

interface Storage {
  entries: Map<string, Entry>
  /** grantId -> keys of the entries issued under it. */
  grants: Map<string, Set<string>>
  now: () => number
  /** The entry count at which expired entries are next swept out. */
  sweepAt: number
}

/** The first sweep; each later one waits until the count has doubled, so sweeping stays O(1) amortised. */
const FIRST_SWEEP_AT = 1000

/** Drops the expired entries, which no read may have touched, and the grants left empty. */
function sweep(storage: Storage): void {
  const now = storage.now()
  for (const [key, entry] of storage.entries) {
    if (entry.expiresAt <= now) storage.entries.delete(key)
  }
  for (const [grantId, keys] of storage.grants) {
    for (const key of keys) if (!storage.entries.has(key)) keys.delete(key)
    if (keys.size === 0) storage.grants.delete(grantId)
  }
  storage.sweepAt = Math.max(FIRST_SWEEP_AT, storage.entries.size * 2)
}

class MemoryModelAdapter implements OidcAdapter {
  readonly #model: string
  readonly #storage: Storage

  constructor(model: string, storage: Storage) {
    this.#model = model
    this.#storage = storage
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt =
      typeof expiresIn === 'number' ? this.#storage.now() + expiresIn * 1000 : Infinity
    if (this.#storage.entries.size >= this.#storage.sweepAt) sweep(this.#storage)
    this.#storage.entries.set(this.#key(id), { payload, expiresAt })
    if (typeof payload.grantId === 'string') {
      const keys = this.#storage.grants.get(payload.grantId) ?? new Set<string>()
      this.#storage.grants.set(payload.grantId, keys.add(this.#key(id)))
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#live(this.#key(id))
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('uid', uid)
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('userCode', userCode)
  }

  async consume(id: string): Promise<void> {
    const payload = this.#live(this.#key(id))
    if (payload) payload.consumed = Math.floor(this.#storage.now() / 1000)
  }

  async destroy(id: string): Promise<void> {
    this.#storage.entries.delete(this.#key(id))
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.#storage.grants.get(grantId) ?? []) this.#storage.entries.delete(key)
    this.#storage.grants.delete(grantId)
  }

  #key(id: string): string {
    return `${this.#model}:${id}`
  }

  #live(key: string): AdapterPayload | undefined {
    const entry = this.#storage.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.#storage.now()) return entry.payload
    this.#storage.entries.delete(key)
    return undefined
  }

  /** A linear scan of this model's entries: a development store holds few. */
  #findBy(member: string, value: string): AdapterPayload | undefined {
    const prefix = `${this.#model}:`
    for (const key of this.#storage.entries.keys()) {
      if (!key.startsWith(prefix)) continue
      const payload = this.#live(key)
      if (payload?.[member] === value) return payload
    }
    return undefined
  }
}

/**
 * A factory for node-oidc-provider's `adapter` option keeping every model in this
 * process's memory; each call makes a fresh, empty storage. Development and tests only.
 * @param now the clock, in milliseconds since the epoch. @default Date.now
 */
export function memoryAdapter(now: () => number = Date.now): AdapterFactory {
  const storage: Storage = { entries: new Map(), grants: new Map(), now, sweepAt: FIRST_SWEEP_AT }
  return (model) => new MemoryModelAdapter(model, storage)
}
