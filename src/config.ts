/**
 * Server configuration: one frozen set of defaults, and loadConfig(flags, env) which takes
 * each value from its flag, else its environment variable, else the default. It validates
 * once, at start; a bad value is a ConfigError naming both the flag and the variable. Imported by src/cli only.
 */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parseKeyring, type Keyring } from './store/secret-box.js'
import { readKeyFile } from './store/secret-keys.js'

export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080, // TCP port; 0 picks a free one
  database: './data/registrar.db', // SQLite file, relative to the working directory
  databasePoolSize: 10, // PostgreSQL connections per node
  databaseConnectTimeout: 10, // seconds to open a PostgreSQL connection
  logLevel: 'info', // pino level
  bodyLimit: 65_536, // bytes
  // Limits on anonymous clients (README, Security): what a reverse proxy in front would allow.
  requestTimeout: 30, // seconds for a whole request; a 64 KiB body at 2.2 KB/s still fits
  headersTimeout: 10, // seconds for the headers (from the moment a new connection opens)
  keepAliveTimeout: 5, // seconds an idle connection stays open after an answer (node's default)
  maxConnections: 10_000, // open connections at once
  shutdownGrace: 10, // seconds in-flight requests have to finish after SIGTERM or SIGINT
  idempotencyWindow: 86_400, // seconds a registration's Idempotency-Key is remembered (24 hours)
  // Per-network rate limit buckets group client addresses by these prefixes (README, Rate limits).
  rateLimitIpv4Prefix: 24, // bits
  rateLimitIpv6Prefix: 56, // bits
  // Webhook deliveries (README, Webhooks): the wait after a failure doubles from the base, to 1 hour.
  webhookAttempts: 20, // attempts before a delivery is given up (about 9 hours of retries)
  webhookRetryBase: 1, // seconds before the second attempt
  webhookTimeout: 10, // seconds a receiver has to answer
  audit: 'on', // keep the audit history (README, Audit)
  auditRetention: 0, // days the audit history is kept; 0 = for ever
  metrics: 'admin', // who may read GET /metrics: the admin token
})

/** An admin token shorter than this is refused. */
const MIN_ADMIN_TOKEN_LENGTH = 32

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Who may read `GET /metrics`: the admin token, anyone, or no one (no such route). */
const METRICS_ACCESS = ['admin', 'public', 'off'] as const

export interface Config {
  host: string
  /** 0 = any free port. */
  port: number
  /** SQLite path, `sqlite:PATH`, `:memory:` or a `postgres://` URL. */
  database: string
  /** How PostgreSQL connections are opened (unused for SQLite). */
  databaseConnection: DatabaseConnectionConfig
  /** Public base URL without a trailing slash; undefined = `http://HOST:PORT` once listening. */
  baseUrl?: string
  /** REGISTRAR_ADMIN_TOKEN; undefined = the stored one, or one generated on first start. */
  adminToken?: string
  logLevel: (typeof LOG_LEVELS)[number]
  /** Bytes. */
  bodyLimit: number
  requestTimeoutMilliseconds: number
  headersTimeoutMilliseconds: number
  keepAliveTimeoutMilliseconds: number
  maxConnections: number
  shutdownGraceMilliseconds: number
  idempotencyWindowMilliseconds: number
  /**
   * Reverse proxies whose X-Forwarded-For is believed: addresses, CIDR ranges, `loopback`,
   * `linklocal`, `uniquelocal`; empty = the client is the socket's peer.
   */
  trustProxy: readonly string[]
  /** `redis://` or `rediss://` URL of the Redis that shares rate limit buckets; undefined = per node. */
  redisUrl?: string
  /** Prefix lengths, bits, that group client addresses into one network for rate limits. */
  networkPrefixLengths: { ipv4: number; ipv6: number }
  /** How webhook messages are retried, and how long a receiver has to answer each. */
  webhookDelivery: {
    maxAttempts: number
    retryBaseMilliseconds: number
    timeoutMilliseconds: number
  }
  /** Whether changes, failed authentications, rejections and management reads are events. */
  audit: boolean
  /** How long audit events are kept; 0 = for ever. */
  auditRetentionMilliseconds: number
  /** Who may read `GET /metrics`; `off` serves no metrics and loads no metrics code. */
  metrics: (typeof METRICS_ACCESS)[number]
  /** Lets fetches of what clients name (jwks_uri) reach private and loopback addresses. */
  cimdAllowPrivate: boolean
  /**
   * The keys client secrets are sealed with at rest, the first sealing; undefined = the
   * store's default (a SQLite file's key file `<database>.key`; PostgreSQL refuses to start).
   */
  secretKeys?: Keyring
}

export interface DatabaseConnectionConfig {
  maxConnections: number
  connectTimeoutMilliseconds: number
  /** Read from the password file, for a URL without a password. */
  password?: string
}

/** The flags of `registrar serve`, as the command line gave them (strings). */
export interface ServeFlags {
  host?: string
  port?: string
  database?: string
  databasePoolSize?: string
  databaseConnectTimeout?: string
  databasePasswordFile?: string
  baseUrl?: string
  logLevel?: string
  requestTimeout?: string
  headersTimeout?: string
  keepAliveTimeout?: string
  maxConnections?: string
  shutdownGrace?: string
  idempotencyWindow?: string
  trustProxy?: string
  redisUrl?: string
  rateLimitIpv4Prefix?: string
  rateLimitIpv6Prefix?: string
  webhookAttempts?: string
  webhookRetryBase?: string
  webhookTimeout?: string
  audit?: string
  auditRetention?: string
  metrics?: string
  /** A switch: present or absent. */
  cimdAllowPrivate?: boolean
  secretKeyFile?: string
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

/** Flag over environment over default; an empty value counts as unset. */
function pick(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined && flag !== '') return flag
  return env !== undefined && env !== '' ? env : undefined
}

function invalid(flag: string, variable: string, value: string, expected: string): ConfigError {
  return new ConfigError(
    `invalid ${flag} / ${variable}: ${JSON.stringify(value)} is not ${expected}`,
  )
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.port
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65535))
    throw invalid('--port', 'PORT', value, 'a port number (0-65535)')
  return port
}

function parseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid('--base-url', 'REGISTRAR_BASE_URL', value, 'an absolute http(s) URL')
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw invalid(
      '--base-url',
      'REGISTRAR_BASE_URL',
      value,
      'an http(s) URL without query or fragment',
    )
  }
  return value.replace(/\/+$/, '')
}

/** One of `choices`, in any case; `fallback` when unset. */
function parseChoice<const C extends string>(
  flag: string,
  variable: string,
  value: string | undefined,
  choices: readonly C[],
  fallback: C,
): C {
  if (value === undefined) return fallback
  const choice = value.toLowerCase()
  if (!(choices as readonly string[]).includes(choice)) {
    throw invalid(flag, variable, value, `one of ${choices.join(', ')}`)
  }
  return choice as C
}

function parseHost(value: string | undefined): string {
  if (value === undefined) return DEFAULTS.host
  if (/[\s/]/.test(value)) throw invalid('--host', 'HOST', value, 'a host name or IP address')
  return value
}

/** A positive number of seconds (fractions allowed), in milliseconds. */
function parseSeconds(
  flag: string,
  variable: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback * 1000
  const seconds = /^[0-9]{1,7}(\.[0-9]{1,3})?$/.test(value) ? Number(value) : 0
  if (!(seconds > 0)) throw invalid(flag, variable, value, 'a positive number of seconds')
  return Math.round(seconds * 1000)
}

function parseAudit(value: string | undefined): boolean {
  const setting = value ?? DEFAULTS.audit
  if (setting !== 'on' && setting !== 'off') {
    throw invalid('--audit', 'REGISTRAR_AUDIT', setting, '`on` or `off`')
  }
  return setting === 'on'
}

const DAY_MILLISECONDS = 86_400_000

function parseRetentionDays(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.auditRetention * DAY_MILLISECONDS
  const days = /^[0-9]{1,6}$/.test(value) ? Number(value) : Number.NaN
  if (!(days >= 0)) {
    throw invalid(
      '--audit-retention',
      'REGISTRAR_AUDIT_RETENTION',
      value,
      'a whole number of days (0 = for ever)',
    )
  }
  return days * DAY_MILLISECONDS
}

function parseMaxConnections(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.maxConnections
  const count = /^[0-9]{1,9}$/.test(value) ? Number(value) : 0
  if (!(count > 0)) {
    throw invalid('--max-connections', 'REGISTRAR_MAX_CONNECTIONS', value, 'a positive integer')
  }
  return count
}

function parseAdminToken(value: string | undefined): string | undefined {
  if (value === undefined || value.length >= MIN_ADMIN_TOKEN_LENGTH) return value
  // The value itself is a secret: never echoed.
  throw new ConfigError(
    `REGISTRAR_ADMIN_TOKEN is too short (${value.length} characters): use at least ` +
      `${MIN_ADMIN_TOKEN_LENGTH}, e.g. the output of \`openssl rand -hex 32\`, or leave it ` +
      'unset to have one generated',
  )
}

/** The timeouts and the connection cap; node requires the headers to fit in the request. */
function parseLimits(flags: ServeFlags, env: Env) {
  const requestTimeoutMilliseconds = parseSeconds(
    '--request-timeout',
    'REGISTRAR_REQUEST_TIMEOUT',
    pick(flags.requestTimeout, env['REGISTRAR_REQUEST_TIMEOUT']),
    DEFAULTS.requestTimeout,
  )
  const headersTimeoutMilliseconds = parseSeconds(
    '--headers-timeout',
    'REGISTRAR_HEADERS_TIMEOUT',
    pick(flags.headersTimeout, env['REGISTRAR_HEADERS_TIMEOUT']),
    Math.min(DEFAULTS.headersTimeout, requestTimeoutMilliseconds / 1000),
  )
  if (headersTimeoutMilliseconds > requestTimeoutMilliseconds) {
    throw new ConfigError(
      'invalid --headers-timeout / REGISTRAR_HEADERS_TIMEOUT: longer than ' +
        '--request-timeout / REGISTRAR_REQUEST_TIMEOUT, which includes the headers',
    )
  }
  return {
    requestTimeoutMilliseconds,
    headersTimeoutMilliseconds,
    keepAliveTimeoutMilliseconds: parseSeconds(
      '--keep-alive-timeout',
      'REGISTRAR_KEEP_ALIVE_TIMEOUT',
      pick(flags.keepAliveTimeout, env['REGISTRAR_KEEP_ALIVE_TIMEOUT']),
      DEFAULTS.keepAliveTimeout,
    ),
    maxConnections: parseMaxConnections(
      pick(flags.maxConnections, env['REGISTRAR_MAX_CONNECTIONS']),
    ),
  }
}

/** The names proxy-addr (Fastify's trustProxy) gives to well-known ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']

/** A comma-separated list of addresses, CIDR ranges and range names. */
function parseTrustProxy(value: string | undefined): readonly string[] {
  if (value === undefined) return Object.freeze([])
  const entries = value.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/')
    const family = isIP(address)
    const validBits =
      bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    const valid =
      PROXY_RANGE_NAMES.includes(entry) || (family !== 0 && validBits && extra === undefined)
    if (!valid) {
      throw invalid(
        '--trust-proxy',
        'REGISTRAR_TRUST_PROXY',
        entry,
        `an IP address, a CIDR range or one of ${PROXY_RANGE_NAMES.join(', ')}`,
      )
    }
  }
  return Object.freeze(entries)
}

function parseRedisUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let protocol = ''
  try {
    protocol = new URL(value).protocol
  } catch {
    // refused below
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    // The URL may hold a password: never echoed.
    throw new ConfigError('invalid --redis-url / REDIS_URL: not a redis:// or rediss:// URL')
  }
  return value
}

function parsePrefix(
  flag: string,
  variable: string,
  value: string | undefined,
  fallback: number,
  longest: number,
): number {
  if (value === undefined) return fallback
  const bits = /^[0-9]{1,3}$/.test(value) ? Number(value) : Number.NaN
  if (!(bits >= 0 && bits <= longest)) {
    throw invalid(flag, variable, value, `a prefix length from 0 to ${longest}`)
  }
  return bits
}

function parseRateLimiting(flags: ServeFlags, env: Env) {
  return {
    trustProxy: parseTrustProxy(pick(flags.trustProxy, env['REGISTRAR_TRUST_PROXY'])),
    redisUrl: parseRedisUrl(pick(flags.redisUrl, env['REDIS_URL'])),
    networkPrefixLengths: Object.freeze({
      ipv4: parsePrefix(
        '--rate-limit-ipv4-prefix',
        'REGISTRAR_RATE_LIMIT_IPV4_PREFIX',
        pick(flags.rateLimitIpv4Prefix, env['REGISTRAR_RATE_LIMIT_IPV4_PREFIX']),
        DEFAULTS.rateLimitIpv4Prefix,
        32,
      ),
      ipv6: parsePrefix(
        '--rate-limit-ipv6-prefix',
        'REGISTRAR_RATE_LIMIT_IPV6_PREFIX',
        pick(flags.rateLimitIpv6Prefix, env['REGISTRAR_RATE_LIMIT_IPV6_PREFIX']),
        DEFAULTS.rateLimitIpv6Prefix,
        128,
      ),
    }),
  }
}

function parseWebhookDelivery(flags: ServeFlags, env: Env): Config['webhookDelivery'] {
  const attempts = pick(flags.webhookAttempts, env['REGISTRAR_WEBHOOK_ATTEMPTS'])
  const maxAttempts =
    attempts === undefined
      ? DEFAULTS.webhookAttempts
      : /^[0-9]{1,3}$/.test(attempts)
        ? Number(attempts)
        : 0
  if (!(maxAttempts >= 1 && maxAttempts <= 100)) {
    throw invalid(
      '--webhook-attempts',
      'REGISTRAR_WEBHOOK_ATTEMPTS',
      attempts ?? '',
      'an integer from 1 to 100',
    )
  }
  return Object.freeze({
    maxAttempts,
    retryBaseMilliseconds: parseSeconds(
      '--webhook-retry-base',
      'REGISTRAR_WEBHOOK_RETRY_BASE',
      pick(flags.webhookRetryBase, env['REGISTRAR_WEBHOOK_RETRY_BASE']),
      DEFAULTS.webhookRetryBase,
    ),
    timeoutMilliseconds: parseSeconds(
      '--webhook-timeout',
      'REGISTRAR_WEBHOOK_TIMEOUT',
      pick(flags.webhookTimeout, env['REGISTRAR_WEBHOOK_TIMEOUT']),
      DEFAULTS.webhookTimeout,
    ),
  })
}

/**
 * The PostgreSQL pool's size and connect timeout, and the password file's password (a
 * Docker or Kubernetes secret): a URL that holds a password as well is refused, one of the
 * two would be ignored.
 */
function parseDatabaseConnection(
  database: string,
  flags: ServeFlags,
  env: Env,
): DatabaseConnectionConfig {
  const size = pick(flags.databasePoolSize, env['REGISTRAR_DATABASE_POOL_SIZE'])
  const maxConnections =
    size === undefined ? DEFAULTS.databasePoolSize : /^[0-9]{1,4}$/.test(size) ? Number(size) : 0
  if (!(maxConnections >= 1 && maxConnections <= 1000)) {
    throw invalid(
      '--database-pool-size',
      'REGISTRAR_DATABASE_POOL_SIZE',
      size ?? '',
      'an integer from 1 to 1000',
    )
  }
  const connectTimeoutMilliseconds = parseSeconds(
    '--database-connect-timeout',
    'REGISTRAR_DATABASE_CONNECT_TIMEOUT',
    pick(flags.databaseConnectTimeout, env['REGISTRAR_DATABASE_CONNECT_TIMEOUT']),
    DEFAULTS.databaseConnectTimeout,
  )
  const passwordFile = pick(flags.databasePasswordFile, env['REGISTRAR_DATABASE_PASSWORD_FILE'])
  if (passwordFile === undefined)
    return Object.freeze({ maxConnections, connectTimeoutMilliseconds })
  const setting = '--database-password-file / REGISTRAR_DATABASE_PASSWORD_FILE'
  if (
    /^postgres(ql)?:\/\//i.test(database) &&
    URL.canParse(database) &&
    new URL(database).password
  ) {
    throw new ConfigError(`${setting} is set and the database URL holds a password: give one`)
  }
  let password: string
  try {
    password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    throw new ConfigError(
      `invalid ${setting}: cannot read ${passwordFile} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    )
  }
  if (password === '') throw new ConfigError(`invalid ${setting}: ${passwordFile} is empty`)
  return Object.freeze({ maxConnections, connectTimeoutMilliseconds, password })
}

export function loadConfig(flags: ServeFlags, env: Env): Config {
  const database = pick(flags.database, env['DATABASE_URL']) ?? DEFAULTS.database
  return Object.freeze({
    host: parseHost(pick(flags.host, env['HOST'])),
    port: parsePort(pick(flags.port, env['PORT'])),
    database,
    databaseConnection: parseDatabaseConnection(database, flags, env),
    baseUrl: parseBaseUrl(pick(flags.baseUrl, env['REGISTRAR_BASE_URL'])),
    adminToken: parseAdminToken(pick(undefined, env['REGISTRAR_ADMIN_TOKEN'])),
    logLevel: parseChoice(
      '--log-level',
      'LOG_LEVEL',
      pick(flags.logLevel, env['LOG_LEVEL']),
      LOG_LEVELS,
      DEFAULTS.logLevel as Config['logLevel'],
    ),
    bodyLimit: DEFAULTS.bodyLimit,
    ...parseLimits(flags, env),
    shutdownGraceMilliseconds: parseSeconds(
      '--shutdown-grace',
      'REGISTRAR_SHUTDOWN_GRACE',
      pick(flags.shutdownGrace, env['REGISTRAR_SHUTDOWN_GRACE']),
      DEFAULTS.shutdownGrace,
    ),
    idempotencyWindowMilliseconds: parseSeconds(
      '--idempotency-window',
      'REGISTRAR_IDEMPOTENCY_WINDOW',
      pick(flags.idempotencyWindow, env['REGISTRAR_IDEMPOTENCY_WINDOW']),
      DEFAULTS.idempotencyWindow,
    ),
    ...parseRateLimiting(flags, env),
    webhookDelivery: parseWebhookDelivery(flags, env),
    audit: parseAudit(pick(flags.audit, env['REGISTRAR_AUDIT'])),
    auditRetentionMilliseconds: parseRetentionDays(
      pick(flags.auditRetention, env['REGISTRAR_AUDIT_RETENTION']),
    ),
    metrics: parseChoice(
      '--metrics',
      'REGISTRAR_METRICS',
      pick(flags.metrics, env['REGISTRAR_METRICS']),
      METRICS_ACCESS,
      DEFAULTS.metrics as Config['metrics'],
    ),
    cimdAllowPrivate:
      flags.cimdAllowPrivate === true ||
      parseSwitch(
        '--cimd-allow-private',
        'REGISTRAR_CIMD_ALLOW_PRIVATE',
        env['REGISTRAR_CIMD_ALLOW_PRIVATE'],
      ),
    secretKeys: parseSecretKeys(
      pick(undefined, env['REGISTRAR_SECRET_KEYS']),
      pick(flags.secretKeyFile, env['REGISTRAR_SECRET_KEY_FILE']),
    ),
  })
}

/**
 * The keyring from REGISTRAR_SECRET_KEYS (env only: a command line is visible to every
 * user of the machine), or from the key file; not both, which would leave one unused.
 */
function parseSecretKeys(keys: string | undefined, file: string | undefined): Keyring | undefined {
  if (keys !== undefined && file !== undefined) {
    throw new ConfigError(
      'REGISTRAR_SECRET_KEYS and --secret-key-file / REGISTRAR_SECRET_KEY_FILE are both set: give one',
    )
  }
  try {
    if (keys !== undefined) return parseKeyring(keys)
    return file === undefined ? undefined : readKeyFile(file)
  } catch (error) {
    // The value holds keys: only the reason is told.
    const setting =
      keys !== undefined ? 'REGISTRAR_SECRET_KEYS' : '--secret-key-file / REGISTRAR_SECRET_KEY_FILE'
    throw new ConfigError(
      `invalid ${setting}: ${(error as Error).message} (expected id:base64key[,id:base64key...] with 32-byte keys)`,
    )
  }
}

/** An environment switch: `1` or `true` is on, `0`, `false` or unset off. */
function parseSwitch(flag: string, variable: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false
  if (value === '1' || value === 'true') return true
  throw invalid(flag, variable, value, '1, true, 0 or false')
}
