import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupCommit, type Outcome } from './group-commit.js'

/** A commit that records its batches and fails the items the test marks as refused. */
function recorder(options: { failWholeBatchOn?: number; delayMs?: number } = {}) {
  const batches: number[][] = []
  const commit = async (items: number[]): Promise<Outcome<number>[]> => {
    batches.push(items)
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1))
    if (items.length > 1 && items.includes(options.failWholeBatchOn ?? NaN))
      throw new Error('rolled back')
    return items.map((item) =>
      item === options.failWholeBatchOn || item < 0
        ? { ok: false, error: new Error(`refused ${item}`) }
        : { ok: true, value: item * 10 },
    )
  }
  return { batches, commit }
}

test('items submitted in one tick share one transaction and settle after it', async () => {
  const { batches, commit } = recorder()
  const group = new GroupCommit({ commit })
  const values = await Promise.all([1, 2, 3].map((item) => group.submit(item)))
  assert.deepEqual(values, [10, 20, 30])
  assert.deepEqual(batches, [[1, 2, 3]])
  assert.equal(group.transactions, 1)
})

test('items arriving while a commit is in flight form the next batch', async () => {
  const { batches, commit } = recorder({ delayMs: 20 })
  const group = new GroupCommit({ commit })
  const first = group.submit(1)
  await new Promise((resolve) => setTimeout(resolve, 5))
  const later = [2, 3, 4].map((item) => group.submit(item))
  await Promise.all([first, ...later])
  assert.deepEqual(batches, [[1], [2, 3, 4]])
})

test('waiting items are shared out over the free slots', async () => {
  const { batches, commit } = recorder()
  const group = new GroupCommit({ commit, maxConcurrentBatches: 2 })
  await Promise.all([1, 2, 3, 4, 5].map((item) => group.submit(item)))
  assert.deepEqual(batches, [
    [1, 2, 3],
    [4, 5],
  ])
})

test('no transaction takes more than maxBatchSize items', async () => {
  const { batches, commit } = recorder()
  const group = new GroupCommit({ commit, maxBatchSize: 2 })
  await Promise.all([1, 2, 3, 4, 5].map((item) => group.submit(item)))
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]])
})

test('a refused item rejects alone; the rest of its batch commits', async () => {
  const { batches, commit } = recorder()
  const group = new GroupCommit({ commit })
  const results = await Promise.allSettled([1, -2, 3].map((item) => group.submit(item)))
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  )
  assert.equal(batches.length, 1)
})

test('a batch that fails as a whole is retried item by item, so only the culprit fails', async () => {
  const { batches, commit } = recorder({ failWholeBatchOn: 2 })
  const group = new GroupCommit({ commit })
  const results = await Promise.allSettled([1, 2, 3].map((item) => group.submit(item)))
  assert.deepEqual(
    results.map((result) => result.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  )
  assert.deepEqual(batches, [[1, 2, 3], [1], [2], [3]])
})

test('idle() waits for everything submitted', async () => {
  const { commit } = recorder({ delayMs: 10 })
  const group = new GroupCommit({ commit })
  let settled = 0
  for (const item of [1, 2]) void group.submit(item).then(() => settled++)
  await group.idle()
  await Promise.resolve()
  assert.equal(settled, 2)
})

test(
  'items of one key share a transaction, and wait while their key has one in flight',
  { timeout: 5_000 },
  async () => {
    const batches: number[][] = []
    // Key 1's first transaction stays open until the test lets it end; the others are quick.
    let endKeyOne!: () => void
    const keyOneEnds = new Promise<void>((resolve) => (endKeyOne = resolve))
    const commit = async (items: number[]): Promise<Outcome<number>[]> => {
      batches.push(items)
      await (items.includes(1) ? keyOneEnds : new Promise((resolve) => setTimeout(resolve, 5)))
      return items.map((item) => ({ ok: true, value: item }))
    }
    const group = new GroupCommit({ commit, maxConcurrentBatches: 2, key: (item) => item % 10 })
    const first = [1, 11, 2, 21, 12, 31, 3].map((item) => group.submit(item))
    await first[6] // 3's transaction has ended: its slot is free, key 1's still open.
    const later = [41, 4, 5].map((item) => group.submit(item))
    await later[1] // 4 and 5 took the free slot while 41 waits for key 1.
    endKeyOne()
    await Promise.all([...first, ...later])
    assert.deepEqual(batches, [
      // Shared over two slots, each key whole: keys 1 and 2 in the first, 3 in the second.
      [1, 11, 2, 21, 12, 31],
      [3],
      // 41 waits for key 1's transaction; 4 and 5 take the free slot.
      [4, 5],
      [41],
    ])
  },
)

test('onBatch hears of each committed transaction: its size and its duration', async () => {
  const { commit } = recorder({ delayMs: 10 })
  const heard: [number, number][] = []
  const group = new GroupCommit({
    commit,
    maxBatchSize: 2,
    onBatch: (size, seconds) => heard.push([size, seconds]),
  })
  await Promise.all([1, 2, 3].map((item) => group.submit(item)))
  assert.deepEqual(
    heard.map(([size]) => size),
    [2, 1],
  )
  for (const [, seconds] of heard) assert.ok(seconds >= 0.005 && seconds < 5, `${seconds} s`)
})
