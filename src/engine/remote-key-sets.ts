/**
 * The JWK Sets clients publish at their jwks_uri (RFC 7591 §2), fetched through safeFetch
 * and cached by jose: keys are kept for ten minutes, and a key id not in the cached set
 * fetches again at most every 30 seconds, so a client that rotates its keys is followed
 * and one that sends unknown key ids cannot make Registrar fetch on every request.
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import { safeFetch } from './safe-fetch.js'

/** Sets held at most; the least recently added goes first. */
const MAX_SETS = 1000

export class RemoteKeySets {
  readonly #sets = new Map<string, JWTVerifyGetKey>()
  readonly #allowPrivate: boolean

  constructor(options: { allowPrivate?: boolean } = {}) {
    this.#allowPrivate = options.allowPrivate ?? false
  }

  /** The key resolver of the set at `url`, for jwtVerify. */
  at(url: string): JWTVerifyGetKey {
    let set = this.#sets.get(url)
    if (!set) {
      if (this.#sets.size >= MAX_SETS) this.#sets.delete(this.#sets.keys().next().value!)
      set = createRemoteJWKSet(new URL(url), {
        [customFetch]: (target, init) =>
          safeFetch(target, { ...init, allowPrivate: this.#allowPrivate }),
      })
      this.#sets.set(url, set)
    }
    return set
  }
}
