/**
 * `npm run bench`: every contender, every scenario, one after another in one run on this
 * machine, each run in a fresh server process with the load from a separate process; then
 * one table (stdout), bench/results/latest.json and bench/results/latest.svg.
 *
 *   --duration S      measured seconds per run (default 10)
 *   --warmup S        unmeasured seconds of the same load first (default 3)
 *   --connections N   concurrent connections (default 50)
 *   --rounds N        repeat the register, read and mixed runs N times, interleaved, and
 *                     report each contender's median run by req/s (default 1)
 *   --scenarios LIST  register,read,mixed,size (default all)
 *   --servers LIST    contenders (default all; see contenders.ts)
 *   --size N          clients stored for the large size run (default 1000000; loads in ~40 s)
 *   --postgres URL    (default postgres://127.0.0.1:5432/test)
 *   --profile         write V8 CPU profiles of Registrar to bench/results/profiles
 *   --skip-build      use dist/ as it is
 *   --publish         also copy the JSON and SVG to bench/latest.json and bench/latest.svg
 */
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { drawChart } from './chart.js'
import {
  CONTENDER_NAMES,
  READ_KIND,
  startContender,
  type ContenderName,
  type StartContext,
} from './contenders.js'
import { runLoad } from './load.js'
import { peakRssBytes } from './measure.js'
import { DEFAULT_POSTGRES_URL, postgresUnreachable } from './postgres.js'
import { REGISTRAR_MAIN } from './registrar.js'
import { buildReport, formatReport } from './report.js'
import { medianRuns, type Row } from './results.js'
import { SCENARIOS, type Scenario } from './scenarios.js'
import { preRegister, runSizeScenario } from './size.js'
import { transpileTree } from './transpile.js'
import type { LoadResult } from './load-worker.js'

const ROOT = join(import.meta.dirname, '..')
const RESULTS = join(import.meta.dirname, 'results')
/** Clients registered before a read or mixed run, read at random. */
const READ_CLIENTS = 1000

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
    scenarios: { type: 'string', default: [...SCENARIOS, 'size'].join(',') },
    servers: { type: 'string', default: CONTENDER_NAMES.join(',') },
    size: { type: 'string', default: '1000000' },
    postgres: { type: 'string', default: DEFAULT_POSTGRES_URL },
    profile: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    publish: { type: 'boolean', default: false },
  },
})

const settings = {
  durationSeconds: positive('duration'),
  warmupSeconds: Number(flags.warmup),
  connections: positive('connections'),
}
const scenarios = list(flags.scenarios, [...SCENARIOS, 'size'])
let servers = list(flags.servers, CONTENDER_NAMES) as ContenderName[]
const notes: string[] = []

const scratch = join(RESULTS, 'work')
mkdirSync(scratch, { recursive: true })
const js = transpileTree(import.meta.dirname, join(RESULTS, 'js'), (path) =>
  path.endsWith('store.ts'),
)
const workerScript = join(js, 'load-worker.js')
const profileDir = flags.profile ? join(RESULTS, 'profiles') : undefined

if (servers.some((s) => s.startsWith('registrar')) && !buildRegistrar()) {
  servers = servers.filter((s) => !s.startsWith('registrar'))
  note('Registrar skipped: dist/src/cli/main.js is missing and `npm run build` did not produce it')
}
if (servers.includes('registrar-postgres')) {
  const why = await postgresUnreachable(flags.postgres)
  if (why) {
    servers = servers.filter((s) => s !== 'registrar-postgres')
    note(`registrar-postgres skipped: PostgreSQL at ${flags.postgres} is unreachable (${why})`)
  }
}

const context: StartContext = {
  js,
  scratch,
  postgresUrl: flags.postgres,
  jwks: signingKeys(),
  profileDir,
  label: '',
}
const runs: Row[] = []
for (let round = 1; round <= positive('rounds'); round++) {
  for (const scenario of SCENARIOS.filter((s) => scenarios.includes(s))) {
    for (const server of servers) {
      await attempt(`${scenario} on ${server}`, async () => {
        runs.push(await runScenario(server, scenario))
      })
    }
  }
}
if (scenarios.includes('size') && servers.includes('registrar-sqlite')) {
  await attempt('size', async () => {
    const sized = await runSizeScenario({
      sizes: [1000, positive('size')],
      scratch,
      profileDir,
      load: (spec) => runLoad(workerScript, scratch, { ...settings, ...spec }),
      onProgress: (message) => process.stderr.write(`${message}\n`),
    })
    for (const run of sized.runs) {
      const { scenario, result, peakRssBytes, coldStartMs, storedClients } = run
      const row = toRow(
        'registrar-sqlite',
        scenario,
        result,
        peakRssBytes,
        coldStartMs,
        storedClients,
      )
      runs.push(row)
      progress(row)
      noteProfile('registrar-sqlite', run, result)
    }
    notes.push(...sized.notes)
  })
}

const rows = medianRuns(runs).sort(byScenarioAndServer)
const report = buildReport(
  rows,
  {
    cpus: availableParallelism(),
    node: process.versions.node,
    date: new Date().toISOString().slice(0, 16),
  },
  { ...settings, rounds: positive('rounds') },
  notes,
  runs.length > rows.length ? runs : undefined,
)
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
writeFileSync(join(RESULTS, 'latest.svg'), drawChart(report))
if (flags.publish) {
  copyFileSync(join(RESULTS, 'latest.json'), join(import.meta.dirname, 'latest.json'))
  copyFileSync(join(RESULTS, 'latest.svg'), join(import.meta.dirname, 'latest.svg'))
}
process.stdout.write(
  `\n${formatReport(report)}\n\nWrote ${join(RESULTS, 'latest.json')} and latest.svg\n`,
)

async function runScenario(server: ContenderName, scenario: Scenario): Promise<Row> {
  const started = await startContender(server, {
    ...context,
    label: `${server}-${scenario}-${Date.now()}`,
  })
  try {
    const readTargets =
      scenario === 'register'
        ? []
        : await preRegister(started.url, started.registerPath, READ_CLIENTS)
    const result = await runLoad(workerScript, scratch, {
      ...settings,
      url: started.url,
      scenario,
      registerPath: started.registerPath,
      readTargets,
      serverPid: started.pid,
    })
    const row = toRow(server, scenario, result, peakRssBytes(started.pid), started.coldStartMs)
    progress(row)
    noteProfile(server, started, result)
    return row
  } finally {
    await started.stop()
  }
}

/** Table order: main scenarios before size, then scenario, server and size as listed. */
function byScenarioAndServer(a: Row, b: Row): number {
  const order = (row: Row) => [
    row.storedClients === undefined ? 0 : 1,
    SCENARIOS.indexOf(row.scenario as Scenario),
    CONTENDER_NAMES.indexOf(row.server as ContenderName),
    row.storedClients ?? 0,
  ]
  const [x, y] = [order(a), order(b)]
  return x.map((value, i) => value - y[i]).find((difference) => difference !== 0) ?? 0
}

function toRow(
  server: ContenderName,
  scenario: string,
  result: LoadResult,
  rssBytes: number,
  coldStartMs: number,
  storedClients?: number,
): Row {
  return {
    server,
    scenario,
    ...(storedClients === undefined ? {} : { storedClients }),
    readKind: READ_KIND[server],
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    latencyMs: result.latencyMs,
    errors: result.errors,
    peakRssMb: rssBytes / 2 ** 20,
    coldStartMs,
    cpuMicrosPerRequest: (result.serverCpuSeconds * 1e6) / Math.max(1, result.requests),
    loaderCpuShare: result.loaderCpuSeconds / result.seconds,
  }
}

/** Builds dist/ (others may be mid-change: a failed build with a usable dist/ is a note). */
function buildRegistrar(): boolean {
  if (!flags['skip-build']) {
    process.stderr.write('building Registrar (tsc -p tsconfig.build.json)\n')
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    if (build.status !== 0)
      note(`the build reported errors; measured the dist/ it emitted\n${build.stdout}`)
  }
  return existsSync(REGISTRAR_MAIN)
}

/** RSA keys for node-oidc-provider, made here so that its cold start does not include them. */
function signingKeys(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return JSON.stringify({
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' }],
  })
}

async function attempt(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (error) {
    note(`${what} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Which profile file holds a run, and where in it the measured run starts. */
function noteProfile(
  server: ContenderName,
  process: { pid: number; spawnedAt: number },
  result: LoadResult,
) {
  if (!profileDir || !server.startsWith('registrar')) return
  const since = result.measuredFrom - process.spawnedAt
  note(
    `profile of ${server} is ${profileDir}/CPU.*.${process.pid}.*.cpuprofile; measured from ${since} ms (--since ${since})`,
  )
}

function note(message: string): void {
  notes.push(message)
  process.stderr.write(`note: ${message}\n`)
}

function progress(row: Row): void {
  const size = row.storedClients === undefined ? '' : ` @ ${row.storedClients}`
  process.stderr.write(
    `${row.scenario}${size} ${row.server}: ${Math.round(row.requestsPerSecond)} req/s, ` +
      `p99 ${row.latencyMs.p99.toFixed(1)} ms, ${row.cpuMicrosPerRequest.toFixed(0)} µs CPU/req, ` +
      `${row.errors} errors, RSS ${row.peakRssMb.toFixed(0)} MB, cold ${row.coldStartMs.toFixed(0)} ms\n`,
  )
}

function positive(name: 'duration' | 'connections' | 'size' | 'rounds'): number {
  const value = Number(flags[name])
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`)
  return value
}

function list<T extends string>(value: string, known: readonly T[]): T[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = names.filter((name) => !known.includes(name as T))
  if (unknown.length > 0)
    throw new Error(`unknown: ${unknown.join(', ')} (known: ${known.join(', ')})`)
  return names as T[]
}
