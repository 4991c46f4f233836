/**
 * The load generator, run as its own process so that it never shares an event loop (or a
 * CPU accounting) with the server it measures. It reads a LoadSpec from the JSON file
 * named in argv, drives autocannon for a warm-up and then for the measured run, and
 * prints one LoadResult as JSON on stdout. Latencies are kept per response (autocannon's
 * own histogram rounds to whole milliseconds), successful responses only, as autocannon.
 */
import { readFileSync } from 'node:fs'
import { cpuSeconds, percentiles } from './measure.js'
import {
  MIXED_REGISTER_SHARE,
  registrationBody,
  type ReadTarget,
  type Scenario,
} from './scenarios.js'
import { importUntyped } from './servers/untyped.js'

export interface LoadSpec {
  /** `http://127.0.0.1:PORT` */
  url: string
  scenario: Scenario
  /** POST path for registrations. */
  registerPath: string
  readTargets: ReadTarget[]
  connections: number
  warmupSeconds: number
  durationSeconds: number
  /** The server's process, whose CPU time is read at the edges of the measured run. */
  serverPid: number
}

export interface LoadResult {
  /** Responses completed in the measured run. */
  requests: number
  seconds: number
  requestsPerSecond: number
  latencyMs: { p50: number; p99: number; p999: number; max: number }
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number
  statusCounts: Record<string, number>
  /** The server's CPU over the measured run, user and system. */
  serverCpuSeconds: number
  /** Of it, the kernel's: for a server on loopback, mostly sending, receiving and waking the peer. */
  serverSystemSeconds: number
  loaderCpuSeconds: number
  /** When the measured run began, milliseconds since the epoch. */
  measuredFrom: number
}

/** The slice of autocannon's programmatic API this file uses (it ships no types). */
interface RequestData {
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string
}
interface AutocannonOptions {
  url: string
  connections: number
  duration: number
  requests: { setupRequest: (request: RequestData) => RequestData }[]
}
interface AutocannonResult {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  requests: { total: number }
  statusCodeStats: Record<string, { count: number }>
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, ms: number) => void,
  ): void
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance

const { default: autocannon } = await importUntyped<{ default: Autocannon }>('autocannon')

/** A per-request picker for the scenario: every call builds the next request. */
function requestMaker(spec: LoadSpec): (request: RequestData) => RequestData {
  const tag = `${process.pid}-${Date.now().toString(36)}`
  let registrations = 0
  const register = (request: RequestData): RequestData => ({
    ...request,
    method: 'POST',
    path: spec.registerPath,
    headers: { ...request.headers, 'content-type': 'application/json' },
    body: registrationBody(tag, registrations++),
  })
  const read = (request: RequestData): RequestData => {
    const target = spec.readTargets[Math.floor(Math.random() * spec.readTargets.length)]
    const { 'content-type': _ignored, ...headers } = request.headers ?? {}
    return {
      ...request,
      method: 'GET',
      path: target.path,
      headers: { ...headers, authorization: `Bearer ${target.token}` },
      body: undefined,
    }
  }
  switch (spec.scenario) {
    case 'register':
      return register
    case 'read':
      return read
    case 'mixed':
      return (request) => (Math.random() < MIXED_REGISTER_SHARE ? register(request) : read(request))
  }
}

function runOnce(
  spec: LoadSpec,
  seconds: number,
  onResponse?: (status: number, ms: number) => void,
): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        requests: [{ setupRequest: requestMaker(spec) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    if (onResponse) instance.on('response', (_client, status, _bytes, ms) => onResponse(status, ms))
  })
}

async function measure(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await runOnce(spec, spec.warmupSeconds)
  let latencies = new Float64Array(1 << 16)
  let count = 0
  const record = (status: number, ms: number) => {
    if (status < 200 || status > 299) return
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2)
      grown.set(latencies)
      latencies = grown
    }
    latencies[count++] = ms
  }
  const measuredFrom = Date.now()
  const serverCpuBefore = cpuSeconds(spec.serverPid)
  const loaderBefore = process.cpuUsage()
  const result = await runOnce(spec, spec.durationSeconds, record)
  const loader = process.cpuUsage(loaderBefore)
  const serverCpuAfter = cpuSeconds(spec.serverPid)
  const serverSystemSeconds = serverCpuAfter.system - serverCpuBefore.system
  const serverCpuSeconds = serverCpuAfter.user - serverCpuBefore.user + serverSystemSeconds
  const [p50, p99, p999, max] = percentiles(latencies.subarray(0, count), [50, 99, 99.9, 100])
  return {
    requests: result.requests.total,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: { p50, p99, p999, max },
    errors: result.errors + result.timeouts + result.non2xx,
    statusCounts: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
    ),
    serverCpuSeconds,
    serverSystemSeconds,
    loaderCpuSeconds: (loader.user + loader.system) / 1e6,
    measuredFrom,
  }
}

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec
process.stdout.write(`${JSON.stringify(await measure(spec))}\n`)
