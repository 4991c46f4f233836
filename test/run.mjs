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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
)
process.exit(result.status ?? 1)
