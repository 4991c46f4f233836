/**
 * What `npm pack` ships, and that the tarball works once installed: an empty folder that
 * installs it (its dependencies come from the npm registry) runs `registrar --version`,
 * `registrar serve` and `registrar doctor`, and TypeScript that imports registrar/sdk and
 * registrar/client typechecks under the NodeNext, Bundler and node10 module resolutions.
 * The checkout must be built first, as `npm test` does: the tarball is packed from dist/.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startServer } from '../support/start-server.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)
/** npm and npx of the node running the tests, else the PATH's. */
const nodeBin = (name: string) =>
  existsSync(join(dirname(process.execPath), name)) ? join(dirname(process.execPath), name) : name

/** The measured tarball (1.13 MB packed, 5.75 MB unpacked, 436 files) with room to grow. */
const MAX_PACKED_BYTES = 2_000_000
const MAX_UNPACKED_BYTES = 8_000_000
const MAX_FILES = 700

/** Documents of the project's own that users of the package do not have. */
const INTERNAL_CITATION =
  /CONTRACT\.md|STYLE\.md|peers\.md|authlete-api\.md|\.\.\/shared\/|\bspec §|\b[Ii]ssue #?\d+/

interface PackResult {
  filename: string
  size: number
  unpackedSize: number
  files: { path: string }[]
}

let folder: string
let consumer: string
let pack: PackResult
let paths: string[]
let installed: string

before(
  async () => {
    const { stdout: state } = await run(process.execPath, ['scripts/build-stamp.mjs', 'state'], {
      cwd: root,
    })
    assert.equal(state.trim(), 'current', 'run `npm run build` first')
    folder = await mkdtemp(join(tmpdir(), 'registrar-package-'))
    // --ignore-scripts: dist/ is current, and no build may run beside the other tests.
    const { stdout } = await run(
      nodeBin('npm'),
      ['pack', '--ignore-scripts', '--json', '--pack-destination', folder],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    )
    pack = (JSON.parse(stdout) as PackResult[])[0]!
    paths = pack.files.map((file) => file.path)
    consumer = join(folder, 'consumer')
    await mkdir(consumer)
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    )
    await run(
      nodeBin('npm'),
      ['install', join(folder, pack.filename), '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: consumer, maxBuffer: 16 * 1024 * 1024 },
    )
    installed = join(consumer, 'node_modules', 'registrar')
  },
  { timeout: 900_000 },
)
after(async () => {
  if (folder) await rm(folder, { recursive: true, force: true })
})

test('the tarball holds the command, the libraries with their declarations, the doctor corpus, README, LICENSE and CHANGELOG', () => {
  for (const path of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'dist/registrar.mjs',
    'dist/chunks/worker-thread.mjs',
    'dist/openapi.json',
    'dist/corpus/real-clients.json',
    'dist/src/engine/index.d.ts',
    'dist/src/store/sqlite/worker-thread.js',
  ]) {
    assert.ok(paths.includes(path), `${path} is in the tarball`)
  }
  assert.ok(paths.some((path) => /^dist\/chunks\/real-clients-[^/]+\.mjs$/.test(path)))
})

test('the tarball holds no tests, benchmarks, sources, scripts or source maps', () => {
  const unwanted = paths.filter(
    (path) =>
      /^(test|bench|src|scripts|examples|corpus|\.ci)\//.test(path) ||
      /\.test\.|\.map$|\.ts$/.test(path.replace(/\.d\.ts$/, '')) ||
      path.startsWith('dist/src/cli/'),
  )
  assert.deepEqual(unwanted, [])
})

test(`the tarball stays under ${MAX_PACKED_BYTES} bytes packed, ${MAX_UNPACKED_BYTES} unpacked and ${MAX_FILES} files`, () => {
  assert.ok(pack.size < MAX_PACKED_BYTES, `packed: ${pack.size} bytes`)
  assert.ok(pack.unpackedSize < MAX_UNPACKED_BYTES, `unpacked: ${pack.unpackedSize} bytes`)
  assert.ok(paths.length < MAX_FILES, `${paths.length} files`)
})

test('every file package.json names (bin, main, types, exports and their types, typesVersions) is in the tarball', async () => {
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
    bin: Record<string, string>
    main: string
    types: string
    exports: Record<string, string | { types: string; default: string }>
    typesVersions: Record<string, Record<string, string[]>>
  }
  const named = [
    ...Object.values(manifest.bin),
    manifest.main,
    manifest.types,
    ...Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.default],
    ),
    ...Object.values(manifest.typesVersions).flatMap((map) => Object.values(map).flat()),
  ]
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (!subpath.endsWith('.json')) assert.equal(typeof target, 'object', `${subpath} has types`)
  }
  for (const path of named) {
    assert.ok(paths.includes(path.replace(/^\.\//, '')), `${path} is in the tarball`)
  }
})

test('no shipped declaration file cites a document users of the package do not have', async () => {
  const declarations = paths.filter((path) => path.endsWith('.d.ts'))
  assert.ok(declarations.length > 0)
  const citing: string[] = []
  for (const path of declarations) {
    const text = await readFile(join(installed, path), 'utf8')
    const match = INTERNAL_CITATION.exec(text)
    if (match) citing.push(`${path}: ${match[0]}`)
  }
  assert.deepEqual(citing, [])
})

test('npx registrar --version prints the package version', async () => {
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version: string
  }
  const { stdout } = await run(nodeBin('npx'), ['--no', '--', 'registrar', '--version'], {
    cwd: consumer,
  })
  assert.equal(stdout.trim(), version)
})

test('the installed registrar serve answers /health on a SQLite file, and doctor replays the shipped corpus', async () => {
  const main = join(installed, 'dist', 'registrar.mjs')
  const database = join(folder, 'data', 'registrar.db')
  const server = await startServer({ main, database })
  try {
    const health = await fetch(`${server.url}/health`)
    assert.equal(health.status, 200)
    assert.equal(((await health.json()) as { status: string }).status, 'ok')
    assert.ok(existsSync(`${database}.key`), 'the key file is created beside the database')

    const env = {
      ...process.env,
      REGISTRAR_URL: server.url,
      REGISTRAR_ADMIN_TOKEN: server.adminToken,
    }
    const created = await run(
      process.execPath,
      [main, 'service', 'create', '--name', 'packed', '--json'],
      { env },
    )
    const { apiKey } = JSON.parse(created.stdout) as { apiKey: number }
    const doctor = await run(
      process.execPath,
      [main, 'doctor', '--service', String(apiKey), '--json'],
      { env },
    ).catch((error: { stdout: string }) => error)
    const findings = JSON.parse(doctor.stdout) as unknown[]
    const corpus = JSON.parse(
      await readFile(join(installed, 'dist', 'corpus', 'real-clients.json'), 'utf8'),
    ) as { kind: string }[]
    const replayed = corpus.filter(
      (entry) => entry.kind === 'dcr-request' || entry.kind === 'cimd-document',
    )
    assert.ok(replayed.length > 0)
    assert.equal(findings.length, replayed.length)
  } finally {
    assert.equal(await server.stop(), 0)
  }
})

/** TypeScript a user of the package writes; the last line must fail to typecheck. */
const CONSUMER_SOURCE = `
import { Registrar, RegistrarApiError } from 'registrar/sdk'
import { DcrClient, FileCredentialStore } from 'registrar/client'
import { createEngine, MemoryStore } from 'registrar'

const api = new Registrar({ baseUrl: 'http://127.0.0.1:8080', token: 'x'.repeat(32) })
export async function register(serviceId: number, json: string): Promise<string> {
  const answer = await api.registration.register(serviceId, { json })
  return answer.action
}
export const failure: typeof RegistrarApiError = RegistrarApiError
export const dcr = new DcrClient({
  issuer: 'https://as.example',
  store: new FileCredentialStore('./credentials.json'),
})
export const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://as.example' })
// @ts-expect-error: an unknown option fails, so the declarations were found and read
new Registrar({ baseUrl: 'http://127.0.0.1:8080', token: 'x', nonsense: true })
`

for (const [module, moduleResolution] of [
  ['NodeNext', 'NodeNext'],
  ['ESNext', 'Bundler'],
  ['ESNext', 'Node10'],
] as const) {
  test(`TypeScript importing registrar/sdk and registrar/client typechecks with moduleResolution ${moduleResolution}`, async () => {
    const file = join(consumer, `consumer-${moduleResolution}.ts`)
    await writeFile(file, CONSUMER_SOURCE)
    // The repository's TypeScript and @types/node; the package's own types come from the
    // consumer's node_modules, checked too (skipLibCheck off).
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const args = [
      ...['--noEmit', '--strict', '--skipLibCheck', 'false', '--target', 'ES2022'],
      ...['--module', module, '--moduleResolution', moduleResolution, '--lib', 'ES2023'],
      ...['--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), file],
    ]
    const result = await run(process.execPath, [tsc, ...args], { cwd: consumer }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    )
    assert.ok(!('failed' in result), result.stdout)
  })
}
