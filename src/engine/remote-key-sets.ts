/**
 * The JWK Sets clients publish at their jwks_uri (RFC 7591 §2), fetched through safeFetch
 * and cached by jose: keys are kept for ten minutes, and a key id not in the cached set
 * fetches again at most every 30 seconds, so a client that rotates its keys is followed
 * and one that sends unknown key ids cannot make Registrar fetch on every request.
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import { GenerationalCache } from './generational-cache.js'
import { safeFetch } from './safe-fetch.js'

/** Sets held at most; those unused longest go first (generational-cache.ts). */
const MAX_SETS = 1000

export class RemoteKeySets {
  readonly #sets = new GenerationalCache<string, JWTVerifyGetKey>(MAX_SETS)
  readonly #allowPrivate: boolean

  constructor(options: { allowPrivate?: boolean } = {}) {
    this.#allowPrivate = options.allowPrivate ?? false
  }

  /** The key resolver of the set at `url`, for jwtVerify. */
  at(url: string): JWTVerifyGetKey {
    let set = this.#sets.get(url)
    if (!set) {
      set = createRemoteJWKSet(new URL(url), {
        [customFetch]: (target, init) =>
          safeFetch(target, { ...init, allowPrivate: this.#allowPrivate }),
      })
      this.#sets.set(url, set)
    }
    return set
  }
}
