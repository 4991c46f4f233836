/**
 * The flags of `npm run bench`:
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
 *   --before DIR      also run `before-sqlite`: Registrar on SQLite from DIR, a built checkout
 *                     of another revision, in every round beside the others; the end of
 *                     the output compares each round's registrar-sqlite with it
 *   --profile         write V8 CPU profiles of Registrar to bench/results/profiles
 *   --skip-build      use dist/ as it is
 *   --publish         also copy the JSON and SVG to bench/latest.json and bench/latest.svg
 */
import { parseArgs } from 'node:util'
import { CONTENDER_NAMES, type ContenderName } from './contenders.js'
import { DEFAULT_POSTGRES_URL } from './postgres.js'
import { SCENARIOS, type Scenario } from './scenarios.js'

export interface Options {
  durationSeconds: number
  warmupSeconds: number
  connections: number
  rounds: number
  scenarios: (Scenario | 'size')[]
  servers: ContenderName[]
  size: number
  postgresUrl: string
  /** A built checkout of another revision, run as `before-sqlite`. */
  before: string | undefined
  profile: boolean
  skipBuild: boolean
  publish: boolean
}

export function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '1' },
      scenarios: { type: 'string', default: [...SCENARIOS, 'size'].join(',') },
      servers: { type: 'string', default: CONTENDER_NAMES.join(',') },
      size: { type: 'string', default: '1000000' },
      postgres: { type: 'string', default: DEFAULT_POSTGRES_URL },
      before: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'skip-build': { type: 'boolean', default: false },
      publish: { type: 'boolean', default: false },
    },
  })
  const warmupSeconds = Number(values.warmup)
  if (!Number.isInteger(warmupSeconds) || warmupSeconds < 0) {
    throw new Error('--warmup must be a whole number of seconds')
  }
  return {
    durationSeconds: positive('duration', values.duration),
    warmupSeconds,
    connections: positive('connections', values.connections),
    rounds: positive('rounds', values.rounds),
    scenarios: list(values.scenarios, [...SCENARIOS, 'size'] as const),
    servers: [
      ...list(values.servers, CONTENDER_NAMES),
      ...(values.before === undefined ? [] : (['before-sqlite'] as const)),
    ],
    size: positive('size', values.size),
    postgresUrl: values.postgres,
    before: values.before,
    profile: values.profile,
    skipBuild: values['skip-build'],
    publish: values.publish,
  }
}

function positive(name: string, text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`)
  return value
}

function list<T extends string>(text: string, known: readonly T[]): T[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = names.filter((name) => !known.includes(name as T))
  if (unknown.length > 0) {
    throw new Error(`unknown: ${unknown.join(', ')} (known: ${known.join(', ')})`)
  }
  return names as T[]
}
