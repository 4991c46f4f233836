/**
 * A map that holds at most `capacity` entries and drops the least recently used one to
 * make room. A Map iterates in insertion order, so taking an entry out and putting it back
 * on every read keeps the oldest first.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>()
  readonly #capacity: number

  /** @param capacity entries kept at most; at least 1 */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`an LRU cache holds at least one entry, not ${capacity}`)
    }
    this.#capacity = capacity
  }

  get size(): number {
    return this.#entries.size
  }

  /** The value for `key`, which becomes the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined
    const value = this.#entries.get(key)!
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  set(key: K, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    if (this.#entries.size > this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value as K)
    }
  }

  delete(key: K): void {
    this.#entries.delete(key)
  }
}
