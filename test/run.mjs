// Runs every *.test.ts under src/ and test/ (or under the folders given) with node's test
// runner; tsx compiles TypeScript on the fly. Node 20's --test takes no globs, hence this file.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function findTests(dir) {
  if (statSync(dir).isFile()) return [dir]
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const roots = process.argv.slice(2)
const files = (roots.length > 0 ? roots : ['src', 'test']).flatMap(findTests).sort()
// The soak test times what the server does under load (slow bodies cut off by the request
// timeout): it runs alone, after the rest, so another test file cannot take its CPU.
const isAlone = (file) => file.endsWith('soak.test.ts')
const runs = [
  { files: files.filter((file) => !isAlone(file)), concurrency: 2 },
  { files: files.filter(isAlone), concurrency: 1 },
].filter((run) => run.files.length > 0)
let status = 0
for (const run of runs) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${run.concurrency}`, ...run.files],
    { stdio: 'inherit' },
  )
  status ||= result.status ?? 1
}
process.exit(status)
