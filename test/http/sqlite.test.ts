/** The HTTP suite on SQLite (a file in a fresh temporary folder). */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeHttpSuite } from './suites/index.js'

describeHttpSuite({
  name: 'SQLite',
  async create() {
    const folder = await mkdtemp(join(tmpdir(), 'registrar-http-'))
    return {
      url: join(folder, 'registrar.db'),
      drop: () => rm(folder, { recursive: true, force: true }),
    }
  },
})
