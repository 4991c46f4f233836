/**
 * Services with a registration policy, written straight into a database before a server
 * opens it (the engine over the real store, as the server itself would).
 */
import { createEngine } from '../../src/engine/index.js'
import { openStore } from '../../src/store/index.js'
import { testStoreOptions } from './postgres.js'
import type { Policy } from '../../src/wire/index.js'

/** Creates one service per policy; answers their ids (apiKey) as strings, in order. */
export async function seedServices(database: string, policies: Policy[]): Promise<string[]> {
  const store = await openStore(database, testStoreOptions(database))
  try {
    const engine = createEngine({ store, baseUrl: 'http://seed.invalid' })
    const ids: string[] = []
    for (const policy of policies) {
      const service = await engine.createService({ serviceName: 'rate limited' })
      await engine.replacePolicy(service.apiKey, policy)
      ids.push(String(service.apiKey))
    }
    return ids
  } finally {
    await store.close()
  }
}
