/**
 * Where a server's CPU went: reads the V8 CPU profiles `npm run bench -- --profile` wrote
 * (node --cpu-prof) and prints self time by area (a package, a folder of src/, node's
 * internals, garbage collection) and the functions with the most self time.
 *
 *   node --import tsx bench/profile-summary.ts [--since MS] bench/results/profiles/*.cpuprofile
 *
 * --since skips the first MS milliseconds of each profile (start-up), to see steady state.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time per node id, in microseconds (a sample's delta is billed to its node), from `sinceMs` on. */
function selfTimes(profile: Profile, sinceMs: number): Map<number, number> {
  const times = new Map<number, number>()
  let elapsed = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    elapsed += delta
    if (elapsed >= sinceMs * 1000) times.set(id, (times.get(id) ?? 0) + delta)
  })
  return times
}

export function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (functionName === '(idle)' || functionName === '(program)') return functionName
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (dependency) return dependency[1]
  const own = /\/dist\/src\/([^/]+)\//.exec(url) ?? /\/src\/([^/]+)\//.exec(url)
  if (own) return `src/${own[1]}`
  if (url.startsWith('node:') || url === '') return 'node internals'
  return url
}

function summarize(paths: string[], sinceMs: number): string {
  const byArea = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let total = 0
  for (const path of paths) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
    for (const [id, micros] of selfTimes(profile, sinceMs)) {
      const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
      const area = areaOf(url, functionName)
      if (area === '(idle)') continue
      total += micros
      byArea.set(area, (byArea.get(area) ?? 0) + micros)
      const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}`
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
    }
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`)
  return [
    `busy CPU: ${(total / 1e6).toFixed(2)} s over ${paths.length} profile(s)`,
    '',
    'self time by area:',
    ...top(byArea, 20),
    '',
    'functions with the most self time:',
    ...top(byFunction, 30),
  ].join('\n')
}

const { values, positionals } = parseArgs({
  options: { since: { type: 'string', default: '0' } },
  allowPositionals: true,
})
process.stdout.write(`${summarize(positionals, Number(values.since))}\n`)
