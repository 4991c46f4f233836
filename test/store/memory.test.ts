/** The Store contract on the in-memory store (engine/memory-store.ts). */
import { MemoryStore } from '../../src/engine/index.js'
import { describeStoreContract } from './store-contract.js'

describeStoreContract(
  'in memory',
  async () => ({ open: async () => new MemoryStore(), destroy: async () => {} }),
  { database: false },
)
