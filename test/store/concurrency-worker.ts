/**
 * A second Registrar node for postgres.test.ts: registers `count` clients of one service
 * with ids drawn from a small range, so nodes collide on ids and must draw again, as the
 * engine does on DuplicateClientIdError. Prints how many it stored and how often it
 * collided. Usage: node --import tsx concurrency-worker.ts URL SERVICE_API_KEY COUNT RANGE
 */
import { randomInt } from 'node:crypto'
import { DuplicateClientIdError } from '../../src/engine/index.js'
import { openStore } from '../../src/store/index.js'
import { testStoreOptions } from '../support/postgres.js'
import { newClient } from './records.js'

const [url, serviceApiKey, count, range] = process.argv.slice(2)

const store = await openStore(url!, testStoreOptions(url!))
let collisions = 0

async function registerOne(): Promise<void> {
  for (;;) {
    const record = newClient(Number(serviceApiKey), { clientId: randomInt(1, Number(range)) })
    try {
      await store.insertClient(record)
      return
    } catch (error) {
      if (!(error instanceof DuplicateClientIdError)) throw error
      collisions++
    }
  }
}

await Promise.all(Array.from({ length: Number(count) }, registerOne))
await store.close()
console.log(JSON.stringify({ stored: Number(count), collisions }))
