/**
 * The run as one table: a row per server and scenario, each Registrar row followed by its
 * ratios to the floor and to node-oidc-provider, then the goals, met or missed. Also the
 * same as JSON, for the chart and for comparing runs.
 */
import { checkGoals, type Goal } from './goals.js'
import { isRegistrar, RATIO_FIGURES, ratiosOf, type Ratio, type Row } from './results.js'

export interface Report {
  machine: { cpus: number; node: string; date: string }
  settings: { durationSeconds: number; connections: number; warmupSeconds: number; rounds: number }
  /** The median run of each server and scenario. */
  rows: Row[]
  /** Every run, when there were several rounds. */
  runs?: Row[]
  ratios: Ratio[]
  goals: Goal[]
  notes: string[]
}

export function buildReport(
  rows: Row[],
  machine: Report['machine'],
  settings: Report['settings'],
  notes: string[],
  runs?: Row[],
): Report {
  return {
    machine,
    settings,
    rows,
    ...(runs ? { runs } : {}),
    ratios: ratiosOf(rows),
    goals: checkGoals(rows),
    notes: [...notes, ...loaderNotes(rows)],
  }
}

/** Loader CPU share from which the loader, not the server, may have set the pace. */
const LOADER_BOUND = 0.8

function loaderNotes(rows: Row[]): string[] {
  const saturated = rows.filter((row) => row.loaderCpuShare >= LOADER_BOUND)
  if (saturated.length === 0) return []
  const runs = saturated.map((row) => `${row.scenario} on ${row.server}`).join(', ')
  return [
    `the load generator used ${LOADER_BOUND * 100} % or more of a core in ${runs}: ` +
      'their req/s is a lower bound, and a ratio of Registrar to them an upper bound',
  ]
}

const HEADER = [
  'scenario',
  'server',
  'req/s',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'errors',
  'peak RSS MB',
  'cold start ms',
  'CPU µs/req',
  'of it sys',
  'loader CPU',
]

export function formatReport(report: Report): string {
  const lines: string[][] = [HEADER]
  for (const row of report.rows) {
    lines.push(rowCells(row))
    if (!isRegistrar(row.server) || row.storedClients !== undefined) continue
    for (const ratio of report.ratios) {
      if (ratio.server === row.server && ratio.scenario === row.scenario)
        lines.push(ratioCells(ratio))
    }
  }
  const kinds = [...new Map(report.rows.map((row) => [row.server, row.readKind])).entries()]
  return [
    `${report.machine.cpus} CPUs, Node.js ${report.machine.node}, ${report.machine.date}; ` +
      `${report.settings.connections} connections, ${report.settings.warmupSeconds} s warm-up + ` +
      `${report.settings.durationSeconds} s per run, each run in a fresh server process` +
      (report.settings.rounds > 1 ? `; median of ${report.settings.rounds} rounds by req/s` : ''),
    '',
    ...alignColumns(lines),
    '',
    `read is: ${kinds.map(([server, kind]) => `${server} ${kind}`).join('; ')}`,
    ...report.notes,
    '',
    'Goals:',
    ...report.goals.map(
      (goal) =>
        `  ${goal.met ? 'met   ' : 'MISSED'}  ${goal.server}: ${goal.goal}: ${goal.measured}`,
    ),
  ].join('\n')
}

function rowCells(row: Row): string[] {
  const scenario =
    row.storedClients === undefined
      ? row.scenario
      : `${row.scenario} @ ${row.storedClients.toLocaleString('en')}`
  return [
    scenario,
    row.server,
    Math.round(row.requestsPerSecond).toLocaleString('en'),
    row.latencyMs.p50.toFixed(2),
    row.latencyMs.p99.toFixed(2),
    row.latencyMs.p999.toFixed(2),
    String(row.errors),
    row.peakRssMb.toFixed(0),
    row.coldStartMs.toFixed(0),
    row.cpuMicrosPerRequest.toFixed(0),
    row.systemMicrosPerRequest.toFixed(0),
    `${(row.loaderCpuShare * 100).toFixed(0)}%`,
  ]
}

function ratioCells(ratio: Ratio): string[] {
  const cells = RATIO_FIGURES.map((name) => `${ratio.ratios[name].toFixed(2)}x`)
  const [rps, p50, p99, p999, rss, cold, cpu] = cells
  return ['', `  ÷ ${ratio.baseline}`, rps, p50, p99, p999, '', rss, cold, cpu, '', '']
}

function alignColumns(lines: string[][]): string[] {
  const widths = lines[0].map((_, column) =>
    Math.max(...lines.map((cells) => cells[column].length)),
  )
  return lines.map((cells) =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd(),
  )
}
