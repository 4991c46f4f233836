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
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

export interface GroupCommitOptions<T, R> {
  /** Runs the items in one transaction; one outcome per item, in order. */
  commit(items: T[]): Promise<Outcome<R>[]>
  /** @default 256 */
  maxBatchSize?: number
  /** Transactions in flight at once: 1 for SQLite's single writer. @default 1 */
  maxConcurrentBatches?: number
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
      const batch = this.#queue.splice(0, size)
      this.#inFlight++
      void this.#run(batch).finally(() => {
        this.#inFlight--
        if (this.#queue.length > 0) this.#flush()
        else if (this.#inFlight === 0) this.#wakeIdleWaiters()
      })
    }
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
    const outcomes = await this.#commit(items)
    if (outcomes.length !== items.length) throw new Error('one outcome per item expected')
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
