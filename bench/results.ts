/** One measured run, and the ratios that compare Registrar with the floor and with oidc-provider. */
import type { LoadResult } from './load-worker.js'

export interface Row {
  server: string
  /** register, read or mixed; the size scenario's rows say how many clients were stored. */
  scenario: string
  storedClients?: number
  readKind: string
  requests: number
  requestsPerSecond: number
  latencyMs: { p50: number; p99: number; p999: number; max: number }
  errors: number
  peakRssMb: number
  coldStartMs: number
  cpuMicrosPerRequest: number
  /** The kernel's part of cpuMicrosPerRequest (system time): sockets rather than the server's own code. */
  systemMicrosPerRequest: number
  /** The load generator's CPU over the run's wall time: near 1 means it, not the server, limited the rate. */
  loaderCpuShare: number
}

/** A run's figures, from what the load worker and /proc measured. */
export function toRow(
  server: string,
  readKind: string,
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
    readKind,
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    latencyMs: result.latencyMs,
    errors: result.errors,
    peakRssMb: rssBytes / 2 ** 20,
    coldStartMs,
    cpuMicrosPerRequest: (result.serverCpuSeconds * 1e6) / Math.max(1, result.requests),
    systemMicrosPerRequest: (result.serverSystemSeconds * 1e6) / Math.max(1, result.requests),
    loaderCpuShare: result.loaderCpuSeconds / result.seconds,
  }
}

/** Of several runs of the same server and scenario, the one with the median req/s. */
export function medianRuns(runs: Row[]): Row[] {
  const groups = new Map<string, Row[]>()
  for (const run of runs) {
    const key = `${run.scenario} ${run.server} ${run.storedClients ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), run])
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
    return sorted[Math.floor((sorted.length - 1) / 2)]
  })
}

/** Figures compared as ratios; for all but req/s, lower is better. */
export const RATIO_FIGURES = [
  'requestsPerSecond',
  'p50',
  'p99',
  'p999',
  'peakRssMb',
  'coldStartMs',
  'cpuMicrosPerRequest',
] as const
export type RatioFigure = (typeof RATIO_FIGURES)[number]

export function figure(row: Row, name: RatioFigure): number {
  switch (name) {
    case 'p50':
    case 'p99':
    case 'p999':
      return row.latencyMs[name]
    default:
      return row[name]
  }
}

export interface Ratio {
  server: string
  scenario: string
  baseline: string
  ratios: Record<RatioFigure, number>
}

export const BASELINES = ['floor', 'oidc-provider'] as const

export function isRegistrar(server: string): boolean {
  return server.startsWith('registrar')
}

/** Each Registrar row of the main scenarios against each baseline measured in the same scenario. */
export function ratiosOf(rows: Row[]): Ratio[] {
  const main = rows.filter((row) => row.storedClients === undefined)
  return main
    .filter((row) => isRegistrar(row.server))
    .flatMap((row) =>
      BASELINES.flatMap((baseline) => {
        const base = main.find(
          (other) => other.server === baseline && other.scenario === row.scenario,
        )
        if (!base) return []
        const ratios = Object.fromEntries(
          RATIO_FIGURES.map((name) => [name, figure(row, name) / figure(base, name)]),
        ) as Record<RatioFigure, number>
        return [{ server: row.server, scenario: row.scenario, baseline, ratios }]
      }),
    )
}

/**
 * registrar-sqlite against before-sqlite (`--before`): the ratio of CPU per request and of
 * req/s for each round's pair of runs of a scenario, then their median. Pairs from one
 * round ran minutes apart at most, so the machine's drift between rounds cancels out.
 */
export function compareWithBefore(runs: Row[], before: string): string {
  const lines = [`registrar-sqlite ÷ before-sqlite (${before}), round by round, then the median:`]
  for (const scenario of [...new Set(runs.map((run) => run.scenario))]) {
    const of = (server: string) =>
      runs.filter((run) => run.server === server && run.scenario === scenario && !run.storedClients)
    const [now, then] = [of('registrar-sqlite'), of('before-sqlite')]
    const pairs = now.slice(0, then.length).map((run, i) => [run, then[i]!] as const)
    if (pairs.length === 0) continue
    const column = (figure: (row: Row) => number) => {
      const ratios = pairs.map(([a, b]) => figure(a) / figure(b))
      const sorted = [...ratios].sort((x, y) => x - y)
      const middle = sorted.length / 2
      const median =
        sorted.length % 2 === 1
          ? sorted[Math.floor(middle)]!
          : (sorted[middle - 1]! + sorted[middle]!) / 2
      return `${ratios.map((ratio) => `${ratio.toFixed(2)}x`).join(' ')} -> ${median.toFixed(2)}x`
    }
    lines.push(
      `  ${scenario.padEnd(8)}  CPU/req ${column((row) => row.cpuMicrosPerRequest)}` +
        `   req/s ${column((row) => row.requestsPerSecond)}`,
    )
  }
  return lines.join('\n')
}
