/**
 * Issue 6's goals, each checked on figures from the same run and machine. Ratios are
 * against the in-memory floor (node:http, no validation), the ceiling for any Node.js
 * registration server; the durable floor is in the table for context.
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
  const main = (name: string, scenario: string) =>
    rows.find(
      (row) => row.server === name && row.scenario === scenario && row.storedClients === undefined,
    )

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
  return goals
}

function format(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)
}
