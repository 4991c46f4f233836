/**
 * Group commit: writes that arrive together share one transaction, so one disk flush
 * acknowledges many of them. A write waits for the next turn of the event loop, or for
 * a free commit slot while every slot is busy; then what waits is shared out over the
 * free slots, at most maxBatchSize per transaction. Each caller's promise settles only
 * after its batch has committed.
 *
 * An item is built and checked before it is submitted (kysely-store.ts, storable.ts), so
 * a value no column can hold fails its own caller and never joins a batch. One item's
 * expected failure (a taken id, a spent token) is an outcome of the batch, not a failure
 * of it. When the transaction fails as a whole (an unexpected error), it
 * has rolled back, and each of its items is retried in a transaction of its own, so
 * only the item at fault fails.
 *
 * Items may carry a key (a registration: its service) whose transaction holds a lock until
 * it commits (insert-plan.ts). Two transactions of one key would only wait for each other,
 * so a key's items go to one transaction at a time, and a batch takes every waiting item
 * of each key it takes: one service's burst is one transaction, not several in a queue.
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

export interface GroupCommitOptions<T, R> {
  /** Runs the items in one transaction; one outcome per item, in order. */
  commit(items: T[]): Promise<Outcome<R>[]>
  /** @default 256 */
  maxBatchSize?: number
  /** Transactions in flight at once: 1 for SQLite's single writer. @default 1 */
  maxConcurrentBatches?: number
  /** The key whose items share no transaction with another in flight. @default none */
  key?: (item: T) => unknown
  /** Told of each transaction that commits: its items and how long it took, seconds. */
  onBatch?: (size: number, seconds: number) => void
}

interface Pending<T, R> {
  item: T
  resolve(value: R): void
  reject(error: unknown): void
}

export class GroupCommit<T, R> {
  readonly #commit: (items: T[]) => Promise<Outcome<R>[]>
  readonly #maxBatchSize: number
  readonly #maxConcurrentBatches: number
  readonly #key: ((item: T) => unknown) | undefined
  readonly #onBatch: ((size: number, seconds: number) => void) | undefined
  /** The keys of the batches in flight. */
  readonly #busyKeys = new Set<unknown>()
  #queue: Pending<T, R>[] = []
  #inFlight = 0
  #scheduled = false
  #idleWaiters: (() => void)[] = []
  /** Transactions begun so far, retries included. */
  transactions = 0
  /** Items submitted so far. */
  submitted = 0

  constructor(options: GroupCommitOptions<T, R>) {
    this.#commit = options.commit
    this.#maxBatchSize = options.maxBatchSize ?? 256
    this.#maxConcurrentBatches = options.maxConcurrentBatches ?? 1
    this.#key = options.key
    this.#onBatch = options.onBatch
  }

  submit(item: T): Promise<R> {
    this.submitted++
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject })
      this.#schedule()
    })
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxConcurrentBatches) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#flush()
    })
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxConcurrentBatches) {
      // Spread what waits over the free slots: parallel transactions finish sooner.
      const freeSlots = this.#maxConcurrentBatches - this.#inFlight
      const size = Math.min(this.#maxBatchSize, Math.ceil(this.#queue.length / freeSlots))
      const { batch, keys } = this.#takeBatch(size)
      if (batch.length === 0) return
      this.#inFlight++
      void this.#run(batch).finally(() => {
        for (const key of keys) this.#busyKeys.delete(key)
        this.#inFlight--
        if (this.#queue.length > 0) this.#flush()
        else if (this.#inFlight === 0) this.#wakeIdleWaiters()
      })
    }
  }

  /**
   * Takes new keys while the batch is under `size`, and every waiting item of a key it has
   * taken, up to maxBatchSize; items whose key is in flight wait for that batch.
   */
  #takeBatch(size: number): { batch: Pending<T, R>[]; keys: Set<unknown> } {
    if (!this.#key) return { batch: this.#queue.splice(0, size), keys: new Set() }
    const batch: Pending<T, R>[] = []
    const waiting: Pending<T, R>[] = []
    const keys = new Set<unknown>()
    for (const pending of this.#queue) {
      const key = this.#key(pending.item)
      const taken =
        batch.length < this.#maxBatchSize &&
        (keys.has(key) || (batch.length < size && !this.#busyKeys.has(key)))
      if (!taken) waiting.push(pending)
      else {
        batch.push(pending)
        keys.add(key)
      }
    }
    this.#queue = waiting
    for (const key of keys) this.#busyKeys.add(key)
    return { batch, keys }
  }

  async #run(batch: Pending<T, R>[]): Promise<void> {
    try {
      settle(batch, await this.#transaction(batch.map((pending) => pending.item)))
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error)
      for (const pending of batch) await this.#run([pending])
    }
  }

  async #transaction(items: T[]): Promise<Outcome<R>[]> {
    this.transactions++
    const started = performance.now()
    const outcomes = await this.#commit(items)
    if (outcomes.length !== items.length) throw new Error('one outcome per item expected')
    this.#onBatch?.(items.length, (performance.now() - started) / 1000)
    return outcomes
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }
}

function settle<T, R>(batch: Pending<T, R>[], outcomes: Outcome<R>[]): void {
  batch.forEach((pending, index) => {
    const outcome = outcomes[index]
    if (outcome.ok) pending.resolve(outcome.value)
    else pending.reject(outcome.error)
  })
}
