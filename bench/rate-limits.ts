/**
 * What rate limits cost: one LocalBuckets check (1 and 4 buckets, over many keys), a
 * registration through the engine (in-memory store) with the default policy and with all
 * four buckets on, and, given a Redis, one shared check (one Lua script) one at a time and
 * 50 at once. `npm run bench` measures the server as a whole; this isolates the buckets.
 *
 *   npm run bench:rate-limits [-- --redis redis://127.0.0.1:6379] [--seconds 2]
 */
import { parseArgs } from 'node:util'
import {
  createEngine,
  LocalBuckets,
  MemoryStore,
  type BucketCheck,
  type RateLimiter,
} from '../src/engine/index.js'
import { RedisBuckets } from '../src/store/index.js'
import type { Policy } from '../src/wire/index.js'

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string' },
    seconds: { type: 'string', default: '2' },
  },
})
const seconds = Number(args.seconds)

/** Never empties within a run. */
const ROOMY = { capacity: 1_000_000, refillPerMinute: 1_000_000 }
const NETWORKS = 10_000

/** Runs `operation` (`parallel` at a time) for the configured seconds; nanoseconds per call. */
async function measure(
  operation: (index: number) => unknown,
  parallel = 1,
): Promise<{ nanoseconds: number; perSecond: number }> {
  let calls = 0
  const end = performance.now() + seconds * 1000
  const started = performance.now()
  const lane = async () => {
    while (performance.now() < end) {
      // A synchronous operation is run in batches, so the clock is read rarely.
      for (let i = 0; i < 100; i++) {
        const result = operation(calls++)
        if (result instanceof Promise) await result
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane))
  const elapsed = performance.now() - started
  return { nanoseconds: (elapsed * 1e6) / calls, perSecond: (calls * 1000) / elapsed }
}

function checksFor(index: number, buckets: number): BucketCheck[] {
  const network = index % NETWORKS
  const all: BucketCheck[] = [
    { name: 'perNetwork', key: `{1}:net:10.${network >> 8}.${network & 255}.0/24`, limit: ROOMY },
    { name: 'perSoftwareId', key: `{1}:sw:agent-${index % 100}`, limit: ROOMY },
    { name: 'perInitialAccessToken', key: '{1}:iat:0123456789abcdef', limit: ROOMY },
    { name: 'perService', key: '{1}:service', limit: ROOMY },
  ]
  return all.slice(0, buckets)
}

function row(name: string, result: { nanoseconds: number; perSecond: number }): void {
  const micro = (result.nanoseconds / 1000).toFixed(2).padStart(9)
  const rate = Math.round(result.perSecond).toLocaleString('en-US').padStart(12)
  console.log(`${name.padEnd(66)} ${micro} µs ${rate} /s`)
}

async function registrations(policy: Policy): Promise<{ nanoseconds: number; perSecond: number }> {
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://dcr.example.com' })
  const service = await engine.replacePolicy(
    (await engine.createService({ serviceName: 'bench' })).apiKey,
    policy,
  )
  const json = JSON.stringify({
    redirect_uris: ['http://127.0.0.1/callback'],
    token_endpoint_auth_method: 'none',
    software_id: 'agent',
  })
  return measure((index) =>
    engine.register(service, {
      json,
      clientAddress: `10.${(index >> 8) & 255}.${index & 255}.7`,
    }),
  )
}

const local: RateLimiter = new LocalBuckets(100_000)
row(
  'LocalBuckets.take, 1 bucket (10,000 networks)',
  await measure((i) => local.take(checksFor(i, 1))),
)
row('LocalBuckets.take, 4 buckets', await measure((i) => local.take(checksFor(i, 4))))

const allFour: Policy = {
  rateLimits: {
    perNetwork: ROOMY,
    perSoftwareId: ROOMY,
    perInitialAccessToken: ROOMY,
    perService: ROOMY,
  },
}
// Alternated, so neither gets the warmer machine.
for (let round = 1; round <= 2; round++) {
  row(`engine.register, default policy (round ${round})`, await registrations({}))
  row(
    `engine.register, perNetwork + perSoftwareId + perService (round ${round})`,
    await registrations(allFour),
  )
}

if (args.redis) {
  const shared = await RedisBuckets.open({ url: args.redis })
  if (shared.mode() !== 'redis') throw new Error(`Redis at ${args.redis} does not answer`)
  row(
    'RedisBuckets.take, 4 buckets, one at a time',
    await measure((i) => shared.take(checksFor(i, 4))),
  )
  row(
    'RedisBuckets.take, 4 buckets, 50 at once',
    await measure((i) => shared.take(checksFor(i, 4)), 50),
  )
  await shared.close()
} else {
  console.log('(no --redis URL: shared buckets not measured)')
}
