/** The Store contract on SQLite: registrations committed on the main connection, and by the worker thread. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { KyselyStore, openStore } from '../../src/store/index.js'
import { migrate } from '../../src/store/migrations.js'
import { openSqlite } from '../../src/store/sqlite/index.js'
import { describeStoreContract } from './store-contract.js'

const folder = mkdtempSync(join(tmpdir(), 'registrar-store-'))
after(() => rmSync(folder, { recursive: true, force: true }))

describeStoreContract('SQLite', async () => {
  const path = join(folder, 'contract.db')
  return {
    open: () => openStore(path),
    destroy: async () => rmSync(path, { force: true }),
  }
})

// The worker thread starts 200 ms after open, so the run above commits mostly on the main
// connection; this one waits for the worker, so every registration batch commits there.
describeStoreContract('SQLite, registrations committed by the worker thread', async () => {
  const path = join(folder, 'contract-worker.db')
  return {
    open: async () => {
      const { db, worker } = openSqlite(path, { checkpoint: { intervalMilliseconds: 10 } })
      await migrate(db, 'sqlite')
      let running = worker!.run({ size: 0, steps: [] })
      while (!running) {
        await sleep(5)
        running = worker!.run({ size: 0, steps: [] })
      }
      await running
      return new KyselyStore(db, { flavor: 'sqlite', worker })
    },
    destroy: async () => rmSync(path, { force: true }),
  }
})
