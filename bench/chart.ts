/**
 * The report drawn as an SVG (a hand-written string, no dependency): one panel per figure,
 * bars grouped by scenario, a bar per server, and each goal as a dashed line where it
 * applies, so a reader sees at a glance which bars clear it.
 */
import type { Report } from './report.js'
import type { Row } from './results.js'

interface Bar {
  key: string
  value: number
  /** Written under the bar when set (the size panel, whose bars are one server). */
  label?: string
}
interface Group {
  label: string
  bars: Bar[]
  /** A goal line over this group only. */
  goal?: { value: number; label: string }
}
interface Panel {
  title: string
  unit: string
  groups: Group[]
  /** A goal line across the whole panel. */
  goal?: { value: number; label: string }
}

const COLORS: Record<string, string> = {
  'registrar-sqlite': '#1d4ed8',
  'registrar-postgres': '#60a5fa',
  'oidc-provider': '#f59e0b',
  'mcp-sdk': '#10b981',
  floor: '#4b5563',
  'floor-fastify': '#6b7280',
  'floor-sqlite': '#9ca3af',
  'floor-sqlite-batch': '#d1d5db',
}
const WIDTH = 980
const PANEL_HEIGHT = 250
const LEFT = 70
const RIGHT = 20
const TOP = 70

export function drawChart(report: Report): string {
  const panels = panelsOf(report.rows)
  const height = TOP + panels.length * PANEL_HEIGHT + 10
  const servers = [...new Set(report.rows.map((row) => row.server))]
  const step = Math.min(150, (WIDTH - LEFT - RIGHT) / servers.length)
  const legend = servers
    .map((server, i) => {
      const x = LEFT + i * step
      return `<rect x="${x}" y="38" width="12" height="12" fill="${color(server)}"/><text x="${x + 17}" y="48">${escape(server)}</text>`
    })
    .join('')
  const title = `Registrar vs. floor and peers — ${report.settings.connections} connections, ${report.settings.durationSeconds} s per run, ${report.machine.cpus} CPUs, ${report.machine.date}`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${escape(title)}</text>`,
    legend,
    ...panels.map((panel, i) => drawPanel(panel, TOP + i * PANEL_HEIGHT)),
    '</svg>',
  ].join('\n')
}

function panelsOf(rows: Row[]): Panel[] {
  const main = rows.filter((row) => row.storedClients === undefined)
  const scenarios = [...new Set(main.map((row) => row.scenario))]
  const floorOf = (scenario: string) =>
    main.find((r) => r.server === 'floor' && r.scenario === scenario)
  const grouped = (value: (row: Row) => number, goal?: (floor: Row) => Group['goal']): Group[] =>
    scenarios.map((scenario) => {
      const floor = floorOf(scenario)
      return {
        label: scenario,
        bars: main
          .filter((r) => r.scenario === scenario)
          .map((r) => ({ key: r.server, value: value(r) })),
        goal: floor && goal ? goal(floor) : undefined,
      }
    })
  const least: Record<string, number> = { register: 0.75, read: 0.8 }
  const panels: Panel[] = [
    {
      title: 'Throughput (higher is better)',
      unit: 'req/s',
      groups: grouped(
        (r) => r.requestsPerSecond,
        (floor) =>
          least[floor.scenario] === undefined
            ? undefined
            : {
                value: least[floor.scenario] * floor.requestsPerSecond,
                label: `${least[floor.scenario]}x floor`,
              },
      ),
    },
    {
      title: 'p99 latency (lower is better)',
      unit: 'ms',
      groups: grouped(
        (r) => r.latencyMs.p99,
        (floor) => ({ value: 2 * floor.latencyMs.p99, label: '2x floor' }),
      ),
    },
    {
      title: 'Server CPU per request (lower is better)',
      unit: 'µs',
      groups: grouped(
        (r) => r.cpuMicrosPerRequest,
        (floor) => ({ value: 1.4 * floor.cpuMicrosPerRequest, label: '1.4x floor' }),
      ),
    },
    {
      title: 'Peak RSS of the server (lower is better)',
      unit: 'MB',
      groups: grouped((r) => r.peakRssMb),
      goal: { value: 150, label: '150 MB' },
    },
  ]
  const sized = rows.filter((row) => row.storedClients !== undefined)
  if (sized.length > 0) {
    panels.push({
      title: 'Size: CPU per request by clients stored (flat is better)',
      unit: 'µs',
      groups: [...new Set(sized.map((row) => row.scenario))].map((scenario) => ({
        label: `${scenario} (${sized[0].server})`,
        bars: sized
          .filter((row) => row.scenario === scenario)
          .map((row) => ({
            key: row.server,
            value: row.cpuMicrosPerRequest,
            label: compact(row.storedClients!),
          })),
      })),
    })
  }
  return panels.filter((panel) => panel.groups.some((group) => group.bars.length > 0))
}

function drawPanel(panel: Panel, top: number): string {
  const plotTop = top + 24
  const plotHeight = PANEL_HEIGHT - 70
  const plotWidth = WIDTH - LEFT - RIGHT
  const values = panel.groups.flatMap((g) => [...g.bars.map((b) => b.value), g.goal?.value ?? 0])
  const max = niceCeiling(Math.max(...values, panel.goal?.value ?? 0, 1e-9))
  const y = (value: number) => plotTop + plotHeight - (Math.min(value, max) / max) * plotHeight
  const title = panel.goal ? `${panel.title}; dashed: goal, ${panel.goal.label}` : panel.title
  const parts = [
    `<text x="${LEFT}" y="${top + 12}" font-size="13" font-weight="bold">${escape(title)}</text>`,
  ]
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e7eb"/>`,
      `<text x="${LEFT - 6}" y="${y(value) + 4}" text-anchor="end" fill="#6b7280">${escape(tick(value))} ${escape(panel.unit)}</text>`,
    )
  }
  const groupWidth = plotWidth / panel.groups.length
  panel.groups.forEach((group, g) => {
    const x0 = LEFT + g * groupWidth
    const barWidth = Math.min(64, (groupWidth * 0.84) / Math.max(1, group.bars.length))
    const left = x0 + (groupWidth - barWidth * group.bars.length) / 2
    group.bars.forEach((bar, b) => {
      const x = left + b * barWidth
      const top = y(bar.value)
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 3).toFixed(1)}" height="${(plotTop + plotHeight - top).toFixed(1)}" fill="${color(bar.key)}"><title>${escape(`${bar.key} ${group.label}: ${short(bar.value)} ${panel.unit}`)}</title></rect>`,
        `<text x="${(x + (barWidth - 3) / 2).toFixed(1)}" y="${(top - 3).toFixed(1)}" text-anchor="middle" font-size="10">${escape(short(bar.value))}</text>`,
      )
      if (bar.label) {
        parts.push(
          `<text x="${(x + (barWidth - 3) / 2).toFixed(1)}" y="${plotTop + plotHeight + 26}" text-anchor="middle" font-size="10">${escape(bar.label)}</text>`,
        )
      }
    })
    parts.push(
      `<text x="${x0 + groupWidth / 2}" y="${plotTop + plotHeight + 14}" text-anchor="middle" font-weight="bold">${escape(group.label)}</text>`,
    )
    // The goal's words go under the axis, where no bar can hide them.
    if (group.goal) {
      const { value, label } = group.goal
      parts.push(
        goalLine(x0 + 4, x0 + groupWidth - 4, y(value)),
        `<text x="${x0 + groupWidth / 2}" y="${plotTop + plotHeight + 28}" text-anchor="middle" fill="#dc2626" font-size="10">${escape(`dashed: goal, ${label} = ${short(value)} ${panel.unit}`)}</text>`,
      )
    }
  })
  if (panel.goal) parts.push(goalLine(LEFT, LEFT + plotWidth, y(panel.goal.value)))
  return parts.join('\n')
}

function goalLine(x1: number, x2: number, y: number): string {
  return `<line x1="${x1}" x2="${x2}" y1="${y}" y2="${y}" stroke="#dc2626" stroke-dasharray="5 3"/>`
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value)!
  return step * magnitude
}

function short(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}k`
  if (value >= 100) return value.toFixed(0)
  return value.toFixed(value >= 10 ? 1 : 2)
}

/** 1000 as 1k, 1000000 as 1M: short enough to sit under a bar. */
function compact(count: number): string {
  if (count >= 1e6) return `${Number((count / 1e6).toFixed(1))}M clients`
  if (count >= 1e3) return `${Number((count / 1e3).toFixed(1))}k clients`
  return `${count} clients`
}

function tick(value: number): string {
  if (value >= 10_000) return `${Number((value / 1000).toFixed(1))}k`
  return String(Number(value.toFixed(2)))
}

function color(server: string): string {
  return COLORS[server] ?? '#000'
}

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}
