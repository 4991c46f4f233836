// Whether dist/ was built from the sources as they are now, so that `npm start` rebuilds
// only when something changed. The stamp is a SHA-256 over the build's inputs (every path
// and its content: a content hash, so a checkout or copy that moves mtimes does not fool
// it). `begin` records the hash of the inputs as the build starts, `end` turns it into the
// stamp once the build has succeeded: a failed build leaves no stamp, and an edit made
// during a build leaves a stamp that no longer matches. Paths are relative to the current
// folder, the package root under npm, as in the other scripts.
//
//   node scripts/build-stamp.mjs begin|end|state
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** What `npm run build` reads: the sources (tests aside), the manifests and the build scripts. */
const INPUT_FOLDERS = ['src', 'scripts']
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
const OUTPUT = 'dist/registrar.mjs'
const STAMP = 'dist/build-inputs.sha256'
const PENDING = 'dist/build-inputs.pending'

/** The hash of the build's inputs as they are now. */
function hashInputs() {
  const hash = createHash('sha256')
  const files = [...INPUT_FOLDERS.flatMap(listFiles), ...INPUT_FILES.filter(existsSync)].sort()
  for (const file of files) {
    const content = readFileSync(file)
    hash.update(`${file}\0${content.length}\0`).update(content)
  }
  return hash.digest('hex')
}

function listFiles(folder) {
  if (!existsSync(folder)) return []
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
}

/** `current` when dist/ holds a build of the inputs as they are now, else `stale`. */
export function buildState() {
  if (!existsSync(OUTPUT) || !existsSync(STAMP)) return 'stale'
  return readFileSync(STAMP, 'utf8').trim() === hashInputs() ? 'current' : 'stale'
}

/**
 * Runs `npm run build` with `args` in this process's folder; its exit code. npm_execpath is
 * the npm running the calling script; a plain `node scripts/...` finds one on the PATH.
 */
export function runBuild(args = []) {
  const npm = process.env.npm_execpath
  const [command, npmArgs] = npm ? [process.execPath, [npm]] : ['npm', []]
  return spawnSync(command, [...npmArgs, 'run', 'build', ...args], { stdio: 'inherit' }).status ?? 1
}

function begin() {
  rmSync(STAMP, { force: true })
  mkdirSync('dist', { recursive: true })
  writeFileSync(PENDING, `${hashInputs()}\n`)
}

function end() {
  renameSync(PENDING, STAMP)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const command = process.argv[2]
  if (command === 'begin') begin()
  else if (command === 'end') end()
  else if (command === 'state') process.stdout.write(`${buildState()}\n`)
  else {
    process.stderr.write('usage: node scripts/build-stamp.mjs begin|end|state\n')
    process.exit(2)
  }
}
