/**
 * The goals, each checked on figures from the same run and machine. The first are ratios
 * to the in-memory floor (node:http, no validation), the ceiling for any Node.js
 * registration server. Then Registrar on SQLite against what the same work costs on bare
 * node:http and SQLite: a read against one primary-key select (floor-sqlite), a
 * registration against group-committed inserts (floor-sqlite-batch), and its throughput
 * against node-oidc-provider's.
 */
import { isRegistrar, type Row } from './results.js'

export interface Goal {
  server: string
  goal: string
  measured: string
  met: boolean
}

export function checkGoals(rows: Row[]): Goal[] {
  const servers = [...new Set(rows.map((row) => row.server))].filter(isRegistrar)
  return servers.flatMap((server) => goalsOf(server, rows))
}

function goalsOf(server: string, rows: Row[]): Goal[] {
  const goals: Goal[] = []
  const add = (goal: string, value: number, met: boolean, unit: string) =>
    goals.push({ server, goal, measured: `${format(value)}${unit}`, met })
  const main = (name: string, scenario: string) => mainRun(rows, name, scenario)

  for (const [scenario, least] of [
    ['register', 0.75],
    ['read', 0.8],
  ] as const) {
    const own = main(server, scenario)
    const floor = main('floor', scenario)
    if (own && floor) {
      const ratio = own.requestsPerSecond / floor.requestsPerSecond
      add(`${scenario} req/s >= ${least}x floor`, ratio, ratio >= least, 'x')
    }
  }
  for (const scenario of ['register', 'read', 'mixed']) {
    const own = main(server, scenario)
    const floor = main('floor', scenario)
    if (!own) continue
    if (floor) {
      const cpu = own.cpuMicrosPerRequest / floor.cpuMicrosPerRequest
      add(`${scenario} CPU/request <= 1.4x floor`, cpu, cpu <= 1.4, 'x')
      const p99 = own.latencyMs.p99 / floor.latencyMs.p99
      add(`${scenario} p99 <= 2x floor`, p99, p99 <= 2, 'x')
    }
    add(`${scenario} p99.9 < 100 ms`, own.latencyMs.p999, own.latencyMs.p999 < 100, ' ms')
  }
  const own = rows.filter((row) => row.server === server)
  if (own.length > 0) {
    const rss = Math.max(...own.map((row) => row.peakRssMb))
    add('peak RSS < 150 MB (worst run)', rss, rss < 150, ' MB')
    const cold = Math.max(...own.map((row) => row.coldStartMs))
    add(`cold start < 300 ms (worst of ${own.length} starts)`, cold, cold < 300, ' ms')
  }
  for (const scenario of ['register', 'read']) {
    const sized = own
      .filter((row) => row.scenario === scenario && row.storedClients !== undefined)
      .sort((a, b) => a.storedClients! - b.storedClients!)
    if (sized.length < 2) continue
    const small = sized[0]
    const large = sized[sized.length - 1]
    const change = large.cpuMicrosPerRequest / small.cpuMicrosPerRequest - 1
    add(
      `${scenario} CPU/request at ${large.storedClients!.toLocaleString('en')} within 20% of at ${small.storedClients!.toLocaleString('en')} clients`,
      change * 100,
      Math.abs(change) <= 0.2,
      '%',
    )
  }
  if (server === 'registrar-sqlite') goals.push(...durableGoalsOf(server, rows))
  return goals
}

/** Scenario, contender to compare with, and the most Registrar's CPU per request may be. */
const CPU_AGAINST_SQLITE_FLOORS = [
  ['read', 'floor-sqlite', 2],
  ['register', 'floor-sqlite-batch', 1.4],
] as const
/** Registrar's req/s at least this many times node-oidc-provider's, in every scenario. */
const LEAST_OVER_OIDC_PROVIDER = 3
/** Peak RSS under sustained registration at most this many times the group-commit floor's. */
const MOST_RSS_OVER_GROUP_COMMIT = 1.1

function durableGoalsOf(server: string, rows: Row[]): Goal[] {
  const goals: Goal[] = []
  /** A ratio goal, measured as the ratio and the two figures it divides. */
  const add = (
    goal: string,
    own: number,
    base: number,
    unit: string,
    met: (ratio: number) => boolean,
  ) => {
    const ratio = own / base
    const measured = `${format(ratio)}x (${format(own)} against ${format(base)}${unit})`
    goals.push({ server, goal, measured, met: met(ratio) })
  }
  const main = (name: string, scenario: string) => mainRun(rows, name, scenario)

  for (const [scenario, floor, most] of CPU_AGAINST_SQLITE_FLOORS) {
    const own = main(server, scenario)
    const base = main(floor, scenario)
    if (!own || !base) continue
    const [cpu, baseCpu] = [own.cpuMicrosPerRequest, base.cpuMicrosPerRequest]
    add(`${scenario} CPU/request <= ${most}x ${floor}`, cpu, baseCpu, ' µs', (r) => r <= most)
  }
  for (const scenario of ['register', 'read', 'mixed']) {
    const own = main(server, scenario)
    const peer = main('oidc-provider', scenario)
    if (!own || !peer) continue
    const least = LEAST_OVER_OIDC_PROVIDER
    const goal = `${scenario} req/s >= ${least}x oidc-provider`
    add(goal, own.requestsPerSecond, peer.requestsPerSecond, ' req/s', (r) => r >= least)
  }
  const own = main(server, 'register')
  const floor = main('floor-sqlite-batch', 'register')
  if (own && floor) {
    const most = MOST_RSS_OVER_GROUP_COMMIT
    const goal = `register peak RSS <= ${most}x floor-sqlite-batch`
    add(goal, own.peakRssMb, floor.peakRssMb, ' MB', (r) => r <= most)
  }
  return goals
}

/** The run of a server and scenario, not one of the size scenario's. */
function mainRun(rows: Row[], server: string, scenario: string): Row | undefined {
  return rows.find(
    (row) => row.server === server && row.scenario === scenario && row.storedClients === undefined,
  )
}

function format(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)
}
