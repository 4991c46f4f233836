import type { ClientRegistrationResponse } from './types.js'

/**
 * Where a client keeps what registration issued it, one entry per authorization server,
 * keyed by its issuer identifier (as the MCP authorization spec asks, a client holds
 * separate credentials for each server).
 * @see RFC 7591 §3.2.1; RFC 7592 §3
 */
export interface CredentialStore {
  /** The stored credentials for the issuer, or undefined. */
  load(issuer: string): Promise<ClientRegistrationResponse | undefined>
  /** Stores, replacing what was stored for the issuer. */
  save(issuer: string, credentials: ClientRegistrationResponse): Promise<void>
  /** Forgets the issuer's credentials; a no-op when there are none. */
  remove(issuer: string): Promise<void>
  /**
   * Runs `work` while no other exclusive work runs on the same credentials, in this
   * process or, for a store that lives outside it, in another. DcrClient runs
   * ensureRegistered() in it, so that two processes starting at once register one client,
   * not one each. A store without it gives no such guarantee.
   */
  exclusive?<T>(issuer: string, work: () => Promise<T>): Promise<T>
}

/**
 * A CredentialStore in memory, for tests and short-lived processes. Entries are copied
 * in and out, so callers cannot change what is stored by mutating.
 * @see RFC 7591 §3.2.1
 */
export class MemoryCredentialStore implements CredentialStore {
  readonly #entries = new Map<string, ClientRegistrationResponse>()
  #exclusive: Promise<unknown> = Promise.resolve()

  async load(issuer: string): Promise<ClientRegistrationResponse | undefined> {
    const entry = this.#entries.get(issuer)
    return entry && structuredClone(entry)
  }

  async save(issuer: string, credentials: ClientRegistrationResponse): Promise<void> {
    this.#entries.set(issuer, structuredClone(credentials))
  }

  async remove(issuer: string): Promise<void> {
    this.#entries.delete(issuer)
  }

  /** One piece of exclusive work at a time, in the order asked. */
  exclusive<T>(_issuer: string, work: () => Promise<T>): Promise<T> {
    const next = this.#exclusive.then(work)
    this.#exclusive = next.catch(() => undefined)
    return next
  }
}
