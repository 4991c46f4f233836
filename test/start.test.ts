/**
 * `npm start` (scripts/start.mjs) builds only when dist/ is missing or older than the
 * sources (scripts/build-stamp.mjs), then runs the command in its own process. The
 * stale and current decisions are checked on a miniature package in a temporary folder,
 * whose build is a one-liner, so no test here runs the real build.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const STAMP = join(root, 'scripts', 'build-stamp.mjs')
const START = join(root, 'scripts', 'start.mjs')

/** Runs `node script ...args` in `cwd`; resolves with its exit code and output. */
function run(
  cwd: string,
  script: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const state = async (cwd: string) => (await run(cwd, STAMP, ['state'])).stdout.trim()

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-start-'))
  await mkdir(join(folder, 'src'))
  await writeFile(join(folder, 'src', 'main.ts'), 'export const answer = 1\n')
  await writeFile(join(folder, 'src', 'main.test.ts'), '// a test, not a build input\n')
  // The build writes a command that prints its arguments and exits 3.
  const build = `node -e "require('fs').writeFileSync('dist/registrar.mjs', 'console.log(JSON.stringify(process.argv.slice(2))); process.exitCode = 3')"`
  await writeFile(
    join(folder, 'package.json'),
    JSON.stringify({
      name: 'miniature',
      bin: { registrar: 'dist/registrar.mjs' },
      scripts: { build: `node ${STAMP} begin && ${build} && node ${STAMP} end` },
    }),
  )
})
after(async () => {
  await rm(folder, { recursive: true, force: true })
})

test('the checkout `npm test` has just built is current: `npm start` will not rebuild it', async () => {
  assert.equal(await state(root), 'current', 'run `npm run build` first')
})

test('npm start builds a package that was never built, then runs the command with its arguments and exit code', async () => {
  assert.equal(await state(folder), 'stale')
  const { code, stdout } = await run(folder, START, ['serve', '--port', '0'])
  assert.equal(code, 3)
  assert.match(stdout, /\["serve","--port","0"\]/)
  assert.equal(await state(folder), 'current')
})

test('npm start runs a current build without building', async () => {
  await writeFile(join(folder, 'dist', 'registrar.mjs'), 'console.log("not rebuilt")')
  const { stdout } = await run(folder, START, ['serve'])
  assert.match(stdout, /not rebuilt/)
})

test('a changed source makes the build stale; a changed test does not', async () => {
  await writeFile(join(folder, 'src', 'main.test.ts'), '// edited\n')
  assert.equal(await state(folder), 'current')
  await writeFile(join(folder, 'src', 'main.ts'), 'export const answer = 2\n')
  assert.equal(await state(folder), 'stale')
  await writeFile(join(folder, 'src', 'main.ts'), 'export const answer = 1\n')
  assert.equal(await state(folder), 'current', 'the same content again is current')
})

test('a new source file, a changed manifest or a missing command makes the build stale', async () => {
  await writeFile(join(folder, 'src', 'extra.ts'), 'export {}\n')
  assert.equal(await state(folder), 'stale')
  await rm(join(folder, 'src', 'extra.ts'))
  await writeFile(join(folder, 'tsconfig.json'), '{}\n')
  assert.equal(await state(folder), 'stale')
  await rm(join(folder, 'tsconfig.json'))
  assert.equal(await state(folder), 'current')
  await rm(join(folder, 'dist', 'registrar.mjs'))
  assert.equal(await state(folder), 'stale')
})

test('a build that fails leaves the checkout stale', async () => {
  await run(folder, START, ['serve'])
  assert.equal(await state(folder), 'current')
  // A failing build stops after `begin`: the stamp is gone.
  assert.equal((await run(folder, STAMP, ['begin'])).code, 0)
  assert.equal(await state(folder), 'stale')
})
