/**
 * A map of at most `maxEntries` values, each forgotten `ttlMilliseconds` after it was
 * stored. When full, the entry stored longest ago goes first (a Map keeps insertion
 * order), so a burst of lookups of unknown ids cannot grow it without bound.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>()
  readonly #maxEntries: number
  readonly #ttlMilliseconds: number
  readonly #now: () => number

  constructor(options: { maxEntries: number; ttlMilliseconds: number; now: () => number }) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, not ${options.maxEntries}`)
    }
    if (!Number.isFinite(options.ttlMilliseconds) || options.ttlMilliseconds < 0) {
      throw new RangeError(`ttlMilliseconds must be 0 or more, not ${options.ttlMilliseconds}`)
    }
    this.#maxEntries = options.maxEntries
    this.#ttlMilliseconds = options.ttlMilliseconds
    this.#now = options.now
  }

  get size(): number {
    return this.#entries.size
  }

  /** The value stored for `key` less than the TTL ago; undefined otherwise. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.#now()) return entry.value
    this.#entries.delete(key)
    return undefined
  }

  /** Stores `value`, unless the TTL is 0 (nothing is cached then). */
  set(key: string, value: V): void {
    if (this.#ttlMilliseconds === 0) return
    this.#entries.delete(key)
    while (this.#entries.size >= this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMilliseconds })
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }
}
