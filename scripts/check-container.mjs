// Lints the Dockerfile and compose.yaml against the checkout, since no image can be built
// here: the stages and the paths they copy exist, the build stage has every build input,
// the image runs `registrar serve` as a non-root user on HOST=0.0.0.0 with the SQLite folder
// as a volume and a health check on /health, and the compose file gives the server only
// settings it reads, its ports and PostgreSQL's. Prints each problem; exits 1 if any.
//
//   node scripts/check-container.mjs [--dockerfile PATH] [--compose PATH] [--dockerignore PATH]
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { checkCompose } from './container/check-compose.mjs'
import { checkDockerfile } from './container/check-dockerfile.mjs'
import { ignorePatterns } from './container/dockerfile.mjs'

/** The environment variables the server and the CLI read (src, tests aside). */
export function settingsRead(root) {
  const names = new Set()
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'),
  )
  for (const entry of files) {
    const text = readFileSync(join(entry.parentPath ?? entry.path, entry.name), 'utf8')
    for (const match of text.matchAll(/\benv(?:\.|\[['"]|\(['"])([A-Z][A-Z0-9_]+)/g)) {
      names.add(match[1])
    }
  }
  return names
}

/** Every problem found; empty when both files are sound. */
export function checkContainer(root, { dockerfile, compose, dockerignore } = {}) {
  const problems = []
  const dockerfilePath = dockerfile ?? join(root, 'Dockerfile')
  const composePath = compose ?? join(root, 'compose.yaml')
  const ignorePath = dockerignore ?? join(root, '.dockerignore')
  for (const path of [dockerfilePath, composePath, ignorePath]) {
    if (!existsSync(path)) problems.push(`${path}: missing`)
  }
  if (problems.length > 0) return problems
  const settings = settingsRead(root)
  const image = checkDockerfile(
    root,
    readFileSync(dockerfilePath, 'utf8'),
    ignorePatterns(readFileSync(ignorePath, 'utf8')),
    settings,
    problems,
  )
  if (image) checkCompose(readFileSync(composePath, 'utf8'), image, settings, problems)
  return problems
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      dockerfile: { type: 'string' },
      compose: { type: 'string' },
      dockerignore: { type: 'string' },
    },
  })
  const root = join(dirname(import.meta.filename), '..')
  const problems = checkContainer(root, values)
  for (const problem of problems) process.stderr.write(`${problem}\n`)
  if (problems.length > 0) process.exit(1)
  process.stdout.write('Dockerfile and compose.yaml: no problem found\n')
}
