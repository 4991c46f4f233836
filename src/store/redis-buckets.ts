/**
 * Rate limit buckets shared by every node through one Redis (REDIS_URL). A check is one Lua
 * script, which Redis runs atomically: it reads every bucket of the registration, and
 * takes a token from each or from none, so no two nodes ever spend the same token. A
 * bucket is a hash {t: level, at: milliseconds} on Redis's own clock (no skew between
 * nodes), expiring once it would be full again: a missing bucket is a full one.
 *
 * Redis is a helper, never a gate: while it does not answer within the command timeout,
 * or is not connected, each node checks its own buckets (LocalBuckets) and `mode()` says so;
 * a probe every second notices its return. Each change is told once to `onModeChange`.
 * @see engine/token-bucket.ts for the same arithmetic in memory
 */
import type { Redis, RedisOptions } from 'ioredis'
import {
  LocalBuckets,
  type BucketCheck,
  type BucketRefusal,
  type RateLimiter,
  type RateLimitMode,
} from '../engine/index.js'

/**
 * KEYS: the buckets; ARGV: capacity and refill per millisecond of each, in turn. Answers
 * {} when a token was taken from every bucket, else {index of the bucket that needs
 * longest (from 1), milliseconds until it holds a token}.
 */
const TAKE_TOKENS = `
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local levels = {}
local refused, wait = 0, 0
for i, key in ipairs(KEYS) do
  local capacity, rate = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 't', 'at')
  local level = capacity
  if state[1] and state[2] then
    local elapsed = math.max(0, now - tonumber(state[2]))
    level = math.min(capacity, tonumber(state[1]) + elapsed * rate)
  end
  levels[i] = level
  if level < 1 - 1e-9 and (1 - level) / rate > wait then
    refused, wait = i, (1 - level) / rate
  end
end
if refused > 0 then return {refused, tostring(wait)} end
for i, key in ipairs(KEYS) do
  local capacity, rate = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local level = levels[i] - 1
  redis.call('HSET', key, 't', tostring(level), 'at', now)
  redis.call('PEXPIRE', key, math.ceil((capacity - level) / rate) + 1000)
end
return {}
`

type TakeTokens = (keyCount: number, ...keysAndArgs: (string | number)[]) => Promise<unknown[]>

export interface RedisBucketsOptions {
  /** `redis://` or `rediss://` URL. */
  url: string
  /**
   * How long one check waits for Redis before this node decides alone, milliseconds.
   * @default 250
   */
  commandTimeoutMilliseconds?: number
  /**
   * How often an unavailable Redis is asked whether it is back, milliseconds.
   * @default 1000
   */
  probeMilliseconds?: number
  /**
   * Buckets the fallback keeps in memory at most.
   * @default 100000
   */
  localKeys?: number
  /**
   * Told of each change of mode (not of each failed request), with the error behind a
   * change to `local (redis unavailable)`.
   */
  onModeChange?: (mode: RateLimitMode, error?: unknown) => void
  /** @default 'registrar:rl:' */
  keyPrefix?: string
}

export class RedisBuckets implements RateLimiter {
  readonly #redis: Redis
  readonly #takeTokens: TakeTokens
  readonly #local: LocalBuckets
  readonly #prefix: string
  readonly #onModeChange: NonNullable<RedisBucketsOptions['onModeChange']>
  readonly #probe: NodeJS.Timeout
  #available = false
  #closed = false
  #announced: RateLimitMode | undefined

  private constructor(redis: Redis, options: RedisBucketsOptions) {
    this.#redis = redis
    redis.defineCommand('registrarTakeTokens', { lua: TAKE_TOKENS })
    const commands = redis as unknown as { registrarTakeTokens: TakeTokens }
    this.#takeTokens = commands.registrarTakeTokens.bind(redis)
    this.#local = new LocalBuckets(options.localKeys ?? 100_000)
    this.#prefix = options.keyPrefix ?? 'registrar:rl:'
    this.#onModeChange = options.onModeChange ?? (() => {})
    redis.on('ready', () => this.#setAvailable(true))
    // The client reconnects by itself; until then every check is local.
    redis.on('close', () => this.#setAvailable(false, new Error('connection to Redis closed')))
    redis.on('error', (error: unknown) => this.#setAvailable(false, error))
    // A Redis that stopped answering on an open connection sends no 'ready' when it is back.
    this.#probe = setInterval(() => this.#probeIfUnavailable(), options.probeMilliseconds ?? 1000)
    this.#probe.unref()
  }

  /**
   * Connects to Redis, waiting for it at most the command timeout (or one second, whichever
   * is longer); a Redis that is not there yet leaves the node checking locally meanwhile.
   */
  static async open(options: RedisBucketsOptions): Promise<RedisBuckets> {
    const { Redis } = await import('ioredis')
    const timeout = options.commandTimeoutMilliseconds ?? 250
    const clientOptions: RedisOptions = {
      commandTimeout: timeout,
      connectTimeout: Math.max(1000, timeout),
      // A check never queues behind a reconnection: it goes local at once.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    }
    const buckets = new RedisBuckets(new Redis(options.url, clientOptions), options)
    await buckets.#waitForReady(Math.max(1000, timeout))
    if (!buckets.#available) {
      buckets.#announce('local (redis unavailable)', new Error('Redis did not answer at start'))
    }
    return buckets
  }

  async take(checks: readonly BucketCheck[]): Promise<BucketRefusal | undefined> {
    if (!this.#available) return this.#local.take(checks)
    const keysAndArgs: (string | number)[] = checks.map((check) => this.#prefix + check.key)
    for (const { limit } of checks) keysAndArgs.push(limit.capacity, limit.refillPerMinute / 60_000)
    let answer: unknown[]
    try {
      answer = await this.#takeTokens(checks.length, ...keysAndArgs)
    } catch (error) {
      this.#setAvailable(false, error)
      return this.#local.take(checks)
    }
    if (answer.length === 0) return undefined
    return {
      check: checks[Number(answer[0]) - 1]!,
      retryAfterMilliseconds: Number(answer[1]),
    }
  }

  mode(): RateLimitMode {
    return this.#available ? 'redis' : 'local (redis unavailable)'
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#probe)
    this.#redis.disconnect()
  }

  #setAvailable(available: boolean, error?: unknown): void {
    // Closing on shutdown is no outage.
    if (this.#closed) return
    this.#available = available
    this.#announce(this.mode(), error)
  }

  #announce(mode: RateLimitMode, error?: unknown): void {
    if (mode === this.#announced) return
    this.#announced = mode
    this.#onModeChange(mode, error)
  }

  #probeIfUnavailable(): void {
    if (this.#available || this.#redis.status !== 'ready') return
    this.#redis.ping().then(
      () => this.#setAvailable(true),
      () => {},
    )
  }

  async #waitForReady(milliseconds: number): Promise<void> {
    if (this.#redis.status === 'ready') return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      new Promise((resolve) => this.#redis.once('ready', resolve)),
      new Promise((resolve) => (timer = setTimeout(resolve, milliseconds))),
    ])
    clearTimeout(timer)
  }
}
