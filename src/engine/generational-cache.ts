/**
 * A map bounded to `capacity` entries that keeps the recently used ones: two generations,
 * each of at most half the capacity. New and recently read entries live in the young one;
 * when it is full it becomes the old one and the old one is dropped whole, so an entry
 * survives as long as it is used at least once a generation. Reads and writes of a key
 * already young change it in place.
 *
 * Why not a least-recently-used map (move to the end on every read): a V8 Map keeps a deleted entry in its
 * hash chain until the table is rebuilt, so one hot key deleted and set again on every
 * call lengthens its own chain by one each time; with 10,000 other keys present a bucket
 * check took 35 µs instead of 1 µs (bench/rate-limits.ts).
 */
export class GenerationalCache<K, V> {
  #young = new Map<K, V>()
  #old = new Map<K, V>()
  readonly #generationSize: number

  /** @param capacity entries kept at most; at least 2 */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 2) {
      throw new RangeError(`a generational cache holds at least two entries, not ${capacity}`)
    }
    this.#generationSize = Math.floor(capacity / 2)
  }

  get size(): number {
    return this.#young.size + this.#old.size
  }

  /** The value for `key`, which becomes young; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.#young.get(key)
    if (value !== undefined || this.#young.has(key)) return value
    if (!this.#old.has(key)) return undefined
    const old = this.#old.get(key) as V
    this.#old.delete(key)
    this.#addYoung(key, old)
    return old
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value)
    else {
      this.#old.delete(key)
      this.#addYoung(key, value)
    }
  }

  delete(key: K): void {
    this.#young.delete(key)
    this.#old.delete(key)
  }

  #addYoung(key: K, value: V): void {
    if (this.#young.size >= this.#generationSize) {
      this.#old = this.#young
      this.#young = new Map()
    }
    this.#young.set(key, value)
  }
}
