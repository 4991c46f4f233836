/**
 * `npm run bench`: every contender, every scenario, one after another in one run on this
 * machine, each run in a fresh server process with the load from a separate process; then
 * one table (stdout), bench/results/latest.json and bench/results/latest.svg.
 *
 * Flags: see options.ts.
 */
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
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
import { parseOptions } from './options.js'
import { postgresUnreachable } from './postgres.js'
import { registrarBin, REGISTRAR_UNBUNDLED } from './registrar.js'
import { buildReport, formatReport } from './report.js'
import { compareWithBefore, medianRuns, toRow, type Row } from './results.js'
import { SCENARIOS, type Scenario } from './scenarios.js'
import { preRegister, runSizeScenario } from './size.js'
import { transpileTree } from './transpile.js'
import type { LoadResult } from './load-worker.js'

const ROOT = join(import.meta.dirname, '..')
const RESULTS = join(import.meta.dirname, 'results')
/** Clients registered before a read or mixed run, read at random. */
const READ_CLIENTS = 1000
/** The order of servers in the table. */
const SERVER_ORDER: readonly string[] = [...CONTENDER_NAMES, 'before-sqlite']

const options = parseOptions(process.argv.slice(2))
const settings = {
  durationSeconds: options.durationSeconds,
  warmupSeconds: options.warmupSeconds,
  connections: options.connections,
}
let servers = options.servers
const notes: string[] = []

const scratch = join(RESULTS, 'work')
mkdirSync(scratch, { recursive: true })
const js = transpileTree(import.meta.dirname, join(RESULTS, 'js'), (path) =>
  path.endsWith('store.ts'),
)
const workerScript = join(js, 'load-worker.js')
const profileDir = options.profile ? join(RESULTS, 'profiles') : undefined

if (servers.some((s) => s.startsWith('registrar')) && !buildRegistrar()) {
  servers = servers.filter((s) => !s.startsWith('registrar'))
  note('Registrar skipped: `npm run build` did not produce dist/')
}
if (options.before && !existsSync(registrarBin(options.before))) {
  throw new Error(`--before: no ${registrarBin(options.before)}; run npm run build there`)
}
if (servers.includes('registrar-postgres')) {
  const why = await postgresUnreachable(options.postgresUrl)
  if (why) {
    servers = servers.filter((s) => s !== 'registrar-postgres')
    note(`registrar-postgres skipped: PostgreSQL at ${options.postgresUrl} is unreachable (${why})`)
  }
}

const context: StartContext = {
  js,
  scratch,
  postgresUrl: options.postgresUrl,
  jwks: signingKeys(),
  profileDir,
  before: options.before,
  label: '',
}
const runs: Row[] = []
for (let round = 1; round <= options.rounds; round++) {
  for (const scenario of SCENARIOS.filter((s) => options.scenarios.includes(s))) {
    // Every other round runs the contenders in reverse order, so that the machine's speed
    // drifting during a round weighs on neither side of a comparison.
    for (const server of round % 2 === 0 ? [...servers].reverse() : servers) {
      await attempt(`${scenario} on ${server}`, async () => {
        runs.push(await runScenario(server, scenario))
      })
    }
  }
}
if (options.scenarios.includes('size') && servers.includes('registrar-sqlite')) {
  await attempt('size', async () => {
    const sized = await runSizeScenario({
      sizes: [1000, options.size],
      scratch,
      profileDir,
      load: (spec) => runLoad(workerScript, scratch, { ...settings, ...spec }),
      onProgress: (message) => process.stderr.write(`${message}\n`),
    })
    for (const run of sized.runs) {
      const { scenario, result, peakRssBytes, coldStartMs, storedClients } = run
      const server = 'registrar-sqlite'
      const row = toRow(
        server,
        READ_KIND[server],
        scenario,
        result,
        peakRssBytes,
        coldStartMs,
        storedClients,
      )
      runs.push(row)
      progress(row)
      noteProfile(server, run, result)
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
  { ...settings, rounds: options.rounds },
  notes,
  runs.length > rows.length ? runs : undefined,
)
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
writeFileSync(join(RESULTS, 'latest.svg'), drawChart(report))
if (options.publish) {
  copyFileSync(join(RESULTS, 'latest.json'), join(import.meta.dirname, 'latest.json'))
  copyFileSync(join(RESULTS, 'latest.svg'), join(import.meta.dirname, 'latest.svg'))
}
const comparison = options.before ? `\n\n${compareWithBefore(runs, options.before)}` : ''
process.stdout.write(
  `\n${formatReport(report)}${comparison}\n\nWrote ${join(RESULTS, 'latest.json')} and latest.svg\n`,
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
    const row = toRow(
      server,
      READ_KIND[server],
      scenario,
      result,
      peakRssBytes(started.pid),
      started.coldStartMs,
    )
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
    SERVER_ORDER.indexOf(row.server),
    row.storedClients ?? 0,
  ]
  const [x, y] = [order(a), order(b)]
  return x.map((value, i) => value - y[i]).find((difference) => difference !== 0) ?? 0
}

/** Builds dist/ (others may be mid-change: a failed build with a usable dist/ is a note). */
function buildRegistrar(): boolean {
  if (!options.skipBuild) {
    process.stderr.write('building Registrar (npm run build)\n')
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' })
    if (build.status !== 0) {
      note(
        `the build reported errors; measured the dist/ it emitted\n${build.stdout}${build.stderr}`,
      )
    }
  }
  return existsSync(options.profile ? REGISTRAR_UNBUNDLED : registrarBin())
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
  child: { pid: number; spawnedAt: number },
  result: LoadResult,
) {
  if (!profileDir || !server.startsWith('registrar')) return
  const since = result.measuredFrom - child.spawnedAt
  note(
    `profile of ${server} is ${profileDir}/CPU.*.${child.pid}.*.cpuprofile; measured from ${since} ms (--since ${since})`,
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
      `p99 ${row.latencyMs.p99.toFixed(1)} ms, ${row.cpuMicrosPerRequest.toFixed(0)} µs CPU/req ` +
      `(${row.systemMicrosPerRequest.toFixed(0)} sys), ` +
      `${row.errors} errors, RSS ${row.peakRssMb.toFixed(0)} MB, cold ${row.coldStartMs.toFixed(0)} ms\n`,
  )
}
