/**
 * The size scenario: does a request cost the same with 1,000 clients stored as with a
 * million? For each size, a fresh SQLite file gets a service and one client through
 * Registrar's API, then the rest straight through SQL (seed.ts); then Registrar starts on
 * it (its cold start on that file is measured too) for a read run over clients drawn from
 * the whole table, and again for a register run.
 */
import { removeSqlite } from './contenders.js'
import type { LoadResult, LoadSpec } from './load-worker.js'
import { peakRssBytes } from './measure.js'
import { startRegistrar } from './registrar.js'
import { readTargetOf, registrationBody, type ReadTarget } from './scenarios.js'
import { seedClients } from './seed.js'
import { join } from 'node:path'

/** Clients drawn at random from the table as read targets. */
const READ_SAMPLE = 5000

export interface SizeOptions {
  sizes: number[]
  scratch: string
  profileDir?: string
  load(
    spec: Pick<LoadSpec, 'url' | 'scenario' | 'registerPath' | 'readTargets' | 'serverPid'>,
  ): Promise<LoadResult>
  onProgress(message: string): void
}

export interface SizeRun {
  scenario: 'read' | 'register'
  storedClients: number
  result: LoadResult
  peakRssBytes: number
  coldStartMs: number
  pid: number
  spawnedAt: number
}

export async function runSizeScenario(
  options: SizeOptions,
): Promise<{ runs: SizeRun[]; notes: string[] }> {
  const runs: SizeRun[] = []
  const notes: string[] = []
  for (const storedClients of options.sizes) {
    const database = join(options.scratch, `size-${storedClients}.db`)
    removeSqlite(database)
    try {
      const { apiKey, templateClientId } = await bootstrap(database)
      const started = performance.now()
      const readTargets = seedClients({
        path: database,
        apiKey,
        templateClientId,
        count: storedClients - 1,
        sample: READ_SAMPLE,
      })
      const seconds = (performance.now() - started) / 1000
      notes.push(
        `size: loaded ${storedClients.toLocaleString('en')} clients into SQLite in ${seconds.toFixed(1)} s`,
      )
      options.onProgress(notes.at(-1)!)
      for (const scenario of ['read', 'register'] as const) {
        const server = await startRegistrar({ database, apiKey, profileDir: options.profileDir })
        try {
          const result = await options.load({
            url: server.url,
            scenario,
            registerPath: server.registerPath,
            readTargets,
            serverPid: server.pid,
          })
          runs.push({
            scenario,
            storedClients,
            result,
            peakRssBytes: peakRssBytes(server.pid),
            coldStartMs: server.coldStartMs,
            pid: server.pid,
            spawnedAt: server.spawnedAt,
          })
        } finally {
          await server.stop()
        }
      }
    } finally {
      removeSqlite(database)
    }
  }
  return { runs, notes }
}

/** A service and one client, through Registrar itself: the template every seeded row copies. */
async function bootstrap(database: string): Promise<{ apiKey: number; templateClientId: number }> {
  const server = await startRegistrar({ database })
  try {
    const [target] = await preRegister(server.url, server.registerPath, 1)
    return { apiKey: server.apiKey, templateClientId: Number(target.path.split('/').pop()) }
  } finally {
    await server.stop()
  }
}

/** Registers `count` clients over HTTP, a few at a time, and returns how to read each. */
export async function preRegister(
  url: string,
  registerPath: string,
  count: number,
): Promise<ReadTarget[]> {
  const targets: ReadTarget[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const n = next++
      const response = await fetch(`${url}${registerPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: registrationBody('setup', n),
      })
      const answer = (await response.json()) as Record<string, unknown>
      if (response.status !== 201) {
        throw new Error(`registration answered ${response.status}: ${JSON.stringify(answer)}`)
      }
      targets.push(readTargetOf(answer, registerPath))
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return targets
}
