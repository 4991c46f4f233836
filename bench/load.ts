/**
 * Runs one load against a started server from a separate process (load-worker.ts), so
 * the load generator's CPU is never billed to the server, and returns its LoadResult.
 */
import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LoadResult, LoadSpec } from './load-worker.js'

export type { LoadResult, LoadSpec }

/** `workerScript` is the transpiled load-worker.js; `scratch` a folder for the spec file. */
export function runLoad(
  workerScript: string,
  scratch: string,
  spec: LoadSpec,
): Promise<LoadResult> {
  const specFile = join(scratch, `load-${process.pid}-${Date.now()}.json`)
  writeFileSync(specFile, JSON.stringify(spec))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerScript, specFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('exit', (code) => {
      rmSync(specFile, { force: true })
      if (code !== 0) return reject(new Error(`load worker exited with ${code}`))
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult)
      } catch (error) {
        reject(new Error(`load worker printed no result: ${String(error)}`))
      }
    })
  })
}
