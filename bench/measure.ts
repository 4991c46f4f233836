/**
 * What the kernel knows about a server process, read from /proc (Linux only). CPU time is
 * utime + stime of every thread of the process (proc(5) /proc/pid/stat fields 14 and 15,
 * in clock ticks); peak memory is VmHWM, the resident-set high-water mark, so a short
 * spike between two samples is not missed.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Clock ticks per second (USER_HZ); 100 on every common Linux build. */
const ticksPerSecond = readClockTicks()

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100
  } catch {
    return 100
  }
}

/** CPU seconds the process has used so far, in its own code (user) and in the kernel (system). */
export function cpuSeconds(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return { user: utime / ticksPerSecond, system: stime / ticksPerSecond }
}

/** Peak resident set size in bytes (VmHWM). */
export function peakRssBytes(pid: number): number {
  return statusKilobytes(pid, 'VmHWM') * 1024
}

function statusKilobytes(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`)
  return Number(match[1])
}

/** Percentiles of a sample, by nearest rank on a sorted copy. */
export function percentiles(values: Float64Array, ranks: number[]): number[] {
  if (values.length === 0) return ranks.map(() => Number.NaN)
  const sorted = Float64Array.from(values).sort()
  return ranks.map((rank) => {
    const index = Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1),
    )
    return sorted[index]
  })
}
